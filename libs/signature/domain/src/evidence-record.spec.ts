import type { PackageVerdict } from '@vdx/signature-validator';
import { evidenceMaterial, EvidenceRecordError, readEvidenceRecord, verdictOutline } from './evidence-record';
import { evidenceRecord } from './cryptographic-verifier';

const validatedAt = new Date('2026-03-02T09:00:00.000Z');
const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
const verdict = {
  status: 'valid',
  main: {
    status: 'valid',
    name: 'cong-van.pdf',
    findings: [],
    signatures: [
      {
        status: 'valid',
        findings: [{ code: 'TIME.CLAIMED', effect: 'warning', target: 'signature', message: 'claimed' }],
        kind: 'organisational',
        chain: [],
        signer: { subject: 'CN=Seal' },
        checkedAt: { time: new Date('2026-03-01T08:00:00.000Z'), source: 'claimed' },
        evidence: { signature: der, certificates: [der, der], revocation: [{ fingerprint: 'f1', subject: 'CN=Seal', answer: { status: 'revoked', revokedAt: new Date('2026-03-03T00:00:00.000Z'), source: 'ocsp', evidence: der } }, { fingerprint: 'f2', subject: 'CN=CA', answer: null }], validatedAt },
      },
    ],
  },
  attachments: [],
  decree30: { compliant: false, mainPersonal: false, mainOrganisational: true, attachmentsWithoutOrganisational: [], findings: [] },
} as unknown as PackageVerdict;
const input = { ref: { packageId: 'p1', bodySha256: 'a'.repeat(64) }, attachments: [] } as never;
const bytes = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceRecordError);
    return `${(e as EvidenceRecordError).code} ${(e as Error).message}`;
  }
  throw new Error('expected SIGNATURE.BAD_EVIDENCE');
};

describe('evidence records read back', () => {
  it('restores bytes and dates of what evidenceRecord wrote, and the material for an offline re-validation', () => {
    const record = readEvidenceRecord(evidenceRecord(input, 'cryptographic/1', verdict));
    expect(record).toMatchObject({ kind: 'vdx.signature.evidence/1', packageId: 'p1', verifier: 'cryptographic/1' });
    const s = record.verdict.main.signatures[0]!;
    expect(Buffer.from(s.evidence.signature)).toEqual(Buffer.from(der));
    expect(s.evidence.validatedAt.getTime()).toBe(validatedAt.getTime());
    expect(s.evidence.revocation[0]?.answer?.revokedAt?.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    const material = evidenceMaterial(record);
    expect(material.revocation.map((r) => [r.fingerprint, r.answer.status])).toEqual([['f1', 'revoked']]);
    expect(material.certificates).toHaveLength(1);
    expect(material.validatedAt.toISOString()).toBe(validatedAt.toISOString());
    expect(verdictOutline(record.verdict)).toEqual({ status: 'valid', decree30: false, files: [{ name: 'cong-van.pdf', status: 'valid', codes: [], signatures: [{ signer: 'CN=Seal', kind: 'organisational', status: 'valid', codes: [] }] }] });
  });

  it('refuses what is not a record, with SIGNATURE.BAD_EVIDENCE', () => {
    expect(code(() => readEvidenceRecord(new Uint8Array([0xff, 0xfe])))).toMatch(/^SIGNATURE\.BAD_EVIDENCE not a JSON evidence record: /);
    expect(code(() => readEvidenceRecord(bytes({ kind: 'other' })))).toBe('SIGNATURE.BAD_EVIDENCE not an evidence record of kind vdx.signature.evidence/1');
    expect(code(() => readEvidenceRecord(bytes({ kind: 'vdx.signature.evidence/1', verifier: 'v' })))).toBe('SIGNATURE.BAD_EVIDENCE the record names no package, body or verifier');
    expect(code(() => readEvidenceRecord(bytes({ kind: 'vdx.signature.evidence/1', verifier: 'v', packageId: 'p', bodySha256: 'b', verdict: { status: 'valid' } })))).toBe('SIGNATURE.BAD_EVIDENCE the record holds no package verdict');
    const unsigned = readEvidenceRecord(bytes({ kind: 'vdx.signature.evidence/1', verifier: 'v', packageId: 'p', bodySha256: 'b', verdict: { status: 'unsigned', main: { signatures: [] }, attachments: [] } }));
    expect(code(() => evidenceMaterial(unsigned))).toBe('SIGNATURE.BAD_EVIDENCE the record holds no signature with a validation time');
  });
});
