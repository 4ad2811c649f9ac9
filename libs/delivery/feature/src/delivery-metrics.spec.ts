import type { BlobStore } from '@vdx/blob-store';
import { DeliveryFetchedEvent, DeliveryQueuedEvent } from '@vdx/contracts';
import type { Delivery, TransportState } from '@vdx/delivery-domain';
import type { Outgoing } from '@vdx/messaging';
import { createMetricsRegistry, deliveryMetrics } from '@vdx/observability';
import type { OwnedDelivery } from './delivery-owner';
import { deliveryCounts, observeDeliveryLatencies, reportDeliveryCounts } from './delivery-metrics';
import { DeliveryScheduler } from './delivery-scheduler';

const NOW = new Date('2026-12-02T02:00:00.000Z');
const ACCEPTED = '2026-12-02T01:59:58.500Z';

function owned(n: number, state: TransportState, deadline: string, priority: string | null = null): OwnedDelivery {
  const packageId = `0190000${n}-0000-7000-8000-000000000000`;
  const delivery = {
    deliveryId: `${packageId}/000.00.00.G22`,
    packageId,
    recipientCode: '000.00.00.G22',
    state,
    deadline,
    deadlineMissed: false,
    nextAttemptAt: '2099-01-01T00:00:00.000Z',
    version: 1,
    package: { packageId, priority, acceptedAt: ACCEPTED },
  } as unknown as Delivery;
  return { delivery, statuses: [], correlationId: packageId, key: `d${n}`, lastEventId: `e${n}` };
}

const PAST = '2026-12-01T10:00:00.000Z';
const FUTURE = '2026-12-03T10:00:00.000Z';

describe('delivery metrics', () => {
  const deliveries = [owned(1, 'queued', PAST), owned(2, 'queued', FUTURE), owned(3, 'dead', PAST), owned(4, 'fetched', PAST), owned(5, 'acknowledged', FUTURE)];

  it('counts owned deliveries by state, and the queued or dead ones past their deadline', () => {
    const counts = deliveryCounts(deliveries, NOW);
    expect(counts.byState).toEqual({ queued: 2, fetched: 1, acknowledged: 1, failed: 0, dead: 1, withdrawn: 0 });
    expect(counts.overdue).toEqual({ queued: 1, dead: 1 });
  });

  it('sets the gauges from the scheduler\'s deadline round', async () => {
    const registry = createMetricsRegistry('delivery');
    const m = deliveryMetrics(registry);
    const scheduler = new DeliveryScheduler(
      {
        owned: () => deliveries,
        submit: async () => undefined,
        blobs: {} as BlobStore,
        push: async () => undefined,
        report: (o, now) => reportDeliveryCounts(m, deliveryCounts(o, now)),
      },
      { pushEveryMs: 1000, deadlinesEveryMs: 1000, pushTimeoutMs: 1000, batch: 10, clock: () => NOW },
    );
    await scheduler.flagOverdue();
    const states = Object.fromEntries((await m.deliveries.get()).values.map((v) => [v.labels.state, v.value]));
    expect(states).toEqual({ queued: 2, fetched: 1, acknowledged: 1, failed: 0, dead: 1, withdrawn: 0 });
    const overdue = Object.fromEntries((await m.overdue.get()).values.map((v) => [v.labels.state, v.value]));
    expect(overdue).toEqual({ queued: 1, dead: 1 });
  });

  it('observes send → fetchable on a queued delivery and send → fetched on its first fetch, by lane', async () => {
    const registry = createMetricsRegistry('delivery');
    const m = deliveryMetrics(registry);
    const urgent = owned(7, 'queued', FUTURE, '3');
    const outputs = [
      { topic: 'vdx.delivery.events.v1.urgent', event: { type: DeliveryQueuedEvent.type, payload: { deliveryId: urgent.delivery.deliveryId, package: urgent.delivery.package } } },
      { topic: 'vdx.delivery.events.v1', event: { type: DeliveryFetchedEvent.type, payload: { deliveryId: deliveries[1]!.delivery.deliveryId, systemId: 's', via: 'fetch' } } },
      // A delivery this instance does not hold (moved away): nothing to measure against.
      { topic: 'vdx.delivery.events.v1', event: { type: DeliveryFetchedEvent.type, payload: { deliveryId: 'gone/000.00.00.G22', systemId: 's', via: 'fetch' } } },
    ] as unknown as Outgoing[];
    const find = (id: string) => deliveries.find((o) => o.delivery.deliveryId === id);
    observeDeliveryLatencies(m, outputs, find, NOW.getTime());

    const fetchable = (await m.sendToFetchable.get()).values;
    expect(fetchable.find((v) => v.metricName === 'vdx_send_to_fetchable_seconds_count' && v.labels.lane === 'urgent')?.value).toBe(1);
    expect(fetchable.find((v) => v.metricName === 'vdx_send_to_fetchable_seconds_sum' && v.labels.lane === 'urgent')?.value).toBeCloseTo(1.5);
    const fetched = (await m.sendToFetched.get()).values;
    expect(fetched.find((v) => v.metricName === 'vdx_send_to_fetched_seconds_count' && v.labels.lane === 'normal')?.value).toBe(1);
    expect(fetched.filter((v) => v.metricName === 'vdx_send_to_fetched_seconds_count').map((v) => v.labels.lane)).toEqual(['normal']);
  });
});
