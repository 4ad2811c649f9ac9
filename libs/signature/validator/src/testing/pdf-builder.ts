// Test support: minimal, well-formed PDFs and real signatures in them, added as incremental
// updates the way signing tools do (placeholder, byte range, CMS over the covered bytes).
// Only for PDFs this file wrote: it finds its way by its own markers, not by parsing.

const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const pad10 = (n: number): string => String(n).padStart(10, '0');

/** A one-page PDF 1.7 with an empty AcroForm and a line of text, with a correct xref table. */
export function minimalPdf(line = 'Cong van so 123/UBND-VP'): Uint8Array {
  const stream = `BT /F1 12 Tf 72 770 Td (${line}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /SigFlags 3 >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${pad10(o)} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return latin1(body);
}

/** Options of {@link addSignaturePlaceholder}. */
export interface PlaceholderOptions {
  readonly fieldName: string;
  /** Default `ETSI.CAdES.detached`. */
  readonly subFilter?: string;
  /** Bytes reserved for the CMS. Default 16 KiB. */
  readonly contentsSize?: number;
  /** The /M entry. */
  readonly signingTime?: Date;
}

/** A PDF with an empty signature: where its /Contents is and what its byte range covers. */
export interface PreparedPdf {
  readonly pdf: Uint8Array;
  readonly byteRange: readonly [number, number, number, number];
  /** The bytes the byte range covers, what the CMS must sign. */
  readonly covered: Uint8Array;
}

/** An incremental update holding an empty signature, for a PDF of `previousLength` bytes. */
export interface SignatureUpdate {
  /** The update's bytes, its /ByteRange filled in, its /Contents zero-filled. */
  readonly update: Uint8Array;
  /** The byte range in the whole file (the previous bytes, then the update). */
  readonly byteRange: readonly [number, number, number, number];
}

/**
 * The update `addSignaturePlaceholder` appends: a signature dictionary (its /Contents
 * zero-filled, its /ByteRange computed), a signature field widget, and the catalog listing every
 * field. `previousText` needs only the markup of the PDF so far (its trailers, xref offsets and
 * catalog), not its streams, so a large PDF can be written without being held.
 */
export function signatureUpdate(previousText: string, previousLength: number, opts: PlaceholderOptions): SignatureUpdate {
  const size = Number(/\/Size (\d+)/g.exec(lastTrailer(previousText))?.[1] ?? NaN);
  const prevXref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(previousText)?.[1] ?? NaN);
  if (!Number.isInteger(size) || !Number.isInteger(prevXref)) throw new Error('not a PDF written by this builder');
  const fields = [...previousText.matchAll(/\/Fields \[([^\]]*)\]/g)].pop()?.[1]?.trim() ?? '';
  const sigObj = size;
  const fieldObj = size + 1;
  const reserve = opts.contentsSize ?? 16 * 1024;
  const m = opts.signingTime ? ` /M (D:${opts.signingTime.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z)` : '';
  const placeholderRange = '[0 0000000000 0000000000 0000000000]';
  let update = '';
  const offsets = new Map<number, number>();
  const add = (num: number, body: string): void => {
    offsets.set(num, previousLength + update.length);
    update += `${num} 0 obj\n${body}\nendobj\n`;
  };
  const sigPrefix = `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /${opts.subFilter ?? 'ETSI.CAdES.detached'} /ByteRange ${placeholderRange} /Contents `;
  add(sigObj, `${sigPrefix}<${'0'.repeat(reserve * 2)}>${m} /Name (${opts.fieldName}) >>`);
  add(fieldObj, `<< /Type /Annot /Subtype /Widget /FT /Sig /T (${opts.fieldName}) /V ${sigObj} 0 R /Rect [0 0 0 0] /F 132 /P 3 0 R >>`);
  add(1, `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${fields ? `${fields} ` : ''}${fieldObj} 0 R] /SigFlags 3 >> >>`);
  const xref = previousLength + update.length;
  const entry = (num: number): string => `${pad10(offsets.get(num) ?? 0)} 00000 n \n`;
  update += `xref\n0 1\n0000000000 65535 f \n1 1\n${entry(1)}${sigObj} 2\n${entry(sigObj)}${entry(fieldObj)}`;
  update += `trailer\n<< /Size ${size + 2} /Root 1 0 R /Prev ${prevXref} >>\nstartxref\n${xref}\n%%EOF\n`;

  const sigStart = (offsets.get(sigObj) ?? 0) + `${sigObj} 0 obj\n`.length;
  const contentsStart = sigStart + sigPrefix.length;
  const contentsEnd = contentsStart + reserve * 2 + 2;
  const out = latin1(update);
  const total = previousLength + out.length;
  const byteRange = [0, contentsStart, contentsEnd, total - contentsEnd] as const;
  const rangeText = `[0 ${pad10(byteRange[1])} ${pad10(byteRange[2])} ${pad10(byteRange[3])}]`;
  out.set(latin1(rangeText), sigStart - previousLength + sigPrefix.indexOf(placeholderRange));
  return { update: out, byteRange };
}

/**
 * Appends an incremental update with a signature dictionary (its /Contents zero-filled, its
 * /ByteRange computed), a signature field widget, and the catalog listing every field.
 */
export function addSignaturePlaceholder(pdf: Uint8Array, opts: PlaceholderOptions): PreparedPdf {
  const { update, byteRange } = signatureUpdate(text(pdf), pdf.length, opts);
  const out = new Uint8Array(pdf.length + update.length);
  out.set(pdf);
  out.set(update, pdf.length);
  const covered = new Uint8Array(byteRange[1] + byteRange[3]);
  covered.set(out.subarray(0, byteRange[1]));
  covered.set(out.subarray(byteRange[2]), byteRange[1]);
  return { pdf: out, byteRange, covered };
}

/** The hex of a CMS for a /Contents of `contentsEnd - contentsStart` bytes (angle brackets included). */
export function contentsHex(cms: Uint8Array, contentsStart: number, contentsEnd: number): Uint8Array {
  const room = (contentsEnd - contentsStart - 2) / 2;
  if (cms.length > room) throw new Error(`the CMS (${cms.length} bytes) does not fit the ${room} bytes reserved`);
  return latin1(Buffer.from(cms).toString('hex').toUpperCase());
}

/** Writes the CMS into the prepared /Contents (hex, zero-padded). */
export function embedSignature(prepared: PreparedPdf, cms: Uint8Array): Uint8Array {
  const [, contentsStart, contentsEnd] = prepared.byteRange;
  const out = new Uint8Array(prepared.pdf);
  out.set(contentsHex(cms, contentsStart, contentsEnd), contentsStart + 1);
  return out;
}

/** Prepares a signature, has `sign` sign the covered bytes, and embeds the result. */
export async function signPdf(pdf: Uint8Array, opts: PlaceholderOptions, sign: (covered: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const prepared = addSignaturePlaceholder(pdf, opts);
  return embedSignature(prepared, await sign(prepared.covered));
}

function lastTrailer(pdf: string): string {
  const at = pdf.lastIndexOf('trailer');
  return at >= 0 ? pdf.slice(at) : '';
}
