import { Metadata, credentials, loadPackageDefinition, type ChannelCredentials, type Client, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { EXCHANGE_PROTO } from '@vdx/contracts';
import type { Delivery } from '@vdx/delivery-domain';

type Stub = Client & { Deliver(metadata: Metadata, options: object, cb: (err: ServiceError | null, res: unknown) => void): ClientWritableStream<object> };
type StubConstructor = new (url: string, creds: ChannelCredentials) => Stub;

let constructor: StubConstructor | undefined;
function stubConstructor(): StubConstructor {
  if (!constructor) {
    const definition = loadSync(EXCHANGE_PROTO.file, { includeDirs: [EXCHANGE_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    constructor = (loadPackageDefinition(definition) as unknown as { vdx: { exchange: { v1: { AgencyEndpoint: StubConstructor } } } }).vdx.exchange.v1.AgencyEndpoint;
  }
  return constructor;
}

/** `host:port` and `grpc://` are plain HTTP/2 (inside a trusted network); `grpcs://`/`https://` use TLS. */
export function channelOf(endpoint: string): { target: string; creds: ChannelCredentials } {
  const m = /^(grpcs?|https?):\/\/([^/]+)/.exec(endpoint);
  if (!m) return { target: endpoint, creds: credentials.createInsecure() };
  const secure = m[1] === 'grpcs' || m[1] === 'https';
  return { target: m[2]!, creds: secure ? credentials.createSsl() : credentials.createInsecure() };
}

/** The inbox item a push carries (`vdx.exchange.v1.InboxItem`). */
export function inboxItemOf(d: Delivery): Record<string, unknown> {
  return {
    deliveryId: d.deliveryId,
    packageId: d.packageId,
    kind: d.package.kind,
    senderCode: d.package.senderCode,
    recipientCode: d.recipientCode,
    documentId: d.package.documentId ?? '',
    statusCode: d.package.statusCode ?? '',
    subject: d.package.subject ?? '',
    state: d.state,
    queuedAt: d.queuedAt,
    bodySize: d.package.bodySize,
    bodySha256: d.package.bodySha256,
    route: d.route,
    routeVia: d.via,
    signatureVerdict: d.package.signatureVerdict ?? '',
  };
}

/**
 * Pushes one delivery to its system's endpoint: the item, then the body in chunks. Resolves
 * when the endpoint answers OK; rejects on an error, a refused connection or the deadline.
 */
export async function pushDelivery(delivery: Delivery, body: AsyncIterable<Uint8Array>, timeoutMs: number): Promise<void> {
  const { target, creds } = channelOf(delivery.endpoint ?? '');
  const client = new (stubConstructor())(target, creds);
  try {
    await new Promise<void>((resolve, reject) => {
      const call = client.Deliver(new Metadata(), { deadline: Date.now() + timeoutMs }, (err) => (err ? reject(new Error(`${err.code} ${err.details || err.message}`)) : resolve()));
      call.on('error', () => undefined); // the callback reports it
      void (async () => {
        try {
          call.write({ item: inboxItemOf(delivery) });
          for await (const chunk of body) {
            if (!call.write({ chunk })) await new Promise((r) => call.once('drain', r));
          }
          call.end();
        } catch (err) {
          call.cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      })();
    });
  } finally {
    client.close();
  }
}
