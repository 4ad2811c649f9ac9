import type { EvidenceRef, VerificationCheck } from '@vdx/contracts';
import { placeholderReason, type EdxmlPackage } from '@vdx/edxml';
import {
  aggregate,
  DEFAULT_LIMITS,
  fileVerdict,
  ReasonCode,
  StreamedXmlSignature,
  verifyDetachedCms,
  verifyPdf,
  verifyXmlSignature,
  type FileVerdict,
  type PackageVerdict,
  type VerdictStatus,
  type VerificationContext,
} from '@vdx/signature-validator';
import { tmpdir } from 'node:os';
import { AttachmentStore } from './attachment-store';
import { EVIDENCE_RECORD_KIND } from './evidence-record';
import { checkIntegrity, xmlDsigNote } from './integrity-verifier';
import type { CryptographicResult, PackageVerifier, Verdict, VerificationInput } from './verdict';

/** Codes of the refusals a deployment may turn on (`refuse`). */
export const CRYPTOGRAPHIC_ERROR_CODES = {
  invalid: 'SIGNATURE.CRYPTOGRAPHIC_INVALID',
  indeterminate: 'SIGNATURE.CRYPTOGRAPHIC_INDETERMINATE',
  unsigned: 'SIGNATURE.UNSIGNED',
} as const;

/** Where the edXML XML-DSig Signature is read (as `@vdx/edxml` reads it) and the envelope it must sign. */
export const EDXML_SIGNATURE_PATHS = {
  signaturePath: ['edXML', 'edXMLEnvelope', 'edXMLHeader', 'Signature'],
  signedElementPath: ['edXML', 'edXMLEnvelope'],
} as const;

/** The name the envelope's XML-DSig verdict carries when it stands for the main document. */
export const ENVELOPE_FILE_NAME = 'edXML';

/** Options of {@link CryptographicVerifier}. */
export interface CryptographicVerifierOptions {
  /** The context of one package: trust anchors, rules, that package's revocation and intermediate sources, `now`. */
  readonly context: (input: VerificationInput) => VerificationContext;
  /** Attachment bytes held in memory, all attachments together. Default 64 MiB; the others are spooled to files under `spoolDir`. */
  readonly maxBytesInMemory?: number;
  /** Where attachments beyond `maxBytesInMemory` are spooled (a fresh directory per package, removed after). Default the system's temporary directory. */
  readonly spoolDir?: string;
  /** Package statuses that stop the package (`SignatureRejected`). Default none: every intact package is carried with its verdict. */
  readonly refuse?: readonly ('invalid' | 'indeterminate' | 'unsigned')[];
  /** Stores the evidence record (JSON) and returns where it is (its blob reference); absent: not kept. */
  readonly keepEvidence?: (record: Uint8Array) => Promise<EvidenceRef>;
}

const CRYPTOGRAPHIC: Readonly<Record<VerdictStatus, CryptographicResult>> = { valid: 'valid', invalid: 'invalid', indeterminate: 'unknown', unsigned: 'unsigned' };
const CHECK_RESULT: Readonly<Record<VerdictStatus, string>> = { valid: 'passed', invalid: 'failed', indeterminate: 'indeterminate', unsigned: 'unsigned' };
const MAX_DETAIL = 2000;

/**
 * The integrity checks, then every signature of the package with `@vdx/signature-validator`:
 * the envelope's XML-DSig Signature (a placeholder is reported as one), each PDF attachment's
 * signatures (PAdES/CMS) and each `.p7s` detached CMS over the attachment of the same name
 * without `.p7s`. The main document is the first PDF (else the first signed file, else the
 * envelope); a real XML-DSig Signature counts among the main document's signatures; the other
 * files are attachments for Decree 30. The package verdict becomes `cryptographic` (`valid`,
 * `invalid`, `unknown` for indeterminate, `unsigned`), an `xml-dsig` check when the envelope
 * has a Signature, one `signature:<file>` check per file and a `decree30` check (document
 * packages); nothing but integrity stops a package unless `refuse` says so. A package with
 * nothing to verify (a status package without a real Signature) is `not-performed`.
 *
 * The body is read once. Attachments are kept in memory up to `maxBytesInMemory`, beyond in
 * spooled files read back a window at a time; the body itself is kept (for XML-DSig) only when
 * it is at most `maxXmlBytes` of the validation limits (32 MiB). A larger body's Signature is
 * verified as the body streams by (`StreamedXmlSignature`): nothing of it is held but the
 * Signature and the elements above it.
 */
