import { DeliveryAcknowledgedEvent, DeliveryAttemptFailedEvent, DeliveryDeadLetteredEvent, DeliveryDeadlineMissedEvent, DeliveryFetchedEvent, DeliveryQueuedEvent, DeliveryRedrivenEvent, DeliveryWithdrawnEvent } from '@vdx/contracts';
import fc from 'fast-check';
import type { DeliveryCommand } from './commands';
import { decide } from './decide';
import type { DeliveryEvent, DeliveryState } from './delivery';
import { DeliveryError } from './delivery.error';
import { DELIVERY_ID, PKG, ROUTED, SYSTEM } from './test-fixtures/decider';
import { evolve, fold } from './evolve';
import type { DeliveryPolicy } from './policy';

// One delivery, a small policy (so dead letters are frequent) and a clock that moves forward by
// random steps (so deadlines and backoffs are crossed).
const POLICY: DeliveryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 4000 };
const id = DELIVERY_ID;
const system = fc.constantFrom(SYSTEM, SYSTEM, 'qlvb-khac');
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const command: fc.Arbitrary<DeliveryCommand> = fc.oneof(
  weighted(3, fc.record({ kind: fc.constant('Queue' as const), routed: fc.constantFrom(ROUTED, { ...ROUTED, endpoint: null }), package: fc.constant(PKG) })),
  weighted(6, fc.record({ kind: fc.constant('RecordPushFailure' as const), deliveryId: fc.constant(id), error: fc.constantFrom('ECONNREFUSED', 'HTTP 503', '') })),
  weighted(1, fc.record({ kind: fc.constant('RecordPushSuccess' as const), deliveryId: fc.constant(id) })),
  weighted(2, fc.record({ kind: fc.constant('Fetch' as const), deliveryId: fc.constant(id), systemId: system })),
  weighted(
    3,
    fc.record({
      kind: fc.constant('Acknowledge' as const),
      deliveryId: fc.constant(id),
      systemId: system,
      result: fc.constantFrom('done' as const, 'fail' as const),
      reason: fc.constantFrom(undefined, '', 'Sai thể thức'),
    }),
  ),
  weighted(2, fc.record({ kind: fc.constant('Redrive' as const), deliveryId: fc.constant(id), operator: fc.constantFrom('ops', '') })),
  weighted(1, fc.record({ kind: fc.constant('FlagMissedDeadline' as const), deliveryId: fc.constant(id) })),
  weighted(1, fc.record({ kind: fc.constant('Withdraw' as const), deliveryId: fc.constant(id), byPackageId: fc.constantFrom('p-15', '') })),
);
const step = fc.tuple(command, fc.integer({ min: 0, max: 6 * 3_600_000 }));
const steps = (maxLength: number) => fc.array(step, { maxLength, size: 'max' });

interface Logged {
  readonly event: DeliveryEvent;
  readonly at: string;
}

function run(steps: readonly (readonly [DeliveryCommand, number])[]) {
  let state: DeliveryState = null;
  let clock = new Date('2026-11-30T00:00:00.000Z').getTime();
  const log: Logged[] = [];
  for (const [c, advance] of steps) {
    clock += advance;
    const now = new Date(clock);
    let events: DeliveryEvent[];
    try {
      events = decide(c, state, { now, policy: POLICY });
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      continue;
    }
    for (const event of events) {
      state = evolve(state, event, now.toISOString());
      log.push({ event, at: now.toISOString() });
      // dead implies the attempts ran out
      if (state?.state === 'dead') expect(state.attempts).toBeGreaterThanOrEqual(POLICY.maxAttempts);
      // a redriven delivery is queued afresh
      if (event.type === DeliveryRedrivenEvent.type) expect(state).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: null });
    }
  }
  return { state, log };
}

