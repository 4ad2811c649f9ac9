import type { VerificationCheck } from '@vdx/contracts';
import type { AttachmentSink, AttachmentStart, EdxmlPackage } from '@vdx/edxml';
import { aggregate, fileVerdict, ReasonCode, verifyDetachedCms, verifyPdf, type FileVerdict, type PackageVerdict, type VerdictStatus, type VerificationContext } from '@vdx/signature-validator';
import { checkIntegrity, xmlDsigNote } from './integrity-verifier';
import type { CryptographicResult, PackageVerifier, Verdict, VerificationInput } from './verdict';

/** Codes of the refusals a deployment may turn on (`refuse`). */
export const CRYPTOGRAPHIC_ERROR_CODES = {
  invalid: 'SIGNATURE.CRYPTOGRAPHIC_INVALID',
  indeterminate: 'SIGNATURE.CRYPTOGRAPHIC_INDETERMINATE',
  unsigned: 'SIGNATURE.UNSIGNED',
} as const;

/** Options of {@link CryptographicVerifier}. */
export interface CryptographicVerifierOptions {
  /** The context of one package: trust anchors, rules, that package's revocation and intermediate sources, `now`. */
  readonly context: (input: VerificationInput) => VerificationContext;
  /** Attachment bytes held in memory for verification, all attachments together. Default 64 MiB; beyond, a file is indeterminate. */
  readonly maxBytesInMemory?: number;
  /** Package statuses that stop the package (`SignatureRejected`). Default none: every intact package is carried with its verdict. */
  readonly refuse?: readonly ('invalid' | 'indeterminate' | 'unsigned')[];
  /** Stores the evidence record (JSON) and returns its address; absent: not kept. */
  readonly keepEvidence?: (record: Uint8Array) => Promise<string>;
}

const CRYPTOGRAPHIC: Readonly<Record<VerdictStatus, CryptographicResult>> = { valid: 'valid', invalid: 'invalid', indeterminate: 'unknown', unsigned: 'unsigned' };
const CHECK_RESULT: Readonly<Record<VerdictStatus, string>> = { valid: 'passed', invalid: 'failed', indeterminate: 'indeterminate', unsigned: 'unsigned' };
const MAX_DETAIL = 2000;

interface Held {
  readonly start: AttachmentStart;
  chunks: Buffer[] | null;
}

/**
 * The integrity checks, then every signature of the package with `@vdx/signature-validator`:
 * each PDF attachment's signatures (PAdES/CMS) and each `.p7s` detached CMS over the
 * attachment of the same name without `.p7s`. The main document is the first PDF (else the
 * first signed file); the others are attachments for Decree 30. The package verdict becomes
 * `cryptographic` (`valid`, `invalid`, `unknown` for indeterminate, `unsigned`), one
 * `signature:<file>` check per file and a `decree30` check; nothing but integrity stops a
 * package unless `refuse` says so. A status package (no attachment) is `not-performed`.
 */
export class CryptographicVerifier implements PackageVerifier {
  readonly name = 'cryptographic/1';

  constructor(private readonly opts: CryptographicVerifierOptions) {}

