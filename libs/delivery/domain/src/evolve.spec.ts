import type { DeliveryEvent } from './delivery';
import { DELIVERY_EVENT_DEFINITIONS } from './delivery';
import {
  DEADLINE,
  DELIVERY_ID,
  ENDPOINT,
  PACKAGE_ID,
  PKG,
  RECIPIENT,
  SYSTEM,
  acknowledged,
  attemptFailed,
  dead,
  deadLettered,
  deadlineMissed,
  fetched,
  queued,
  redriven,
  withdrawn,
} from './test-fixtures/decider';
import { evolve, fold, isDue } from './evolve';

const T0 = '2026-07-01T00:00:00.000Z';
const T1 = '2026-07-01T01:00:00.000Z';
const T2 = '2026-07-01T02:00:00.000Z';

const QUEUED = {
  deliveryId: DELIVERY_ID,
  packageId: PACKAGE_ID,
  recipientCode: RECIPIENT,
  deliverToCode: RECIPIENT,
  systemId: SYSTEM,
  endpoint: ENDPOINT,
  route: 'direct',
  via: [],
  state: 'queued',
  attempts: 0,
  nextAttemptAt: null,
  lastError: null,
  deadline: DEADLINE,
  deadlineMissed: false,
  queuedAt: T0,
  fetchedAt: null,
  acknowledgedAt: null,
  ackResult: null,
  ackReason: null,
  package: PKG,
  version: 1,
};

/** Folds events, each with its own envelope time. */
const replay = (entries: readonly [DeliveryEvent, string][]) => entries.reduce((s, [e, at]) => evolve(s, e, at), null as ReturnType<typeof evolve>);

describe('evolve', () => {
  it('queues a delivery, stamped with the envelope time', () => {
    expect(evolve(null, queued(), T0)).toEqual(QUEUED);
  });

  it('records failed attempts, then the dead letter', () => {
    expect(fold([queued(), attemptFailed(1, '2026-07-01T00:00:02.000Z', 'ECONNRESET')], T0)).toMatchObject({
      state: 'queued',
      attempts: 1,
      nextAttemptAt: '2026-07-01T00:00:02.000Z',
      lastError: 'ECONNRESET',
      version: 2,
    });
    expect(fold(dead(8), T0)).toMatchObject({ state: 'dead', attempts: 8, nextAttemptAt: null, lastError: 'ECONNREFUSED', version: 10 });
  });

  it('redrives back to the queue, due now, keeping the last error', () => {
    expect(fold([...dead(3), redriven()], T0)).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: null, lastError: 'ECONNREFUSED', version: 6 });
  });

  it('folds a delivery taken in: fetched, then acknowledged done', () => {
    const state = replay([
      [queued(), T0],
      [attemptFailed(1), T0],
      [fetched('fetch'), T1],
      [acknowledged('done', null), T2],
    ]);
    expect(state).toEqual({ ...QUEUED, state: 'acknowledged', attempts: 1, lastError: 'ECONNREFUSED', fetchedAt: T1, acknowledgedAt: T2, ackResult: 'done', version: 4 });
  });

  it('folds a delivery refused by the recipient: acknowledged fail', () => {
    const state = replay([
      [queued(), T0],
      [fetched('push'), T1],
      [acknowledged('fail', 'Sai thể thức'), T2],
    ]);
    expect(state).toMatchObject({ state: 'failed', fetchedAt: T1, acknowledgedAt: T2, ackResult: 'fail', ackReason: 'Sai thể thức', version: 3 });
  });

  it('clears the next attempt once fetched (a late success over dead)', () => {
    expect(fold([queued(), attemptFailed(1), fetched('push')], T0)).toMatchObject({ state: 'fetched', nextAttemptAt: null });
    expect(fold([...dead(2), fetched('push')], T0)).toMatchObject({ state: 'fetched', attempts: 2, fetchedAt: T0 });
  });

  it('flags a missed deadline without changing the transport state', () => {
    expect(fold([queued(), deadlineMissed()], T0)).toMatchObject({ state: 'queued', deadlineMissed: true, version: 2 });
  });

  it('withdraws', () => {
    expect(fold([queued(), attemptFailed(1), withdrawn()], T0)).toMatchObject({ state: 'withdrawn', nextAttemptAt: null, version: 3 });
  });

  it.each<DeliveryEvent>([attemptFailed(1), deadLettered(), fetched(), acknowledged(), redriven(), deadlineMissed(), withdrawn()])(
    'ignores $type on an unknown delivery',
    (event) => {
      expect(evolve(null, event, T0)).toBeNull();
    },
  );

  it('counts versions across a re-queue (never emitted by decide, but a replay must not stop)', () => {
    expect(fold([queued(), fetched(), queued()], T0)).toMatchObject({ state: 'queued', version: 3 });
  });
});

describe('isDue', () => {
  const now = new Date('2026-07-01T00:00:10.000Z');

  it('is due when queued with an endpoint and no attempt scheduled', () => {
    expect(isDue(fold([queued()], T0), now)).toBe(true);
  });

  it('is due when the next attempt is at or before now', () => {
    expect(isDue(fold([queued(), attemptFailed(1, '2026-07-01T00:00:10.000Z')], T0), now)).toBe(true);
    expect(isDue(fold([queued(), attemptFailed(1, '2026-07-01T00:00:09.000Z')], T0), now)).toBe(true);
  });

  it('is not due before the next attempt', () => {
    expect(isDue(fold([queued(), attemptFailed(1, '2026-07-01T00:00:10.001Z')], T0), now)).toBe(false);
  });

  it('is due right after a redrive', () => {
    expect(isDue(fold([...dead(2), redriven()], T0), now)).toBe(true);
  });

  it('is never due without an endpoint (the system fetches)', () => {
    expect(isDue(fold([queued({ endpoint: null })], T0), now)).toBe(false);
  });

  it.each([
    ['unknown', []],
    ['fetched', [queued(), fetched()]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['dead', dead()],
    ['withdrawn', [queued(), withdrawn()]],
  ])('is not due when %s', (_name, events) => {
    expect(isDue(fold(events, T0), now)).toBe(false);
  });
});

describe('DELIVERY_EVENT_DEFINITIONS', () => {
  it('maps each event type to its contract', () => {
    for (const [type, definition] of Object.entries(DELIVERY_EVENT_DEFINITIONS)) {
      expect(definition.type).toBe(type);
      expect(definition.versions.length).toBeGreaterThan(0);
    }
    expect(Object.keys(DELIVERY_EVENT_DEFINITIONS)).toHaveLength(9);
  });
});
