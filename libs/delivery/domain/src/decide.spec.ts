import { DeliveryQueuedEvent } from '@vdx/contracts';
import {
  DEADLINE,
  DELIVERY_ID,
  PKG,
  ROUTED,
  SYSTEM,
  acknowledged,
  attemptFailed,
  dead,
  deadLettered,
  deadlineMissed,
  fetched,
  delivery,
  queued,
  redriven,
  withdrawn,
} from './test-fixtures/decider';
import { DELIVERY_ERROR_CODES } from './delivery.error';

const at = (iso: string) => ({ now: new Date(iso) });
const OTHER = 'qlvb-khac';
const WITHDRAWAL = '0190a1b2-0000-7000-8000-000000000015';

describe('Queue', () => {
  it('queues a routed delivery, due at 17:00 Vietnam time on a working day', () => {
    delivery.given().when({ kind: 'Queue', routed: ROUTED, package: PKG }).then([queued()]);
  });

  it('keeps route, via and a missing endpoint', () => {
    const routed = { ...ROUTED, endpoint: null, route: 'successor+ancestor', via: ['000.00.31.H53', '000.00.32.H53'], deliverToCode: '000.00.00.H53' };
    delivery.given()
      .when({ kind: 'Queue', routed, package: PKG })
      .then([
        {
          type: DeliveryQueuedEvent.type,
          payload: {
            deliveryId: DELIVERY_ID,
            package: PKG,
            recipientCode: ROUTED.recipientCode,
            deliverToCode: '000.00.00.H53',
            systemId: SYSTEM,
            endpoint: null,
            route: 'successor+ancestor',
            via: ['000.00.31.H53', '000.00.32.H53'],
            deadline: DEADLINE,
          },
        },
      ]);
  });

  it('sets the deadline to the next working day after office hours, skipping holidays', () => {
    // Friday 2026-07-03 18:00 local; Monday 07-06 is declared a holiday → Tuesday 17:00 local.
    delivery.given()
      .when({ kind: 'Queue', routed: ROUTED, package: PKG }, { now: new Date('2026-07-03T11:00:00.000Z'), holidays: ['2026-07-06'] })
      .then([queued({ deadline: '2026-07-07T10:00:00.000Z' })]);
  });

  it('is idempotent: a second Queue for the same delivery changes nothing', () => {
    delivery.given([queued()]).when({ kind: 'Queue', routed: ROUTED, package: PKG }).then([]);
    delivery.given([queued(), fetched(), acknowledged()]).when({ kind: 'Queue', routed: ROUTED, package: PKG }).then([]);
  });

  it.each([
    [{ deliveryId: '' }, 'routed.deliveryId'],
    [{ deliveryId: ` ${DELIVERY_ID}` }, 'routed.deliveryId'],
    [{ systemId: '  ' }, 'routed.systemId'],
    [{ recipientCode: '' }, 'routed.recipientCode'],
    [{ deliverToCode: '' }, 'routed.deliverToCode'],
  ])('refuses a routed delivery with %j', (change, path) => {
    delivery.given()
      .when({ kind: 'Queue', routed: { ...ROUTED, ...change }, package: PKG })
      .thenThrows('DELIVERY.INVALID_FIELD', { path });
  });

  it('refuses a package without an id', () => {
    delivery.given()
      .when({ kind: 'Queue', routed: ROUTED, package: { ...PKG, packageId: '' } })
      .thenThrows('DELIVERY.INVALID_FIELD', { path: 'package.packageId' });
  });
});

