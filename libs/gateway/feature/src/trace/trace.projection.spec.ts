import { SignatureRejectedEvent, SignatureVerifiedEvent, createEvent, type PackageRef } from '@vdx/contracts';
import { traceProjection } from './trace.projection';

const ref: PackageRef = {
  packageId: 'p1', kind: 'edoc', senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], documentId: 'd1', businessDocType: '0', relatedDocumentId: null,
  statusCode: null, subject: null, priority: null, dueDate: null, bodySha256: 'a'.repeat(64), bodySize: 10, acceptedAt: '2026-07-01T01:00:00.000Z',
};
const common = { aggregateId: 'p1', aggregateSeq: 1, actor: { kind: 'system', id: 'signature' } as const, correlationId: 'p1', causationId: 'e0' };
const projection = traceProjection({ gateway: 'g', signature: 's', routing: 'r' });
const at = { topic: 's', partition: 0, offset: '0' };

describe('trace projection of the signature stage', () => {
  it('keeps the verifier, the cryptographic verdict and every check, and names the failing files’ codes in the detail', () => {
    const checks = [
      { name: 'body-hash', result: 'passed', detail: 'ok' },
      { name: 'signature:cong-van.pdf', result: 'failed', detail: 'invalid; 2 signature(s): personal by CN=A: invalid; organisational by CN=B: invalid; SIGNATURE.DIGEST_MISMATCH' },
      { name: 'signature:phu-luc.pdf', result: 'indeterminate', detail: 'indeterminate; 1 signature(s): organisational by CN=B: indeterminate; REVOCATION.UNAVAILABLE, CHAIN.ISSUER_NOT_FOUND' },
      { name: 'decree30', result: 'failed', detail: 'no valid personal signature' },
      { name: 'evidence', result: 'passed', detail: `sha256:${'b'.repeat(64)}` },
    ];
    const event = createEvent(SignatureVerifiedEvent, { ...common, payload: { package: ref, checks, cryptographic: 'invalid', verifier: 'cryptographic/1' } });
    const [write] = projection.project(event, at);
    const set = (write as { update: { $set: Record<string, unknown> } }).update.$set;
    expect(set['signature']).toEqual({ verifier: 'cryptographic/1', cryptographic: 'invalid', checks });
    expect(set['stages.verified']).toEqual({
      at: event.occurredAt,
      detail: 'integrity passed; cryptographic verification invalid (cong-van.pdf: SIGNATURE.DIGEST_MISMATCH; phu-luc.pdf: REVOCATION.UNAVAILABLE, CHAIN.ISSUER_NOT_FOUND)',
    });
  });

  it('keeps the detail as it was for a verdict without signature checks, and the checks of a refusal', () => {
    const integrity = createEvent(SignatureVerifiedEvent, { ...common, payload: { package: ref, checks: [{ name: 'signatures', result: 'not-performed', detail: 'x' }], cryptographic: 'not-performed', verifier: 'integrity/1' } });
    expect(((projection.project(integrity, at)[0] as { update: { $set: Record<string, { detail: string }> } }).update.$set['stages.verified'])?.detail).toBe('integrity passed; cryptographic verification not-performed');
    const checks = [{ name: 'body-hash', result: 'failed', detail: 'different' }];
    const rejected = createEvent(SignatureRejectedEvent, { ...common, payload: { package: ref, checks, errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', reason: 'changed', verifier: 'cryptographic/1' } });
    const set = (projection.project(rejected, at)[0] as { update: { $set: Record<string, unknown> } }).update.$set;
    expect(set['signature']).toEqual({ verifier: 'cryptographic/1', cryptographic: '', checks });
    expect(set['errorCode']).toBe('SIGNATURE.BODY_HASH_MISMATCH');
  });
});