export class CryptographicVerifier implements PackageVerifier {
  readonly name = 'cryptographic/1';
  constructor(private readonly opts: CryptographicVerifierOptions) {}

  async verify(input: VerificationInput, body: AsyncIterable<Uint8Array>): Promise<Verdict> {
    const store = new AttachmentStore((i) => input.attachments[i]?.size, this.opts.maxBytesInMemory ?? 64 * 1024 * 1024, this.opts.spoolDir ?? tmpdir());
    try {
      const ctx = this.opts.context(input);
      const maxXmlBytes = ctx.limits?.maxXmlBytes ?? DEFAULT_LIMITS.maxXmlBytes;
      const held = input.ref.bodySize <= maxXmlBytes;
      const envelope = new BodyCopy(held ? input.ref.bodySize : -1);
      const streamed = held ? null : new StreamedXmlSignature(EDXML_SIGNATURE_PATHS, ctx.limits);
      const outcome = await checkIntegrity(input, envelope.tap(streamed ? tapped(body, (chunk) => streamed.write(chunk)) : body), this.name, store);
      if (!outcome.ok) return outcome.verdict;
      const checks: VerificationCheck[] = [...outcome.checks];
      const xml = await this.verifyEnvelope(outcome.pkg, envelope.bytes() ?? streamed, ctx);
      if (xml) checks.push(xml.check);
      let files = await this.verifyFiles(outcome.pkg, store, ctx);
      if (xml?.verdict) files = files ? { ...files, main: merged(files.main, xml.verdict) } : { main: { ...xml.verdict, name: ENVELOPE_FILE_NAME }, attachments: [] };
      if (!files) {
        checks.push({ name: 'signatures', result: 'not-performed', detail: `${xmlDsigNote(outcome.pkg)}; no attachment to verify` });
        return { ok: true, checks, cryptographic: 'not-performed', verifier: this.name };
      }
      const verdict = aggregate(files);
      for (const file of [verdict.main, ...verdict.attachments]) checks.push({ name: `signature:${file.name ?? '?'}`, result: CHECK_RESULT[file.status], detail: describe(file) });
      if (outcome.pkg.kind === 'edoc') {
        const d = verdict.decree30;
        checks.push({ name: 'decree30', result: d.compliant ? 'passed' : 'failed', detail: clip(d.compliant ? 'a valid personal and organisational signature on the main document, the seal on every attachment' : d.findings.map((f) => f.message).join('; ')) });
      }
      // The reference travels in the verdict (and its event); the check names it too, for the trace and older readers.
      const evidence = this.opts.keepEvidence ? await this.opts.keepEvidence(evidenceRecord(input, this.name, verdict)) : null;
      if (evidence) checks.push({ name: 'evidence', result: 'passed', detail: `sha256:${evidence.sha256}` });
      const kept = evidence ? { evidence } : {};
      const refused = this.opts.refuse?.includes(verdict.status as 'invalid') ? (verdict.status as 'invalid' | 'indeterminate' | 'unsigned') : null;
      if (refused) return { ok: false, checks, errorCode: CRYPTOGRAPHIC_ERROR_CODES[refused], reason: `the package's signatures are ${refused}`, verifier: this.name, ...kept };
      return { ok: true, checks, cryptographic: CRYPTOGRAPHIC[verdict.status], verifier: this.name, ...kept };
    } finally {
      await store.close();
    }
  }

