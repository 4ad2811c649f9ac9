import { PackageRoutedEvent, isEvent, type PackageRouted } from '@vdx/contracts';
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
    const ref = event.payload.package;
    if (ref.kind === 'status' && ref.statusCode !== null && ref.documentId !== null) {
      out.push(...(await recordStatus(store, topic, event.payload, now, event.correlationId)));
    }
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

/**
 * A routed status is also a fact about the document it concerns: it is recorded on that
 * document's delivery to the agency it is about (the reporting recipient; for a recall, each
 * recalled recipient). An agreed recall (15) withdraws the recipient's copy. On a redone batch
 * the status is recorded once and the withdrawal is re-emitted with its first sequence number.
 */
async function recordStatus(store: DeliveryStore, topic: string, routed: PackageRouted, now: Date, correlationId: string): Promise<Outgoing[]> {
  const ref = routed.package;
  const code = ref.statusCode!;
  const about = code === '13' ? routed.deliveries.map((d) => d.recipientCode) : [ref.senderCode];
  const entry = { code, at: ref.acceptedAt, description: ref.subject ?? '', packageId: ref.packageId };
  const out: Outgoing[] = [];
  for (const recipientCode of about) {
    for (const delivery of await store.ofDocument(ref.documentId!, recipientCode)) {
      await store.addStatus(delivery.deliveryId, entry);
      if (code !== '15') continue;
      const meta = { actor: { kind: 'system', id: 'delivery' } as const, correlationId };
      const payload = { deliveryId: delivery.deliveryId, byPackageId: ref.packageId };
      if (delivery.state !== 'withdrawn') {
        const events = decide({ kind: 'Withdraw', deliveryId: delivery.deliveryId, byPackageId: ref.packageId }, delivery, { now });
        for (const envelope of envelopesOf(delivery.deliveryId, events, delivery.version, meta, now)) out.push({ topic, event: envelope });
        await store.advance(events.reduce<Delivery>((s, e) => evolve(s, e, now.toISOString()) ?? s, delivery), delivery.version);
      } else if (delivery.statuses.some((s) => s.packageId === ref.packageId && s.code === '15')) {
        const [again] = envelopesOf(delivery.deliveryId, [{ type: 'vdx.delivery.DeliveryWithdrawn', payload }], delivery.version - 1, meta, now);
        out.push({ topic, event: again! });
      }
    }
  }
  return out;
}
