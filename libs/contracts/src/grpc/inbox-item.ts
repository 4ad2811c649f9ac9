import type { PackageRef } from '../schemas/exchange/package-ref';
import type * as deliveryV1 from '../generated/vdx/delivery/v1/delivery';
import type * as exchangeV1 from '../generated/vdx/exchange/v1/exchange';

// One `exchange.v1` InboxItem, whatever the delivery is read from: the gateway's inbox (from
// `delivery.v1`'s Delivery or a DeliveryQueued event) and the delivery service's push.

/** Every field of an InboxItem: the record makes forgetting one that the proto gains a compile error. */
const FIELDS: Record<keyof exchangeV1.InboxItem, true> = {
  deliveryId: true,
  packageId: true,
  kind: true,
  senderCode: true,
  recipientCode: true,
  documentId: true,
  statusCode: true,
  subject: true,
  state: true,
  queuedAt: true,
  bodySize: true,
  bodySha256: true,
  route: true,
  routeVia: true,
  signatureVerdict: true,
};
const NAMES = Object.keys(FIELDS) as (keyof exchangeV1.InboxItem)[];

/** The inbox item of a `delivery.v1` Delivery: the same fields, by name. */
export function inboxItemOfMessage(d: Pick<deliveryV1.Delivery, keyof exchangeV1.InboxItem>): exchangeV1.InboxItem {
  return Object.fromEntries(NAMES.map((name) => [name, name === 'routeVia' ? [...d.routeVia] : d[name]])) as unknown as exchangeV1.InboxItem;
}

/** A delivery as the delivery service holds it, or as DeliveryQueued announced it: its package, recipient and route. */
export interface InboxItemSource {
  readonly deliveryId: string;
  /** The delivery's own package id, when it has one; else its package's. */
  readonly packageId?: string;
  readonly recipientCode: string;
  readonly state: string;
  readonly queuedAt: string;
  readonly route: string;
  readonly via: readonly string[];
  readonly package: PackageRef;
}

/** The inbox item of a delivery: the package's fields (absent ones empty, as proto3 sends them), the delivery's own. */
export function inboxItemOf(d: InboxItemSource): exchangeV1.InboxItem {
  const p = d.package;
  return {
    deliveryId: d.deliveryId,
    packageId: d.packageId ?? p.packageId,
    kind: p.kind,
    senderCode: p.senderCode,
    recipientCode: d.recipientCode,
    documentId: p.documentId ?? '',
    statusCode: p.statusCode ?? '',
    subject: p.subject ?? '',
    state: d.state,
    queuedAt: d.queuedAt,
    bodySize: p.bodySize,
    bodySha256: p.bodySha256,
    route: d.route,
    routeVia: [...d.via],
    signatureVerdict: p.signatureVerdict ?? '',
  };
}