describe('RecordPushFailure', () => {
  it('records the first failure and schedules the next attempt after the base delay', () => {
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: ' ECONNREFUSED ' })
      .then([attemptFailed(1, '2026-07-01T00:00:02.000Z', 'ECONNREFUSED')]);
  });

  it('backs off exponentially with the attempt number', () => {
    delivery.given([queued(), attemptFailed(1), attemptFailed(2), attemptFailed(3)])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'HTTP 503' })
      .then([attemptFailed(4, '2026-07-01T00:00:16.000Z', 'HTTP 503')]);
  });

  it('dead-letters the delivery at the last attempt', () => {
    const history = [queued(), ...[1, 2, 3, 4, 5, 6].map((n) => attemptFailed(n))];
    delivery.given(history)
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'HTTP 500' })
      .then([attemptFailed(7, '2026-07-01T00:02:08.000Z', 'HTTP 500')]);
    delivery.given([...history, attemptFailed(7)])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'HTTP 500' })
      .then([attemptFailed(8, null, 'HTTP 500'), deadLettered(8, 'HTTP 500')]);
  });

  it('follows the policy it is given', () => {
    const policy = { maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1500 };
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' }, { policy })
      .then([attemptFailed(1, '2026-07-01T00:00:01.000Z', 'x')]);
    delivery.given([queued(), attemptFailed(1)])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' }, { policy })
      .then([attemptFailed(2, null, 'x'), deadLettered(2, 'x')]);
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' }, { policy: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 } })
      .then([attemptFailed(1, null, 'x'), deadLettered(1, 'x')]);
  });

  it('refuses a policy that cannot work', () => {
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' }, { policy: { maxAttempts: 0, baseDelayMs: 1000, maxDelayMs: 1000 } })
      .thenThrows('DELIVERY.INVALID_FIELD', { path: 'policy.maxAttempts' });
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' }, { policy: { maxAttempts: 3, baseDelayMs: -1, maxDelayMs: 1000 } })
      .thenThrows('DELIVERY.INVALID_FIELD', { path: 'policy.baseDelayMs' });
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' }, { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: Number.NaN } })
      .thenThrows('DELIVERY.INVALID_FIELD', { path: 'policy.maxDelayMs' });
  });

  it('records a blank error as unknown, and cuts a long one', () => {
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: ' \n ' })
      .then([attemptFailed(1, '2026-07-01T00:00:02.000Z', 'unknown error')]);
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'line1\nline2' })
      .then([attemptFailed(1, '2026-07-01T00:00:02.000Z', 'line1 line2')]);
    delivery.given([queued()])
      .when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x'.repeat(5000) })
      .then([attemptFailed(1, '2026-07-01T00:00:02.000Z', `${'x'.repeat(999)}…`)]);
  });

  it.each([
    ['fetched', [queued(), fetched()]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['failed', [queued(), fetched(), acknowledged('fail', 'sai thể thức')]],
    ['dead', dead()],
    ['withdrawn', [queued(), withdrawn()]],
  ])('ignores a failure once the delivery is %s (it moved on)', (_name, history) => {
    delivery.given(history).when({ kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'late' }).then([]);
  });
});

describe('RecordPushSuccess', () => {
  it('marks a queued delivery fetched by push', () => {
    delivery.given([queued(), attemptFailed(1)]).when({ kind: 'RecordPushSuccess', deliveryId: DELIVERY_ID }).then([fetched('push')]);
  });

  it('lets a late success win over dead', () => {
    delivery.given(dead()).when({ kind: 'RecordPushSuccess', deliveryId: DELIVERY_ID }).then([fetched('push')]);
  });

  it.each([
    ['fetched', [queued(), fetched()]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['failed', [queued(), fetched(), acknowledged('fail', 'x')]],
    ['withdrawn', [queued(), withdrawn()]],
  ])('changes nothing once the delivery is %s', (_name, history) => {
    delivery.given(history).when({ kind: 'RecordPushSuccess', deliveryId: DELIVERY_ID }).then([]);
  });
});

describe('Fetch', () => {
  it('records the first fetch by the recipient system', () => {
    delivery.given([queued()]).when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: SYSTEM }).then([fetched('fetch')]);
  });

  it('lets a dead-lettered delivery be fetched', () => {
    delivery.given(dead()).when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: SYSTEM }).then([fetched('fetch')]);
  });

  it.each([
    ['fetched', [queued(), fetched('push')]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['failed', [queued(), fetched(), acknowledged('fail', 'x')]],
  ])('may fetch again once %s', (_name, history) => {
    delivery.given(history).when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: SYSTEM }).then([]);
  });

  it('refuses another system', () => {
    const error = delivery.given([queued()]).when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: OTHER }).thenThrows('DELIVERY.WRONG_SYSTEM', { path: 'systemId' });
    expect(error.message).toBe(`delivery ${DELIVERY_ID} is for system ${SYSTEM}, not ${OTHER}`);
  });

  it('refuses a withdrawn delivery', () => {
    delivery.given([queued(), withdrawn()]).when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: SYSTEM }).thenThrows('DELIVERY.WITHDRAWN');
  });

  it('checks the system before telling it the delivery was withdrawn', () => {
    delivery.given([queued(), withdrawn()]).when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: OTHER }).thenThrows('DELIVERY.WRONG_SYSTEM', { path: 'systemId' });
  });
});

