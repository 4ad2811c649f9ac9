import { DeliveryFetchedEvent, DeliveryQueuedEvent, isEvent, laneOf, type PackageRef } from '@vdx/contracts';
import type { TransportState } from '@vdx/delivery-domain';
import type { Outgoing } from '@vdx/messaging';
import type { DeliveryMetrics } from '@vdx/observability';
import type { OwnedDelivery } from './delivery-owner';

const STATES: readonly TransportState[] = ['queued', 'fetched', 'acknowledged', 'failed', 'dead', 'withdrawn'];

/** How many owned deliveries are in each state, and how many still wait (queued or dead) past their deadline. */
export interface DeliveryCounts {
  readonly byState: Readonly<Record<TransportState, number>>;
  readonly overdue: { readonly queued: number; readonly dead: number };
}

/** One pass over the owned deliveries; `now` decides what is overdue. */
export function deliveryCounts(owned: Iterable<OwnedDelivery>, now: Date): DeliveryCounts {
  const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TransportState, number>;
  const overdue = { queued: 0, dead: 0 };
  const at = now.getTime();
  for (const { delivery: d } of owned) {
    byState[d.state] += 1;
    if ((d.state === 'queued' || d.state === 'dead') && Date.parse(d.deadline) <= at) overdue[d.state] += 1;
  }
  return { byState, overdue };
}

/** Sets `vdx_deliveries{state}` and `vdx_deliveries_overdue{state}` (every state, zeros included). */
export function reportDeliveryCounts(metrics: DeliveryMetrics, counts: DeliveryCounts): void {
  for (const s of STATES) metrics.deliveries.set({ state: s }, counts.byState[s]);
  metrics.overdue.set({ state: 'queued' }, counts.overdue.queued);
  metrics.overdue.set({ state: 'dead' }, counts.overdue.dead);
}

function secondsSince(ref: PackageRef, now: number): number | null {
  const accepted = Date.parse(ref.acceptedAt);
  return Number.isFinite(accepted) ? Math.max(0, (now - accepted) / 1000) : null;
}

/**
 * Observes the end-to-end latencies the owner's decisions mark: a `DeliveryQueued` (the copy is
 * fetchable from the inbox from its commit on) and a `DeliveryFetched` (the recipient's system
 * took it), each against the package's `acceptedAt` at the gateway. `find` gives the delivery as
 * last committed (a fetch's package). A batch decided again after an abort is observed again.
 */
export function observeDeliveryLatencies(metrics: DeliveryMetrics, outputs: readonly Outgoing[], find: (deliveryId: string) => OwnedDelivery | undefined, now = Date.now()): void {
  for (const { event } of outputs) {
    if (isEvent(DeliveryQueuedEvent, event)) {
      const ref = event.payload.package;
      const s = secondsSince(ref, now);
      if (s !== null) metrics.sendToFetchable.observe({ lane: laneOf(ref.priority) }, s);
    } else if (isEvent(DeliveryFetchedEvent, event)) {
      const ref = find(event.payload.deliveryId)?.delivery.package;
      const s = ref ? secondsSince(ref, now) : null;
      if (ref && s !== null) metrics.sendToFetched.observe({ lane: laneOf(ref.priority) }, s);
    }
  }
}
