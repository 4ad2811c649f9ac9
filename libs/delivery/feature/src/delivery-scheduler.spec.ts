import type { BlobStore } from '@vdx/blob-store';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { Delivery } from '@vdx/delivery-domain';
import type { OwnedDelivery } from './delivery-owner';
import { DeliveryScheduler } from './delivery-scheduler';
import { inboxPosition } from './delivery-store';

const NOW = new Date('2026-12-02T02:00:00.000Z');

function owned(n: number, priority: string | null): OwnedDelivery {
  const packageId = `0190000${n}-0000-7000-8000-000000000000`;
  const delivery: Delivery = {
    deliveryId: `${packageId}/000.00.00.G22`,
    packageId,
    recipientCode: '000.00.00.G22',
    deliverToCode: '000.00.00.G22',
    systemId: 'qlvb-vpcp',
    endpoint: 'https://127.0.0.1:1/push',
    route: 'direct',
    via: [],
    state: 'queued',
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    deadline: '2026-12-02T10:00:00.000Z',
    deadlineMissed: false,
    queuedAt: NOW.toISOString(),
    fetchedAt: null,
    acknowledgedAt: null,
    ackResult: null,
    ackReason: null,
    package: packageRefWith({ packageId, senderCode: '000.00.00.H53', systemId: 'qlvb-tayninh', recipientCodes: ['000.00.00.G22'], documentId: `d${n}`, businessDocType: '0', priority, bodySha256: 'ab', bodySize: 1, acceptedAt: NOW.toISOString() }),
    version: 1,
  };
  return { delivery, statuses: [], correlationId: packageId, key: `d${n}`, lastEventId: `e${n}` };
}

describe('DeliveryScheduler: priority lanes', () => {
  it('pushes the urgent lane\'s due deliveries first when more are due than a round takes', async () => {
    const deliveries = [owned(1, '0'), owned(2, null), owned(3, '2'), owned(4, '0'), owned(5, '4')];
    const pushed: string[] = [];
    const scheduler = new DeliveryScheduler(
      {
        owned: () => deliveries,
        submit: async () => undefined,
        blobs: { get: async () => (async function* () {})() } as unknown as BlobStore,
        push: async (d) => void pushed.push(d.deliveryId),
      },
      { pushEveryMs: 1000, deadlinesEveryMs: 1000, pushTimeoutMs: 1000, batch: 3, clock: () => NOW },
    );
    expect(await scheduler.pushDue()).toBe(3);
    expect(pushed).toEqual([deliveries[2]!, deliveries[4]!, deliveries[0]!].map((o) => o.delivery.deliveryId));
  });
});

describe('inboxPosition', () => {
  it('orders the urgent lane first, then by delivery id', () => {
    const positions = [owned(1, '0'), owned(2, '3'), owned(3, null), owned(4, '1')].map((o) => inboxPosition(o.delivery));
    expect([...positions].sort()).toEqual([positions[1], positions[3], positions[0], positions[2]]);
  });
});