describe('Acknowledge', () => {
  it('records done', () => {
    delivery.given([queued(), fetched()]).when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done' }).then([acknowledged('done', null)]);
  });

  it('records done with an optional reason, blank meaning none', () => {
    delivery.given([queued(), fetched()])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done', reason: ' đã vào sổ ' })
      .then([acknowledged('done', 'đã vào sổ')]);
    delivery.given([queued(), fetched()])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done', reason: '  ' })
      .then([acknowledged('done', null)]);
  });

  it('records fail with its reason', () => {
    delivery.given([queued(), fetched('push')])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'fail', reason: 'Sai thể thức' })
      .then([acknowledged('fail', 'Sai thể thức')]);
  });

  it.each([
    ['missing', undefined],
    ['blank', '   '],
    ['too long', 'x'.repeat(501)],
    ['with a control character', 'a\u0007b'],
  ])('refuses fail with a reason %s', (_name, reason) => {
    delivery.given([queued(), fetched()])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'fail', reason })
      .thenThrows('DELIVERY.INVALID_FIELD', { path: 'reason' });
  });

  it('accepts a reason of exactly 500 characters', () => {
    const reason = 'x'.repeat(500);
    delivery.given([queued(), fetched()])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'fail', reason })
      .then([acknowledged('fail', reason)]);
  });

  it('refuses a result other than done or fail', () => {
    delivery.given([queued(), fetched()])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'ok' as 'done' })
      .thenThrows('DELIVERY.INVALID_FIELD', { path: 'result' });
  });

  it.each([
    ['queued', [queued()]],
    ['dead', dead()],
  ])('refuses to acknowledge before a fetch (%s)', (_name, history) => {
    delivery.given(history).when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done' }).thenThrows('DELIVERY.NOT_FETCHED');
  });

  it('is idempotent for the same result', () => {
    delivery.given([queued(), fetched(), acknowledged()]).when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done' }).then([]);
    delivery.given([queued(), fetched(), acknowledged('fail', 'x')])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'fail', reason: 'y' })
      .then([]);
  });

  it('refuses a different result than the one recorded', () => {
    const error = delivery.given([queued(), fetched(), acknowledged()])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'fail', reason: 'changed my mind' })
      .thenThrows('DELIVERY.ALREADY_ACKNOWLEDGED', { path: 'result' });
    expect(error.message).toContain('with result done');
    delivery.given([queued(), fetched(), acknowledged('fail', 'x')])
      .when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done' })
      .thenThrows('DELIVERY.ALREADY_ACKNOWLEDGED', { path: 'result' });
  });

  it('refuses another system', () => {
    delivery.given([queued(), fetched()]).when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: OTHER, result: 'done' }).thenThrows('DELIVERY.WRONG_SYSTEM', { path: 'systemId' });
  });

  it('refuses a withdrawn delivery', () => {
    delivery.given([queued(), fetched(), withdrawn()]).when({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done' }).thenThrows('DELIVERY.WITHDRAWN');
  });
});