  async verify(input: VerificationInput, body: AsyncIterable<Uint8Array>): Promise<Verdict> {
    const budget = { left: this.opts.maxBytesInMemory ?? 64 * 1024 * 1024 };
    const held: Held[] = [];
    const sink: AttachmentSink = {
      open(start) {
        const entry: Held = { start, chunks: [] };
        held[start.index] = entry;
        return {
          write(chunk) {
            if (!entry.chunks) return;
            budget.left -= chunk.length;
            if (budget.left < 0) entry.chunks = null;
            else entry.chunks.push(Buffer.from(chunk));
          },
          end: () => undefined,
        };
      },
    };
    const outcome = await checkIntegrity(input, body, this.name, sink);
    if (!outcome.ok) return outcome.verdict;
    const files = await this.verifyFiles(outcome.pkg, held, this.opts.context(input));
    const checks: VerificationCheck[] = [...outcome.checks];
    if (!files) {
      checks.push({ name: 'signatures', result: 'not-performed', detail: `${xmlDsigNote(outcome.pkg)}; no attachment to verify` });
      return { ok: true, checks, cryptographic: 'not-performed', verifier: this.name };
    }
    const verdict = aggregate(files);
    for (const file of [verdict.main, ...verdict.attachments]) checks.push({ name: `signature:${file.name ?? '?'}`, result: CHECK_RESULT[file.status], detail: describe(file) });
    const d = verdict.decree30;
    checks.push({ name: 'decree30', result: d.compliant ? 'passed' : 'failed', detail: clip(d.compliant ? 'a valid personal and organisational signature on the main document, the seal on every attachment' : d.findings.map((f) => f.message).join('; ')) });
    if (this.opts.keepEvidence) {
      const address = await this.opts.keepEvidence(evidenceRecord(input, this.name, verdict));
      checks.push({ name: 'evidence', result: 'passed', detail: `sha256:${address}` });
    }
    const refused = this.opts.refuse?.includes(verdict.status as 'invalid') ? (verdict.status as 'invalid' | 'indeterminate' | 'unsigned') : null;
    if (refused) return { ok: false, checks, errorCode: CRYPTOGRAPHIC_ERROR_CODES[refused], reason: `the package's signatures are ${refused}`, verifier: this.name };
    return { ok: true, checks, cryptographic: CRYPTOGRAPHIC[verdict.status], verifier: this.name };
  }

  private async verifyFiles(pkg: EdxmlPackage, held: readonly (Held | undefined)[], ctx: VerificationContext): Promise<{ main: FileVerdict; attachments: FileVerdict[] } | null> {
    const items = pkg.attachments.map((a, i) => {
      const h = held[i];
      const name = a.attachmentName ?? a.contentId ?? `attachment ${i + 1}`;
      const bytes = h?.chunks ? Buffer.concat(h.chunks) : null;
      const type = (a.contentType ?? '').toLowerCase();
      const p7s = /\.p7s$/i.test(name) || type.includes('pkcs7-signature');
      // The bytes decide (senders mislabel types); the label only when the bytes were not kept.
      const pdf = !p7s && (bytes !== null ? bytes.subarray(0, 1024).includes('%PDF-') : type.includes('pdf') || /\.pdf$/i.test(name));
      return { name, bytes, p7s, pdf };
    });
    const documents = items.filter((f) => !f.p7s);
    const signaturesFor = (name: string) => items.filter((f) => f.p7s && f.name.slice(0, -4).toLowerCase() === name.toLowerCase());
    const orphans = items.filter((f) => f.p7s && !documents.some((d) => d.name.toLowerCase() === f.name.slice(0, -4).toLowerCase()));
    if (documents.length === 0 && orphans.length === 0) return null;
    const tooLarge = (name: string): FileVerdict => fileVerdict([], [{ code: ReasonCode.PDF_TOO_LARGE, effect: 'indeterminate', target: 'file', message: 'the package is larger than the verifier holds in memory; not verified' }], name);
    const verdicts: { verdict: FileVerdict; pdf: boolean; signed: boolean }[] = [];
    for (const doc of documents) {
      if (!doc.bytes) {
        verdicts.push({ verdict: tooLarge(doc.name), pdf: doc.pdf, signed: true });
        continue;
      }
      const parts: FileVerdict[] = [];
      if (doc.pdf) parts.push(await verifyPdf(doc.bytes, ctx, doc.name));
      for (const sig of signaturesFor(doc.name)) parts.push(sig.bytes ? await verifyDetachedCms(doc.bytes, sig.bytes, ctx, doc.name) : tooLarge(sig.name));
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
  const json = JSON.stringify({ kind: 'vdx.signature.evidence/1', verifier, packageId: input.ref.packageId, bodySha256: input.ref.bodySha256, verdict }, (_key, value: unknown) =>
    value instanceof Uint8Array ? { base64: Buffer.from(value).toString('base64') } : value,
  );
  return new TextEncoder().encode(json);
}