  /**
   * The envelope's Signature: none (no check), a placeholder (`placeholder`, nothing verified), or
   * a real one verified over the body held in memory (`passed`, `failed`, `indeterminate`).
   */
  private async verifyEnvelope(pkg: EdxmlPackage, body: Uint8Array | StreamedXmlSignature | null | undefined, ctx: VerificationContext): Promise<{ check: VerificationCheck; verdict?: FileVerdict } | null> {
    if (!pkg.signature) return null;
    const placeholder = placeholderReason(pkg.signature);
    if (placeholder) return { check: { name: 'xml-dsig', result: 'placeholder', detail: `${ReasonCode.XMLDSIG_PLACEHOLDER}: ${placeholder}; nothing verified` } };
    let verdict =
      body instanceof StreamedXmlSignature
        ? await body.finish(ctx, ENVELOPE_FILE_NAME)
        : body
          ? await verifyXmlSignature(body, ctx, EDXML_SIGNATURE_PATHS, ENVELOPE_FILE_NAME)
          : fileVerdict([], [{ code: ReasonCode.XMLDSIG_TOO_LARGE, effect: 'indeterminate', target: 'file', message: 'the package body was not read whole; the Signature is not verified' }], ENVELOPE_FILE_NAME);
    if (verdict.status === 'unsigned') {
      verdict = fileVerdict([], [{ code: ReasonCode.XMLDSIG_MALFORMED, effect: 'indeterminate', target: 'file', message: 'the Signature the package reader found is not at edXML/edXMLEnvelope/edXMLHeader/Signature' }], ENVELOPE_FILE_NAME);
    }
    return { check: { name: 'xml-dsig', result: CHECK_RESULT[verdict.status], detail: describe(verdict) }, verdict };
  }

  private async verifyFiles(pkg: EdxmlPackage, store: AttachmentStore, ctx: VerificationContext): Promise<{ main: FileVerdict; attachments: FileVerdict[] } | null> {
    const items = pkg.attachments.map((a, i) => {
      const name = a.attachmentName ?? a.contentId ?? `attachment ${i + 1}`;
      const source = store.source(i);
      const bytes = store.bytes(i);
      const type = (a.contentType ?? '').toLowerCase();
      const p7s = /\.p7s$/i.test(name) || type.includes('pkcs7-signature');
      // The bytes decide (senders mislabel types); the label only when the bytes were not kept.
      const pdf = !p7s && (source ? Buffer.from(source.readRange(0, Math.min(1024, source.length))).includes('%PDF-') : type.includes('pdf') || /\.pdf$/i.test(name));
      return { name, source, bytes, p7s, pdf };
    });
    const documents = items.filter((f) => !f.p7s);
    const signaturesFor = (name: string) => items.filter((f) => f.p7s && f.name.slice(0, -4).toLowerCase() === name.toLowerCase());
    const orphans = items.filter((f) => f.p7s && !documents.some((d) => d.name.toLowerCase() === f.name.slice(0, -4).toLowerCase()));
    if (documents.length === 0 && orphans.length === 0) return null;
    const notKept = (name: string): FileVerdict => fileVerdict([], [{ code: ReasonCode.PDF_TOO_LARGE, effect: 'indeterminate', target: 'file', message: 'the attachment was not kept for verification' }], name);
    const maxCms = ctx.limits?.maxCmsBytes ?? DEFAULT_LIMITS.maxCmsBytes;
    const verdicts: { verdict: FileVerdict; pdf: boolean; signed: boolean }[] = [];
    for (const doc of documents) {
      if (!doc.source) {
        verdicts.push({ verdict: notKept(doc.name), pdf: doc.pdf, signed: true });
        continue;
      }
      const parts: FileVerdict[] = [];
      if (doc.pdf) parts.push(await verifyPdf(doc.bytes ?? doc.source, ctx, doc.name));
      for (const sig of signaturesFor(doc.name)) {
        // A .p7s larger than a CMS may be is read only far enough for the validator to refuse it.
        const p7s = sig.bytes ?? (sig.source ? sig.source.readRange(0, Math.min(sig.source.length, maxCms + 1)) : undefined);
        parts.push(p7s ? await verifyDetachedCms(doc.bytes ?? doc.source, p7s, ctx, doc.name) : notKept(sig.name));
      }
      const merged = parts.length === 0 ? fileVerdict([], [], doc.name) : parts.length === 1 && parts[0] ? parts[0] : fileVerdict(parts.flatMap((p) => p.signatures), parts.flatMap((p) => p.findings), doc.name);
      verdicts.push({ verdict: merged, pdf: doc.pdf, signed: merged.status !== 'unsigned' });
    }
    for (const o of orphans) {
      verdicts.push({ verdict: fileVerdict([], [{ code: ReasonCode.CMS_MALFORMED, effect: 'indeterminate', target: 'file', message: `no attachment named ${o.name.slice(0, -4)} for this detached signature` }], o.name), pdf: false, signed: true });
    }
    const mainAt = Math.max(0, verdicts.findIndex((v) => v.pdf) >= 0 ? verdicts.findIndex((v) => v.pdf) : verdicts.findIndex((v) => v.signed));
    const main = verdicts[mainAt];
    if (!main) return null;
    return { main: main.verdict, attachments: verdicts.filter((_, i) => i !== mainAt).map((v) => v.verdict) };
  }
}

