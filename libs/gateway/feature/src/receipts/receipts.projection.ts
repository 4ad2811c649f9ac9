import { PackageAcceptedEvent, isEvent, laneTopics, type EventEnvelope } from '@vdx/contracts';
import type { Projection, ReadModelWrite } from '@vdx/event-sourcing';
import { keyId } from '../intake/idempotency-key';
import type { Receipt } from './receipt';

export const RECEIPTS_COLLECTION = 'gateway_receipts';

/**
 * The gateway's receipts, one per idempotency key (`_id` = its hash), derived from
 * `PackageAccepted`, which carries the key and every field of the receipt: what a resend is
 * answered with. `vdx replay gateway-receipts` rebuilds it. A resend of the same key under a
 * new package id (a crashed attempt taken over keeps the first id, so this does not happen by
 * design) would keep the first receipt: the first event of a key creates the document.
 */
export function receiptsProjection(topic: string, name = 'gateway-receipts', collection = RECEIPTS_COLLECTION): Projection {
  return {
    name,
    topics: [...laneTopics(topic)],
    collections: [collection],
    project(event: EventEnvelope): ReadModelWrite[] {
      if (!isEvent(PackageAcceptedEvent, event)) return [];
      const p = event.payload;
      const receipt: Receipt = { packageId: p.packageId, bodySha256: p.bodySha256, bodySize: p.bodySize, acceptedAt: event.occurredAt, recipientCodes: [...p.recipientCodes], warnings: [...p.warnings] };
      return [{ collection, id: keyId(p.idempotencyKey), creates: true, update: { $setOnInsert: { packageId: p.packageId, receipt } } }];
    },
  };
}
