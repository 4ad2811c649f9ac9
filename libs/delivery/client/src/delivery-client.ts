import { Metadata, loadPackageDefinition, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DELIVERY_PROTO, refusalOf } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';
import { internalChannelCredentials, type TlsIdentity } from '@vdx/pki';

/** A failed delivery call with the service's stable code (`DELIVERY.NOT_FETCHED`, …). */
export class DeliveryCallError extends CallError {
  override readonly name = 'DeliveryCallError';
}

/** `vdx.delivery.v1.Delivery` as proto-loader decodes it. */
export interface DeliveryMessage {
  deliveryId: string;
  packageId: string;
  kind: string;
  senderCode: string;
  recipientCode: string;
  deliverToCode: string;
  systemId: string;
  documentId: string;
  statusCode: string;
  subject: string;
  state: string;
  attempts: number;
  lastError: string;
  nextAttemptAt: string;
  deadline: string;
  deadlineMissed: boolean;
  queuedAt: string;
  fetchedAt: string;
  acknowledgedAt: string;
  ackResult: string;
  ackReason: string;
  bodySha256: string;
  bodySize: number;
  route: string;
  routeVia: string[];
  version: number;
  statuses: { code: string; at: string; description: string; packageId: string }[];
  signatureVerdict: string;
  /** W3C traceparent of the send that queued it (empty from a service that does not keep it). */
  traceparent?: string;
}

type Unary = (req: object, metadata: Metadata, options: object, cb: (err: ServiceError | null, res: unknown) => void) => void;

/**
 * Calls the delivery service's internal API with promises (the gateway and the `vdx` CLI use it).
 * Over mutual TLS only: `identity` is the caller's certificate (the gateway's, an operator's),
 * and the server must prove it is `urn:vdx:service:delivery`; channel credentials of one's own
 * are for tests of refusals.
 */
export class DeliveryClient {
  private readonly client: Client & Record<string, Unary>;

  constructor(url: string, identity: TlsIdentity | ChannelCredentials) {
    const creds = 'certPem' in identity ? internalChannelCredentials(identity, 'delivery') : identity;
    const definition = loadSync(DELIVERY_PROTO.file, { includeDirs: [DELIVERY_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    const pkg = loadPackageDefinition(definition) as unknown as { vdx: { delivery: { v1: { DeliveryService: new (u: string, c: ChannelCredentials) => Client & Record<string, Unary> } } } };
    this.client = new pkg.vdx.delivery.v1.DeliveryService(url, creds);
  }

  call<T>(method: string, request: object, timeoutMs = 30_000): Promise<T> {
    const fn = this.client[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`DeliveryService has no method ${method}`));
    return new Promise<T>((resolve, reject) => {
      fn.call(this.client, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (!err) return resolve(res as T);
        const { code, message, options } = refusalOf(err);
        reject(new DeliveryCallError(code, message, options));
      });
    });
  }

  listInbox(req: { recipientCodes?: string[]; deliverToCodes?: string[]; kind?: string; states?: string[]; pageSize?: number; pageToken?: string }) {
    return this.call<{ deliveries: DeliveryMessage[]; nextPageToken: string }>('ListInbox', req);
  }

  get(deliveryId: string) {
    return this.call<DeliveryMessage>('GetDelivery', { deliveryId });
  }

  fetch(deliveryId: string, systemId: string) {
    return this.call<DeliveryMessage>('Fetch', { deliveryId, systemId });
  }

  acknowledge(deliveryId: string, systemId: string, result: string, reason: string) {
    return this.call<DeliveryMessage>('Acknowledge', { deliveryId, systemId, result, reason });
  }

  ofPackage(packageId: string) {
    return this.call<{ deliveries: DeliveryMessage[] }>('ListPackageDeliveries', { packageId });
  }

  listDead(limit: number) {
    return this.call<{ deliveries: DeliveryMessage[] }>('ListDead', { limit });
  }

  redrive(deliveryId: string, operator: string) {
    return this.call<DeliveryMessage>('Redrive', { deliveryId, operator });
  }

  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.client.close();
  }
}
