import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';
import type { FileVerdict, PackageVerdict, RevocationAnswer, SignatureVerdict } from '@vdx/signature-validator';

/** The kind written by {@link evidenceRecord}; a record of another kind is refused. */
export const EVIDENCE_RECORD_KIND = 'vdx.signature.evidence/1';

/** The media type an evidence record is stored with in the blob store (the `contentType` of its `EvidenceRef`). */
export const EVIDENCE_CONTENT_TYPE = 'application/vnd.vdx.signature-evidence+json';

/** An evidence record read back: the package verdict with its bytes and dates restored. */
export interface EvidenceRecord {
  readonly kind: typeof EVIDENCE_RECORD_KIND;
  readonly verifier: string;
  readonly packageId: string;
  readonly bodySha256: string;
  readonly verdict: PackageVerdict;
}

/** One recorded revocation answer, with the certificate it is about. */
export interface RecordedRevocation {
  readonly fingerprint: string;
  readonly subject: string;
  readonly answer: RevocationAnswer;
}

/** What re-validating a record offline needs besides the document: the answers and certificates it holds. */
export interface EvidenceMaterial {
  /** Every non-empty revocation answer, of the signers' paths and of the timestamps' paths. */
  readonly revocation: readonly RecordedRevocation[];
  /** Every certificate of every recorded path (DER), duplicates removed. */
  readonly certificates: readonly Uint8Array[];
  /** When the recorded validation ran (the earliest `validatedAt`). */
  readonly validatedAt: Date;
}

/** `SIGNATURE.BAD_EVIDENCE`: bytes that are not an evidence record this code wrote. */
export class EvidenceRecordError extends CodedError<'SIGNATURE.BAD_EVIDENCE'> {
  override readonly name = 'EvidenceRecordError';
  constructor(message: string, options?: CodedErrorOptions) {
    super('SIGNATURE.BAD_EVIDENCE', message, options);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Reads an evidence record (the JSON of {@link evidenceRecord}): `{ base64 }` objects become
 * bytes again and ISO-8601 UTC times become dates. Throws {@link EvidenceRecordError}.
 */
export function readEvidenceRecord(bytes: Uint8Array): EvidenceRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), (_key, value: unknown) => {
      if (typeof value === 'string' && ISO_TIME.test(value)) return new Date(value);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        const b64 = (value as { base64?: unknown }).base64;
        if (keys.length === 1 && typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'));
      }
      return value;
    });
  } catch (e) {
    throw new EvidenceRecordError(`not a JSON evidence record: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = parsed as Partial<EvidenceRecord> | null;
  if (!r || typeof r !== 'object' || r.kind !== EVIDENCE_RECORD_KIND) throw new EvidenceRecordError(`not an evidence record of kind ${EVIDENCE_RECORD_KIND}`);
  if (typeof r.packageId !== 'string' || typeof r.bodySha256 !== 'string' || typeof r.verifier !== 'string') throw new EvidenceRecordError('the record names no package, body or verifier');
  const v = r.verdict as Partial<PackageVerdict> | undefined;
  if (!v || typeof v.status !== 'string' || !v.main || !Array.isArray(v.main.signatures) || !Array.isArray(v.attachments)) throw new EvidenceRecordError('the record holds no package verdict');
  return r as EvidenceRecord;
}

/** The files of a package verdict, main document first. */
export function filesOf(verdict: PackageVerdict): readonly FileVerdict[] {
  return [verdict.main, ...verdict.attachments];
}

/** The revocation answers and certificates a record holds, for an offline re-validation. */
export function evidenceMaterial(record: EvidenceRecord): EvidenceMaterial {
  const revocation: RecordedRevocation[] = [];
  const certificates = new Map<string, Uint8Array>();
  const times: number[] = [];
  const keep = (ders: readonly Uint8Array[] | undefined): void => {
    for (const der of ders ?? []) certificates.set(Buffer.from(der).toString('base64'), der);
  };
  const signatures: SignatureVerdict[] = filesOf(record.verdict).flatMap((f) => [...f.signatures]);
  for (const s of signatures) {
    const e = s.evidence;
    keep(e.certificates);
    keep(e.timestamp?.certificates);
    for (const r of [...e.revocation, ...(e.timestamp?.revocation ?? [])]) if (r.answer) revocation.push({ fingerprint: r.fingerprint, subject: r.subject, answer: r.answer });
    const at = e.validatedAt as unknown;
    if (Object.prototype.toString.call(at) === '[object Date]' && !Number.isNaN((at as Date).getTime())) times.push((at as Date).getTime());
  }
  if (times.length === 0) throw new EvidenceRecordError('the record holds no signature with a validation time');
  return { revocation, certificates: [...certificates.values()], validatedAt: new Date(Math.min(...times)) };
}

/** A comparable digest of a verdict: the package, each file and each signature status with its codes (warnings left out). */
export function verdictOutline(verdict: PackageVerdict): { status: string; decree30: boolean; files: { name: string; status: string; codes: string[]; signatures: { signer: string; kind: string; status: string; codes: string[] }[] }[] } {
  const codes = (findings: readonly { code: string; effect: string }[]): string[] => [...new Set(findings.filter((f) => f.effect !== 'warning').map((f) => f.code))].sort();
  return {
    status: verdict.status,
    decree30: verdict.decree30.compliant,
    files: filesOf(verdict).map((f) => ({
      name: f.name ?? '?',
      status: f.status,
      codes: codes(f.findings),
      signatures: f.signatures.map((s) => ({ signer: s.signer?.subject ?? '?', kind: s.kind, status: s.status, codes: codes(s.findings) })),
    })),
  };
}
