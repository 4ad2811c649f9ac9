import type { ChannelCredentials } from '@grpc/grpc-js';
import { DELIVERY_PROTO } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';
import type { DeepPartial, deliveryV1 } from '@vdx/contracts/grpc';
import { GrpcClient } from '@vdx/grpc-client';
import type { TlsIdentity } from '@vdx/pki';

/** A failed delivery call with the service's stable code (`DELIVERY.NOT_FETCHED`, …). */
export class DeliveryCallError extends CallError {
  override readonly name = 'DeliveryCallError';
}

/**
 * `vdx.delivery.v1.Delivery` as proto-loader decodes it (the generated type); `traceparent` is
 * optional here: a service that does not keep it sends none (and fakes leave it out).
 */
export type DeliveryMessage = Omit<deliveryV1.Delivery, 'traceparent'> & { traceparent?: string };

/** A page of deliveries: `vdx.delivery.v1.DeliveryPage` (the generated type) of {@link DeliveryMessage}s. */
export type DeliveryPage = Omit<deliveryV1.DeliveryPage, 'deliveries'> & { deliveries: DeliveryMessage[] };

/**
 * Calls the delivery service's internal API with promises (the gateway and the `vdx` CLI use it).
 * Over mutual TLS only: `identity` is the caller's certificate (the gateway's, an operator's),
 * and the server must prove it is `urn:vdx:service:delivery`; channel credentials of one's own
 * are for tests of refusals.
 */
export class DeliveryClient {
  private readonly client: GrpcClient<deliveryV1.DeliveryService, DeliveryCallError>;

  constructor(url: string, identity: TlsIdentity | ChannelCredentials) {
    this.client = new GrpcClient(DELIVERY_PROTO, url, { security: 'certPem' in identity ? { identity, server: 'delivery' } : identity, error: DeliveryCallError, timeoutMs: 30_000 });
  }


  listInbox(req: DeepPartial<deliveryV1.ListInboxRequest>): Promise<DeliveryPage> {
    return this.client.unary('ListInbox', req);
  }

  get(deliveryId: string): Promise<DeliveryMessage> {
    return this.client.unary('GetDelivery', { deliveryId });
  }

  fetch(deliveryId: string, systemId: string): Promise<DeliveryMessage> {
    return this.client.unary('Fetch', { deliveryId, systemId });
  }

  acknowledge(deliveryId: string, systemId: string, result: string, reason: string): Promise<DeliveryMessage> {
    return this.client.unary('Acknowledge', { deliveryId, systemId, result, reason });
  }

  ofPackage(packageId: string): Promise<DeliveryPage> {
    return this.client.unary('ListPackageDeliveries', { packageId });
  }

  /** A page of the dead-lettered deliveries after `pageToken` (the previous page's `nextPageToken`, empty for the first). */
  listDead(limit: number, pageToken = ''): Promise<DeliveryPage> {
    return this.client.unary('ListDead', { limit, pageToken });
  }

  redrive(deliveryId: string, operator: string): Promise<DeliveryMessage> {
    return this.client.unary('Redrive', { deliveryId, operator });
  }

  waitForReady(timeoutMs: number): Promise<void> {
    return this.client.waitForReady(timeoutMs);
  }

  close(): void {
    this.client.close();
  }
}
