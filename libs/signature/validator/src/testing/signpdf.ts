// Test support: signed PDFs made by third-party code, not by pdf-builder.ts. PDFKit writes the
// base document; @signpdf/placeholder-plain appends the signature placeholder as an incremental
// update (so a second signature can follow a first); @signpdf/signpdf computes the byte range,
// hands the covered bytes to a Signer and writes the CMS into /Contents. Only the CMS is the
// project's own (cms-builder.ts, the sandbox hierarchy), so the PDF structure around it is exactly
// what a signing tool built on these libraries produces. See ADR 0038. Not exported.
import { createRequire } from 'node:module';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ADOBE_PKCS7_DETACHED, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { signDetached, type SignOptions } from './cms-builder';

/** The few PDFKit calls used here (PDFKit ships no types; `@types/pdfkit` trails its releases). */
interface PdfKitDocument {
  fontSize(size: number): PdfKitDocument;
  text(text: string, x?: number, y?: number): PdfKitDocument;
  on(event: 'data', listener: (chunk: Buffer) => void): PdfKitDocument;
  on(event: 'end', listener: () => void): PdfKitDocument;
  on(event: 'error', listener: (error: Error) => void): PdfKitDocument;
  end(): void;
}
interface PdfKitOptions {
  readonly pdfVersion?: '1.3' | '1.4' | '1.5' | '1.6' | '1.7';
  readonly compress?: boolean;
  readonly size?: string;
  readonly info?: { readonly Title?: string; readonly Producer?: string; readonly CreationDate?: Date; readonly ModDate?: Date };
}
const PDFDocument = createRequire(__filename)('pdfkit') as new (options?: PdfKitOptions) => PdfKitDocument;

/** The two /SubFilter values of PAdES signatures placeholder-plain can write. */
export type SignpdfSubFilter = typeof SUBFILTER_ADOBE_PKCS7_DETACHED | typeof SUBFILTER_ETSI_CADES_DETACHED;
export { SUBFILTER_ADOBE_PKCS7_DETACHED, SUBFILTER_ETSI_CADES_DETACHED };

/** Options of {@link pdfkitDocument}. */
export interface PdfKitDocumentOptions {
  /** The /Title of the document information dictionary. */
  readonly title?: string;
  /** /CreationDate and /ModDate; fixed so the same lines give the same bytes. */
  readonly createdAt?: Date;
}

/**
 * A one-page A4 PDF 1.7 written by PDFKit, one line of text (Helvetica, so ASCII) per entry of
 * `lines`. Uncompressed content streams, so a test can find the text operators it changes.
 */
export function pdfkitDocument(lines: readonly string[], opts: PdfKitDocumentOptions = {}): Promise<Buffer> {
  const createdAt = opts.createdAt ?? new Date('2026-03-01T07:00:00Z');
  const doc = new PDFDocument({ pdfVersion: '1.7', compress: false, size: 'A4', info: { Title: opts.title ?? lines[0] ?? '', CreationDate: createdAt, ModDate: createdAt } });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(12);
    lines.forEach((line, i) => doc.text(line, 72, 72 + i * 18));
    doc.end();
  });
}

/**
 * A @signpdf Signer whose CMS is a detached SignedData from the project's CMS builder: the
 * sandbox credential of `options.signer`, its certificates, and (when asked) an RFC 3161 signature
 * timestamp. The signing time @signpdf passes becomes the signingTime attribute unless
 * `options.signingTime` says otherwise. Every CMS it made is kept in {@link made}.
 */
export class CmsBuilderSigner extends Signer {
  /** The DER of each CMS returned, in order. */
  readonly made: Uint8Array[] = [];

  constructor(private readonly options: SignOptions) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const cms = await signDetached(new Uint8Array(pdfBuffer), { signingTime: signingTime ?? null, ...this.options });
    this.made.push(cms);
    return Buffer.from(cms);
  }
}

/** Options of {@link signWithSignpdf}. */
export interface SignpdfOptions {
  /** How the project's CMS builder signs. */
  readonly cms: SignOptions;
  /** Default `adbe.pkcs7.detached`, placeholder-plain's own default. */
  readonly subFilter?: SignpdfSubFilter;
  /** The /M entry and the signing time handed to the Signer. */
  readonly signingTime: Date;
  /** /Name, /Reason, /Location of the signature dictionary. */
  readonly name?: string;
  readonly reason?: string;
  readonly location?: string;
  /** Bytes reserved for the CMS. Default 16 KiB (placeholder-plain's 8 KiB is tight for RSA with a token). */
  readonly signatureLength?: number;
}

/** What {@link signWithSignpdf} made: the signed PDF and the CMS it carries. */
export interface SignpdfResult {
  readonly pdf: Buffer;
  /** The DER CMS the Signer returned (written hex, zero-padded, into /Contents). */
  readonly cms: Uint8Array;
}

/**
 * Signs `pdf` the way a @signpdf-based tool does: placeholder-plain appends an incremental update
 * (signature dictionary, widget, AcroForm, page, xref section, trailer); @signpdf/signpdf fills
 * the byte range and the CMS in. `pdf` may already be signed: the new revision follows the last.
 */
export async function signWithSignpdf(pdf: Buffer, opts: SignpdfOptions): Promise<SignpdfResult> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: opts.reason ?? 'Phe duyet',
    contactInfo: 'van-thu@example.gov.vn',
    name: opts.name ?? 'Sandbox signer',
    location: opts.location ?? 'Ha Noi',
    signingTime: opts.signingTime,
    signatureLength: opts.signatureLength ?? 16 * 1024,
    subFilter: opts.subFilter ?? SUBFILTER_ADOBE_PKCS7_DETACHED,
  });
  const signer = new CmsBuilderSigner(opts.cms);
  const signed = await new SignPdf().sign(withPlaceholder, signer, opts.signingTime);
  const cms = signer.made[0];
  if (!cms || signer.made.length !== 1) throw new Error(`@signpdf asked for ${signer.made.length} signatures, not one`);
  return { pdf: signed, cms };
}
