import { createSigningHierarchy, type SigningHierarchy } from '@vdx/pki';
import type { RevocationQuery } from '@vdx/signature-validator';
import type { LookupProblem } from '../problems';
import { ocspResponse } from '../testing/responders';
import { EvidenceRevocationSource } from './evidence-revocation-source';

describe('EvidenceRevocationSource', () => {
  let h: SigningHierarchy;
  let query: RevocationQuery;
  const at = new Date('2026-03-01T08:00:00Z');

  beforeAll(async () => {
    h = await createSigningHierarchy({ now: new Date('2025-06-01T00:00:00Z') });
    query = { certificate: h.organisational.certDer, issuer: h.intermediate.certDer, serialNumber: h.organisational.serialNumber, fingerprint: h.organisational.fingerprint, subject: h.organisational.subject, at };
  });

  it('answers from a recorded OCSP response, checked again and judged fresh at the recorded time', async () => {
    const der = await ocspResponse({
      signer: h.ocsp,
      certs: [h.ocsp],
      producedAt: new Date('2026-03-02T08:59:00Z'),
      entries: [{ cert: h.organisational, issuer: h.intermediate, status: 'good', thisUpdate: new Date('2026-03-02T08:59:00Z'), nextUpdate: new Date('2026-03-02T09:04:00Z') }],
    });
    const problems: LookupProblem[] = [];
    const recorded = [{ fingerprint: h.organisational.fingerprint, answer: { source: 'ocsp' as const, evidence: der } }];
    expect(await new EvidenceRevocationSource(recorded, { at: new Date('2026-03-02T09:00:00Z'), onProblem: (p) => problems.push(p) }).status(query)).toMatchObject({ status: 'good', source: 'ocsp', evidence: der });
    // A year later the same response is stale: re-checking at "now" instead of the recorded time would refuse it.
    expect(await new EvidenceRevocationSource(recorded, { at: new Date('2027-03-02T09:00:00Z'), onProblem: (p) => problems.push(p) }).status(query)).toBeNull();
    expect(problems.map((p) => p.code)).toEqual(['OCSP.NOT_FRESH']);
  });

  it('gives no answer, with a coded problem, when the record holds nothing usable for the certificate', async () => {
    const problems: LookupProblem[] = [];
    const none = new EvidenceRevocationSource([], { at, onProblem: (p) => problems.push(p) });
    expect(await none.status(query)).toBeNull();
    const garbage = new EvidenceRevocationSource([{ fingerprint: h.organisational.fingerprint, answer: { source: 'crl', evidence: new Uint8Array([1, 2, 3]) } }], { at, onProblem: (p) => problems.push(p) });
    expect(await garbage.status(query)).toBeNull();
    expect(problems.map((p) => [p.source, p.code])).toEqual([
      ['evidence', 'EVIDENCE.MISSING'],
      ['crl', 'CRL.MALFORMED'],
    ]);
  });
});
