import { PackageRoutedEvent, isEvent } from '@vdx/contracts';
import { decide, evolve, type Delivery } from '@vdx/delivery-domain';
import type { Outgoing, ProcessFn } from '@vdx/messaging';
import { envelopesOf } from './delivery-commands';
import type { DeliveryStore } from './delivery-store';

/**
 * The delivery service's intake: each routed delivery is queued in its recipient's inbox,
 * exactly once (the DeliveryQueued events commit with the consumed offsets). The stored state
 * is written first and only if absent, so a redone batch changes nothing; the deadline counts
 * from when routing decided, so a redo computes the same one.
 */
export function queueRouted(store: DeliveryStore, topic: string, holidays: readonly string[] = []): ProcessFn {
  return async ({ event }): Promise<Outgoing[]> => {
    if (!isEvent(PackageRoutedEvent, event)) return [];
    const now = new Date(event.occurredAt);
    const out: Outgoing[] = [];
    for (const routed of event.payload.deliveries) {
      const events = decide({ kind: 'Queue', routed, package: event.payload.package }, null, { now, holidays });
      const state = events.reduce<Delivery | null>((s, e) => evolve(s, e, now.toISOString()), null);
      if (!state) continue;
      await store.insertIfAbsent(state);
      const meta = { actor: { kind: 'system', id: 'delivery' } as const, correlationId: event.correlationId };
      for (const envelope of envelopesOf(routed.deliveryId, events, 0, meta, now)) out.push({ topic, event: { ...envelope, causationId: event.eventId, trace: event.trace } });
    }
    return out;
  };
}