describe('Delivery decider properties', () => {
  it('only ever refuses with a DeliveryError, and keeps the delivery consistent', () => {
    fc.assert(
      fc.property(steps(60), (steps) => {
        const { state, log } = run(steps);
        // versions count the events folded
        expect(state?.version ?? 0).toBe(log.length);
        if (state === null) return;
        // acknowledged implies fetched before
        const types = log.map((l) => l.event.type);
        const ackAt = types.indexOf(DeliveryAcknowledgedEvent.type);
        if (ackAt >= 0) {
          expect(types.slice(0, ackAt)).toContain(DeliveryFetchedEvent.type);
          expect(state.fetchedAt).not.toBeNull();
        }
        if (state.state === 'acknowledged' || state.state === 'failed') {
          expect(state.fetchedAt).not.toBeNull();
          expect(state.ackResult).toBe(state.state === 'acknowledged' ? 'done' : 'fail');
        }
        // exactly one DeliveryQueued, first; at most one acknowledgement, one deadline flag, one withdrawal
        expect(types[0]).toBe(DeliveryQueuedEvent.type);
        expect(types.filter((t) => t === DeliveryQueuedEvent.type)).toHaveLength(1);
        expect(types.filter((t) => t === DeliveryAcknowledgedEvent.type).length).toBeLessThanOrEqual(1);
        expect(types.filter((t) => t === DeliveryDeadlineMissedEvent.type).length).toBeLessThanOrEqual(1);
        expect(types.filter((t) => t === DeliveryWithdrawnEvent.type).length).toBeLessThanOrEqual(1);
        // nothing happens to a withdrawn delivery
        const withdrawnAt = types.indexOf(DeliveryWithdrawnEvent.type);
        if (withdrawnAt >= 0) expect(withdrawnAt).toBe(types.length - 1);
        // never more attempts than the policy allows
        expect(state.attempts).toBeLessThanOrEqual(POLICY.maxAttempts);
      }),
      { numRuns: 500 },
    );
  });

  it('replaying the log gives the same state', () => {
    fc.assert(
      fc.property(steps(40), (steps) => {
        const { state, log } = run(steps);
        expect(log.reduce<DeliveryState>((s, l) => evolve(s, l.event, l.at), null)).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  it('repeating an accepted command changes nothing, except a push failure or a redrive', () => {
    fc.assert(
      fc.property(steps(40), command, (steps, last) => {
        const { state } = run(steps);
        const now = new Date('2027-01-01T00:00:00.000Z');
        let events: DeliveryEvent[];
        try {
          events = decide(last, state, { now, policy: POLICY });
        } catch (err) {
          expect(err).toBeInstanceOf(DeliveryError);
          return;
        }
        if (last.kind === 'RecordPushFailure' || last.kind === 'Redrive') return;
        const after = events.reduce<DeliveryState>((s, e) => evolve(s, e, now.toISOString()), state);
        expect(decide(last, after, { now, policy: POLICY })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('evolve never throws, whatever the order of events', () => {
    const event: fc.Arbitrary<DeliveryEvent> = fc.constantFrom<DeliveryEvent>(
      { type: DeliveryQueuedEvent.type, payload: { deliveryId: id, package: PKG, recipientCode: 'r', deliverToCode: 'r', systemId: SYSTEM, endpoint: null, route: 'direct', via: [], deadline: 'x' } },
      { type: DeliveryAttemptFailedEvent.type, payload: { deliveryId: id, attempt: 1, error: 'e', nextAttemptAt: null } },
      { type: DeliveryFetchedEvent.type, payload: { deliveryId: id, systemId: SYSTEM, via: 'fetch' } },
      { type: DeliveryAcknowledgedEvent.type, payload: { deliveryId: id, systemId: SYSTEM, result: 'done', reason: null } },
      { type: DeliveryDeadLetteredEvent.type, payload: { deliveryId: id, attempts: 3, lastError: 'e' } },
      { type: DeliveryRedrivenEvent.type, payload: { deliveryId: id, operator: 'ops' } },
      { type: DeliveryDeadlineMissedEvent.type, payload: { deliveryId: id, deadline: 'x' } },
      { type: DeliveryWithdrawnEvent.type, payload: { deliveryId: id, byPackageId: 'p' } },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const state = fold(events, '2026-07-01T00:00:00.000Z');
        const first = events.findIndex((e) => e.type === DeliveryQueuedEvent.type);
        if (first < 0) expect(state).toBeNull();
        else expect(state?.version).toBe(events.length - first);
      }),
    );
  });
});
