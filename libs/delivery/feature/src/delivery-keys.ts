import type { OwnedDelivery } from './delivery-owner';
import type { DeliveryStore, StoredDelivery } from './delivery-store';

/** What a command on a delivery needs: the key it is submitted under, and the send's correlation id. */
export interface DeliveryKey {
  readonly deliveryId: string;
  readonly correlationId: string;
  readonly commandKey: string;
}

const MAX_REMEMBERED = 50_000;

/**
 * The command key and correlation id of a delivery, which never change once it is queued: from
 * the owner's memory when this instance owns its partition (so a delivery just queued is
 * fetchable before its projection is written), else from `delivery_state` by `_id`, and kept
 * once known (a fetch and its acknowledgement then cost one store read, not two).
 */
export class DeliveryKeys {
  private owner: Pick<{ find(deliveryId: string): OwnedDelivery | undefined }, 'find'> | null = null;
  private readonly known = new Map<string, DeliveryKey>();

  constructor(private readonly store: Pick<DeliveryStore, 'get'>) {}

  /** The owner of this instance's partitions, once it runs. */
  attach(owner: { find(deliveryId: string): OwnedDelivery | undefined }): void {
    this.owner = owner;
  }

  /**
   * The delivery as last committed by its owner when this instance owns it (never older than
   * its projection), else as projected in `delivery_state`. The gateway reads a delivery before
   * each fetch and acknowledgement to authorise the caller: on the owner that is no store read.
   */
  async current(deliveryId: string): Promise<StoredDelivery | null> {
    const owned = this.owner?.find(deliveryId);
    if (owned) return { ...owned.delivery, statuses: owned.statuses, correlationId: owned.correlationId, commandKey: owned.key, ...(owned.trace ? { trace: owned.trace } : {}) };
    return this.store.get(deliveryId);
  }

  async of(deliveryId: string): Promise<DeliveryKey | null> {
    const remembered = this.known.get(deliveryId);
    if (remembered) return remembered;
    const owned = this.owner?.find(deliveryId);
    const found: DeliveryKey | null = owned
      ? { deliveryId, correlationId: owned.correlationId, commandKey: owned.key }
      : await this.store.get(deliveryId).then((d) => (d ? { deliveryId: d.deliveryId, correlationId: d.correlationId, commandKey: d.commandKey } : null));
    if (found) {
      // Oldest first out: a Map keeps insertion order.
      if (this.known.size >= MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
      this.known.set(deliveryId, found);
    }
    return found;
  }
}
