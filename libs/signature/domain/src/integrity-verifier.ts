import type { VerificationCheck } from '@vdx/contracts';
import { discardSink, isEdxmlError, parseEdxmlStream, placeholderReason, type AttachmentSink, type EdxmlPackage } from '@vdx/edxml';
import { createHash } from 'node:crypto';
import type { PackageVerifier, Verdict, VerificationInput } from './verdict';

/** Codes of the integrity checks' failures. */
export const INTEGRITY_ERROR_CODES = {
  BODY_HASH_MISMATCH: 'SIGNATURE.BODY_HASH_MISMATCH',
  UNREADABLE: 'SIGNATURE.UNREADABLE',
  ATTACHMENT_MISMATCH: 'SIGNATURE.ATTACHMENT_MISMATCH',
  MANIFEST_INCONSISTENT: 'SIGNATURE.MANIFEST_INCONSISTENT',
} as const;

const passed = (name: string, detail = ''): VerificationCheck => ({ name, result: 'passed', detail });
const failed = (name: string, detail: string): VerificationCheck => ({ name, result: 'failed', detail });

/** What the integrity checks found: a failing verdict, or the checks passed and the package read. */
export type IntegrityOutcome = { readonly ok: false; readonly verdict: Verdict } | { readonly ok: true; readonly checks: readonly VerificationCheck[]; readonly pkg: EdxmlPackage };

/**
 * The integrity checks, in order, reading the body once: its SHA-256 and size, readable edXML,
 * every attachment decoding to the hash and size recorded at the edge, and the manifest naming
 * exactly the attachments present. Attachment bytes go to `sink` (dropped by default).
 */
export async function checkIntegrity(input: VerificationInput, body: AsyncIterable<Uint8Array>, verifier: string, sink: AttachmentSink = discardSink): Promise<IntegrityOutcome> {
  const hash = createHash('sha256');
  let size = 0;
  const source = body[Symbol.asyncIterator]();
  const next = async (): Promise<IteratorResult<Uint8Array>> => {
    const r = await source.next();
    if (!r.done) {
      hash.update(r.value);
      size += r.value.byteLength;
    }
    return r;
  };
  // Not a for-await: the parser giving up must not close the body, which is hashed to its end.
  const counted: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next }) };
  let pkg: EdxmlPackage | undefined;
  let unreadable: string | undefined;
  try {
    pkg = (await parseEdxmlStream(counted, sink, { validate: false })).package;
  } catch (err) {
    if (!isEdxmlError(err)) throw err;
    unreadable = `${err.code}: ${err.message}`;
    while (!(await next()).done) {
      // hash the rest
    }
  }
  const checks: VerificationCheck[] = [];
  const fail = (code: string, reason: string): IntegrityOutcome => ({ ok: false, verdict: { ok: false, checks, errorCode: code, reason, verifier } });

  const sha256 = hash.digest('hex');
  if (sha256 !== input.ref.bodySha256 || size !== input.ref.bodySize) {
    checks.push(failed('body-hash', `stored body is ${size} bytes with SHA-256 ${sha256}; accepted was ${input.ref.bodySize} bytes with ${input.ref.bodySha256}`));
    return fail(INTEGRITY_ERROR_CODES.BODY_HASH_MISMATCH, 'the stored body is not the one accepted');
  }
  checks.push(passed('body-hash', sha256));
  if (!pkg) {
    checks.push(failed('readable', unreadable ?? 'unreadable'));
    return fail(INTEGRITY_ERROR_CODES.UNREADABLE, unreadable ?? 'the package cannot be read');
  }
  checks.push(passed('readable'));

  const found = pkg.attachments.map((a) => `${a.contentId ?? ''}:${a.size}:${a.sha256}`);
  const accepted = input.attachments.map((a) => `${a.contentId ?? ''}:${a.size}:${a.sha256}`);
  if (found.join('|') !== accepted.join('|')) {
    checks.push(failed('attachments', `decoded ${found.length} attachment(s) that differ from the ${accepted.length} accepted`));
    return fail(INTEGRITY_ERROR_CODES.ATTACHMENT_MISMATCH, 'the attachments are not those accepted');
  }
  checks.push(passed('attachments', `${found.length} attachment(s) decode to the accepted hashes`));

  const referenced = new Set((pkg.manifest?.references ?? []).map((r) => r.contentId ?? ''));
  const present = new Set(pkg.attachments.map((a) => a.contentId ?? ''));
  const missing = [...referenced].filter((id) => !present.has(id));
  const unlisted = [...present].filter((id) => !referenced.has(id));
  if (pkg.manifest && (missing.length > 0 || unlisted.length > 0)) {
    checks.push(failed('manifest', `missing: ${missing.join(', ') || 'none'}; not in the manifest: ${unlisted.join(', ') || 'none'}`));
    return fail(INTEGRITY_ERROR_CODES.MANIFEST_INCONSISTENT, 'the manifest and the attachments disagree');
  }
  checks.push(passed('manifest', pkg.manifest ? `${referenced.size} reference(s)` : 'no manifest (a status package)'));
  return { ok: true, checks, pkg };
}

/** What the `signatures` check says of the package's XML-DSig block. */
export function xmlDsigNote(pkg: EdxmlPackage): string {
  return pkg.signature === undefined ? 'no XML-DSig block' : (placeholderReason(pkg.signature) ?? 'an XML-DSig block');
}

/**
 * Re-reads a stored package and proves it is the one the gateway accepted, whole: the body's
 * SHA-256 and size, every attachment decoding to the hash and size recorded at the edge, and the
 * manifest naming exactly the attachments present. Signatures are counted and reported as not
 * yet verified cryptographically.
 */
export class IntegrityVerifier implements PackageVerifier {
  readonly name = 'integrity/1';

  async verify(input: VerificationInput, body: AsyncIterable<Uint8Array>): Promise<Verdict> {
    const outcome = await checkIntegrity(input, body, this.name);
    if (!outcome.ok) return outcome.verdict;
    const checks = [...outcome.checks, { name: 'signatures', result: 'not-performed', detail: `${xmlDsigNote(outcome.pkg)}; cryptographic verification of XML-DSig and PDF signatures is not yet performed` }];
    return { ok: true, checks, cryptographic: 'not-performed', verifier: this.name };
  }
}
