import {
  DeliveryAcknowledgedEvent,
  DeliveryFetchedEvent,
  DeliveryQueuedEvent,
  PackageAcceptedEvent,
  PackageRejectedEvent,
  PackageRoutedEvent,
  RoutingRejectedEvent,
  SignatureRecheckedEvent,
  SignatureRejectedEvent,
  SignatureVerifiedEvent,
  createEvent,
  type EventDefinition,
  type EventEnvelope,
} from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { projectInMemory } from '@vdx/event-sourcing/testing';
import { TRACES_COLLECTION, traceProjection } from './trace.projection';

const ref = packageRefWith({ packageId: 'p1', senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], documentId: 'd1', businessDocType: '0', acceptedAt: '2026-07-01T01:00:00.000Z' });
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

describe('trace projection: the trace row each event it folds leaves', () => {
  const T0 = Date.parse('2026-07-01T01:00:00Z');
  const iso = (second: number) => new Date(T0 + second * 1000).toISOString();
  let seq = 0;
  const event = <P, T extends string>(def: EventDefinition<P, T>, payload: P, second: number): EventEnvelope =>
    createEvent(def, { aggregateId: 'p1', aggregateSeq: ++seq, payload, actor: { kind: 'system', id: 'tests' }, correlationId: 'p1', occurredAt: new Date(T0 + second * 1000) }) as EventEnvelope;
  /** The trace documents after `events`, by package id. */
  const traces = (...events: EventEnvelope[]) => {
    const docs = projectInMemory(projection, events);
    return Object.fromEntries([...docs].map(([key, doc]) => [key.slice(`${TRACES_COLLECTION}/`.length), doc]));
  };
  /** The facts every stage but a rejection at the edge repeats. */
  const facts = { packageId: 'p1', senderCode: '000.00.00.H53', documentId: 'd1', kind: 'edoc', statusCode: null };
  const { acceptedAt: _acceptedAt, ...fields } = ref;
  const accepted = (second = 0, recipientCodes: readonly string[] = ref.recipientCodes) =>
    event(PackageAcceptedEvent, { ...fields, recipientCodes, attachments: [], warnings: [], idempotencyKey: 'idem-p1', clientRef: null }, second);
  const checks = [{ name: 'body-hash', result: 'passed', detail: 'SHA-256 matches' }];
  const verified = (second = 1) => event(SignatureVerifiedEvent, { package: ref, checks, cryptographic: 'unknown', verifier: 'cryptographic/1' }, second);
  const delivery = { deliveryId: 'p1/000.00.00.G22', requestedCode: '000.00.00.G22', recipientCode: '000.00.00.G22', deliverToCode: '000.00.00.G22', systemId: 'qlvb', endpoint: null, route: 'direct', via: [] };
  const unroutable = [{ requestedCode: '000.00.00.Z99', errorCode: 'ROUTING.UNKNOWN_RECIPIENT', reason: 'no agency 000.00.00.Z99 in the directory' }];
  const routed = (second = 2) => event(PackageRoutedEvent, { package: ref, deliveries: [delivery], unroutable }, second);

  beforeEach(() => {
    seq = 0;
  });

  it('accepted: the package facts, and its size and recipients in the detail (or the document’s own recipients when none were named)', () => {
    expect(traces(accepted())).toEqual({ p1: { ...facts, stages: { accepted: { at: iso(0), detail: '10 bytes for 000.00.00.G22' } } } });
    expect(traces(accepted(0, [])).p1).toMatchObject({ stages: { accepted: { at: iso(0), detail: '10 bytes for the recipients of the document' } } });
  });

  it('rejected at the edge: the sender, the error code and reason, no other facts', () => {
    const rejected = event(PackageRejectedEvent, {
      packageId: 'p1',
      senderCode: '000.00.00.H53',
      systemId: 's',
      errorCode: 'EXCHANGE.INVALID_PACKAGE',
      reason: 'the package has 1 error(s)',
      findings: [{ code: 'EDXML.REQUIRED', path: 'edXML/Header/MessageHeader/Subject', severity: 'error', message: 'Subject is required' }],
      bodySha256: null,
      bodySize: 10,
      clientRef: 'ref-1',
    }, 0);
    expect(traces(rejected)).toEqual({
      p1: { packageId: 'p1', senderCode: '000.00.00.H53', errorCode: 'EXCHANGE.INVALID_PACKAGE', reason: 'the package has 1 error(s)', stages: { rejected: { at: iso(0), detail: 'EXCHANGE.INVALID_PACKAGE: the package has 1 error(s)' } } },
    });
  });

  it('verified: the facts, the verdict with its checks, and the verdict in the detail', () => {
    expect(traces(verified())).toEqual({
      p1: { ...facts, signature: { verifier: 'cryptographic/1', cryptographic: 'unknown', checks }, stages: { verified: { at: iso(1), detail: 'integrity passed; cryptographic verification unknown' } } },
    });
  });

  it('signature rejected: the facts, the refusal, and the checks with no cryptographic verdict', () => {
    const failed = [{ name: 'body-hash', result: 'failed', detail: 'SHA-256 differs' }];
    const rejected = event(SignatureRejectedEvent, { package: ref, checks: failed, errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', reason: 'the body was altered', verifier: 'integrity/1' }, 1);
    expect(traces(rejected)).toEqual({
      p1: {
        ...facts,
        errorCode: 'SIGNATURE.BODY_HASH_MISMATCH',
        reason: 'the body was altered',
        signature: { verifier: 'integrity/1', cryptographic: '', checks: failed },
        stages: { signatureRejected: { at: iso(1), detail: 'SIGNATURE.BODY_HASH_MISMATCH: the body was altered' } },
      },
    });
  });

  it('rechecked after verified: the new verdict replaces the first, whose line stays in `verified`', () => {
    const newChecks = [...checks, { name: 'signature:cong-van.pdf', result: 'failed', detail: 'invalid; CHAIN.REVOKED' }];
    const rechecked = event(
      SignatureRecheckedEvent,
      { package: ref, checks: newChecks, cryptographic: 'invalid', verifier: 'cryptographic/2', supersedes: 'e-verified', previousCryptographic: 'unknown', previousDecree30: false, operator: 'cli:alice' },
      60,
    );
    expect(traces(verified(), rechecked)).toEqual({
      p1: {
        ...facts,
        signature: { verifier: 'cryptographic/2', cryptographic: 'invalid', checks: newChecks },
        stages: {
          verified: { at: iso(1), detail: 'integrity passed; cryptographic verification unknown' },
          rechecked: { at: iso(60), detail: 're-validated by cli:alice: cryptographic verification unknown → invalid (cong-van.pdf: CHAIN.REVOKED)' },
        },
      },
    });
  });

  it('routed: the facts, the recipients routing could not reach, and the counts in the detail', () => {
    expect(traces(routed())).toEqual({ p1: { ...facts, unroutable, stages: { routed: { at: iso(2), detail: '1 delivery(ies), 1 unroutable' } } } });
  });

  it('routing rejected: the facts, the refusal and every unreachable recipient', () => {
    const rejected = event(RoutingRejectedEvent, { package: ref, errorCode: 'ROUTING.NO_RECIPIENT', reason: 'no recipient could be reached', unroutable }, 2);
    expect(traces(rejected)).toEqual({
      p1: { ...facts, errorCode: 'ROUTING.NO_RECIPIENT', reason: 'no recipient could be reached', unroutable, stages: { routingRejected: { at: iso(2), detail: 'ROUTING.NO_RECIPIENT: no recipient could be reached' } } },
    });
  });

  it('folds the three topics into one row whatever order their events arrive in', () => {
    const inOrder = traces(accepted(), verified(), routed());
    expect(inOrder).toEqual({
      p1: {
        ...facts,
        signature: { verifier: 'cryptographic/1', cryptographic: 'unknown', checks },
        unroutable,
        stages: {
          accepted: { at: iso(0), detail: '10 bytes for 000.00.00.G22' },
          verified: { at: iso(1), detail: 'integrity passed; cryptographic verification unknown' },
          routed: { at: iso(2), detail: '1 delivery(ies), 1 unroutable' },
        },
      },
    });
    expect(traces(routed(), accepted(), verified())).toEqual(inOrder);
  });

  it('leaves the delivery events alone: the recipients’ side of a trace is the delivery service’s', () => {
    const deliveryEvents = [
      event(DeliveryQueuedEvent, { ...delivery, package: ref, deadline: iso(3600) }, 3),
      event(DeliveryFetchedEvent, { deliveryId: delivery.deliveryId, systemId: 'qlvb', via: 'fetch' }, 4),
      event(DeliveryAcknowledgedEvent, { deliveryId: delivery.deliveryId, systemId: 'qlvb', result: 'done', reason: null }, 5),
    ];
    for (const e of deliveryEvents) expect(projection.project(e, at)).toEqual([]);
    expect(traces(accepted(), ...deliveryEvents)).toEqual(traces(accepted()));
  });
});
