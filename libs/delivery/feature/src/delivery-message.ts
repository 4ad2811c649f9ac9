import type { deliveryV1 } from '@vdx/contracts/grpc';
import type { Delivery } from '@vdx/delivery-domain';
import type { StoredDelivery } from './delivery-store';

/** A delivery as `vdx.delivery.v1.Delivery` (proto-loader, camelCase). */
export function toDeliveryMessage(d: Delivery | StoredDelivery): deliveryV1.Delivery {
  return {
    deliveryId: d.deliveryId,
    packageId: d.packageId,
    kind: d.package.kind,
    senderCode: d.package.senderCode,
    recipientCode: d.recipientCode,
    deliverToCode: d.deliverToCode,
    systemId: d.systemId,
    documentId: d.package.documentId ?? '',
    statusCode: d.package.statusCode ?? '',
    subject: d.package.subject ?? '',
    state: d.state,
    attempts: d.attempts,
    lastError: d.lastError ?? '',
    nextAttemptAt: d.nextAttemptAt ?? '',
    deadline: d.deadline,
    deadlineMissed: d.deadlineMissed,
    queuedAt: d.queuedAt,
    fetchedAt: d.fetchedAt ?? '',
    acknowledgedAt: d.acknowledgedAt ?? '',
    ackResult: d.ackResult ?? '',
    ackReason: d.ackReason ?? '',
    bodySha256: d.package.bodySha256,
    bodySize: d.package.bodySize,
    route: d.route,
    routeVia: [...d.via],
    version: d.version,
    statuses: 'statuses' in d ? [...d.statuses] : [],
    signatureVerdict: d.package.signatureVerdict ?? '',
    traceparent: ('trace' in d ? d.trace?.traceparent : undefined) ?? '',
  };
}
