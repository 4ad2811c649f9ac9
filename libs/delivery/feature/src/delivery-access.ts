import { CallerAccess, type AccessTable } from '@vdx/service-kit';

/** The RPCs of `vdx.delivery.v1.DeliveryService`. */
export type DeliveryRpc = 'ListInbox' | 'GetDelivery' | 'Fetch' | 'Acknowledge' | 'ListPackageDeliveries' | 'ListDead' | 'Redrive';

/**
 * Who may call what on `delivery.v1` (docs/adr/0024-internal-mtls.md). Fetches and
 * acknowledgements act for a connected system that the gateway has already authorised, so only
 * the gateway makes them (the legacy edge reaches delivery through the gateway's exchange.v1,
 * with each system's own certificate, never directly). Operators read and redrive dead-lettered
 * deliveries (`vdx deliveries dead|redrive`) and may look deliveries up; they never fetch or
 * acknowledge for a system. The statistics service reads a package's deliveries (the console's
 * document trace) and the dead letters, and redrives one for a central-office account of its
 * console; it never reads an inbox, fetches or acknowledges.
 */
export const DELIVERY_ACCESS: AccessTable<DeliveryRpc> = {
  ListInbox: ['service:gateway', 'operator:*'],
  GetDelivery: ['service:gateway', 'operator:*'],
  Fetch: ['service:gateway'],
  Acknowledge: ['service:gateway'],
  ListPackageDeliveries: ['service:gateway', 'operator:*', 'service:statistics'],
  ListDead: ['operator:*', 'service:statistics'],
  Redrive: ['operator:*', 'service:statistics'],
};

/** The check every `DeliveryService` handler makes first. */
export const deliveryAccess = new CallerAccess<DeliveryRpc>('DELIVERY', 'delivery', DELIVERY_ACCESS);