describe('Redrive', () => {
  it('sends a dead-lettered delivery back to the queue', () => {
    delivery.given(dead()).when({ kind: 'Redrive', deliveryId: DELIVERY_ID, operator: ' ops.nguyen ' }).then([redriven('ops.nguyen')]);
  });

  it.each([
    ['queued', [queued()]],
    ['fetched', [queued(), fetched()]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['withdrawn', [queued(), withdrawn()]],
    ['redriven already', [...dead(), redriven()]],
  ])('refuses a live delivery (%s)', (_name, history) => {
    delivery.given(history).when({ kind: 'Redrive', deliveryId: DELIVERY_ID, operator: 'ops' }).thenThrows('DELIVERY.NOT_DEAD');
  });

  it('requires an operator', () => {
    delivery.given(dead()).when({ kind: 'Redrive', deliveryId: DELIVERY_ID, operator: ' ' }).thenThrows('DELIVERY.INVALID_FIELD', { path: 'operator' });
  });
});

describe('FlagMissedDeadline', () => {
  it('flags a queued delivery at its deadline', () => {
    delivery.given([queued()]).when({ kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID }, at(DEADLINE)).then([deadlineMissed()]);
  });

  it('flags a dead delivery past its deadline', () => {
    delivery.given(dead()).when({ kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID }, at('2026-07-02T00:00:00.000Z')).then([deadlineMissed()]);
  });

  it('does nothing before the deadline', () => {
    delivery.given([queued()]).when({ kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID }, at('2026-07-01T09:59:59.999Z')).then([]);
  });

  it('flags only once', () => {
    delivery.given([queued(), deadlineMissed()]).when({ kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID }, at('2026-07-02T00:00:00.000Z')).then([]);
  });

  it.each([
    ['fetched', [queued(), fetched()]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['failed', [queued(), fetched(), acknowledged('fail', 'x')]],
    ['withdrawn', [queued(), withdrawn()]],
  ])('does nothing once %s', (_name, history) => {
    delivery.given(history).when({ kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID }, at('2026-07-02T00:00:00.000Z')).then([]);
  });
});

describe('Withdraw', () => {
  it.each([
    ['queued', [queued()]],
    ['fetched', [queued(), fetched()]],
    ['acknowledged', [queued(), fetched(), acknowledged()]],
    ['failed', [queued(), fetched(), acknowledged('fail', 'x')]],
    ['dead', dead()],
  ])('withdraws a %s delivery', (_name, history) => {
    delivery.given(history).when({ kind: 'Withdraw', deliveryId: DELIVERY_ID, byPackageId: WITHDRAWAL }).then([withdrawn(WITHDRAWAL)]);
  });

  it('is idempotent', () => {
    delivery.given([queued(), withdrawn()]).when({ kind: 'Withdraw', deliveryId: DELIVERY_ID, byPackageId: WITHDRAWAL }).then([]);
  });

  it('requires the agreeing package id', () => {
    delivery.given([queued()]).when({ kind: 'Withdraw', deliveryId: DELIVERY_ID, byPackageId: '' }).thenThrows('DELIVERY.INVALID_FIELD', { path: 'byPackageId' });
  });
});

describe('unknown delivery', () => {
  it.each([
    { kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'x' },
    { kind: 'RecordPushSuccess', deliveryId: DELIVERY_ID },
    { kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: SYSTEM },
    { kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: SYSTEM, result: 'done' },
    { kind: 'Redrive', deliveryId: DELIVERY_ID, operator: 'ops' },
    { kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID },
    { kind: 'Withdraw', deliveryId: DELIVERY_ID, byPackageId: WITHDRAWAL },
  ] as const)('refuses $kind', (command) => {
    const error = delivery.given().when(command).thenThrows('DELIVERY.UNKNOWN_DELIVERY');
    expect(error.message).toBe(`delivery ${DELIVERY_ID} is not known`);
  });
});

describe('DeliveryError', () => {
  it('has stable codes', () => {
    expect(DELIVERY_ERROR_CODES).toEqual([
      'DELIVERY.UNKNOWN_DELIVERY',
      'DELIVERY.NOT_FETCHED',
      'DELIVERY.ALREADY_ACKNOWLEDGED',
      'DELIVERY.NOT_DEAD',
      'DELIVERY.WRONG_SYSTEM',
      'DELIVERY.WITHDRAWN',
      'DELIVERY.INVALID_FIELD',
      'DELIVERY.UNAVAILABLE',
    ]);
  });

  it('is an Error named DeliveryError', () => {
    const error = delivery.given().when({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: SYSTEM }).thenThrows('DELIVERY.UNKNOWN_DELIVERY');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DeliveryError');
  });
});