/** The main document's verdict with the envelope's XML-DSig signatures and findings joined to it. */
function merged(main: FileVerdict, xml: FileVerdict): FileVerdict {
  return fileVerdict([...main.signatures, ...xml.signatures], [...main.findings, ...xml.findings], main.name);
}

/**
 * A copy of the body as it streams past, for the XML-DSig check: one buffer of the accepted
 * size, filled in place, only when that size is known to fit (`size` ≥ 0); a body that turns out
 * longer is not kept (its hash check fails anyway).
 */
/** The body as it is read, each chunk also handed to `each`. */
function tapped(body: AsyncIterable<Uint8Array>, each: (chunk: Uint8Array) => void): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of body) {
        each(chunk);
        yield chunk;
      }
    },
  };
}

class BodyCopy {
  private readonly buffer: Buffer | undefined;
  private written = 0;
  private overflow = false;

  constructor(size: number) {
    this.buffer = size >= 0 ? Buffer.allocUnsafe(size) : undefined;
  }

  tap(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    const source = body[Symbol.asyncIterator]();
    const next = async (): Promise<IteratorResult<Uint8Array>> => {
      const r = await source.next();
      if (!r.done && this.buffer && !this.overflow) {
        if (this.written + r.value.byteLength > this.buffer.length) this.overflow = true;
        else {
          this.buffer.set(r.value, this.written);
          this.written += r.value.byteLength;
        }
      }
      return r;
    };
    return { [Symbol.asyncIterator]: () => ({ next }) };
  }

  bytes(): Uint8Array | undefined {
    return this.buffer && !this.overflow && this.written === this.buffer.length ? this.buffer : undefined;
  }
}

function clip(s: string): string {
  return s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL - 1)}…` : s;
}

/** One line per file: its status, each signature's kind, signer and status, and the codes found. */
function describe(file: FileVerdict): string {
  const signatures = file.signatures.map((s) => `${s.kind} by ${s.signer?.subject ?? '?'}: ${s.status}${s.timestamp?.genTime ? `, timestamped ${s.timestamp.genTime.toISOString()}` : ''}`);
  const codes = [...new Set([...file.findings, ...file.signatures.flatMap((s) => s.findings)].filter((f) => f.effect !== 'warning').map((f) => f.code))];
  return clip(`${file.status}; ${signatures.length} signature(s)${signatures.length ? `: ${signatures.join('; ')}` : ''}${codes.length ? `; ${codes.join(', ')}` : ''}`);
}

/**
 * The evidence record: the whole package verdict (signatures, paths, every OCSP response and
 * CRL used, timestamps, DER as base64) with the package it is about, as JSON, so the verdict
 * can be re-validated offline later.
 */
export function evidenceRecord(input: VerificationInput, verifier: string, verdict: PackageVerdict): Uint8Array {
  const json = JSON.stringify({ kind: EVIDENCE_RECORD_KIND, verifier, packageId: input.ref.packageId, bodySha256: input.ref.bodySha256, verdict }, (_key, value: unknown) =>
    value instanceof Uint8Array ? { base64: Buffer.from(value).toString('base64') } : value,
  );
  return new TextEncoder().encode(json);
}
