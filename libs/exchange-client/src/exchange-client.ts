import { Metadata, credentials, loadPackageDefinition, type Client, type ClientReadableStream, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { EXCHANGE_PROTO, HEALTH_PROTO, refusalOf } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';

/**
 * A failed exchange call with the axis's stable error code (`EXCHANGE.NOT_AUTHORISED`, …), the
 * field at fault (`path`), the gRPC status, and the rich error details (google.rpc.ErrorInfo)
 * the axis sent (`details`).
 */
export class ExchangeCallError extends CallError {
  override readonly name = 'ExchangeCallError';
}

/** The connected system's credentials: its client certificate and key, and the axis CA. */
export interface ClientTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface SendOptions {
  readonly senderCode: string;
  readonly kind: 'edoc' | 'status';
  /** Your own id for this send: a resend with the same id returns the first receipt. */
  readonly clientRef?: string;
  /** The recipients (canonical codes), instead of the package's own To (or ResponseFor); absent or empty: the package decides. */
  readonly recipientCodes?: readonly string[];
  /** Bytes per chunk message (default 256 KiB; at most 1 MiB). */
  readonly chunkBytes?: number;
  /** Put bodies up to this size in the header message (default 64 KiB). */
  readonly inlineBytes?: number;
  /** W3C `traceparent` of the caller's own trace: the axis continues it through every hop. */
  readonly traceparent?: string;
}

export interface Finding {
  readonly code: string;
  readonly path: string;
  readonly severity: string;
  readonly message: string;
}

export interface SendReceipt {
  readonly packageId: string;
  readonly outcome: 'accepted' | 'rejected';
  readonly duplicate: boolean;
  readonly bodySha256: string;
  readonly bodySize: number;
  readonly acceptedAt: string;
  readonly recipientCodes: string[];
  readonly warnings: Finding[];
  readonly errorCode: string;
  readonly reason: string;
  readonly findings: Finding[];
}

type Callback = (err: ServiceError | null, res: unknown) => void;
type ExchangeStub = Client & {
  SendPackage(metadata: Metadata, options: object, cb: Callback): ClientWritableStream<object>;
  ListInbox(req: object, metadata: Metadata, options: object, cb: Callback): void;
  Acknowledge(req: object, metadata: Metadata, options: object, cb: Callback): void;
  GetTrace(req: object, metadata: Metadata, options: object, cb: Callback): void;
  FetchPackage(req: object, metadata: Metadata, options: object): ClientReadableStream<{ data: Buffer }>;
  WatchInbox(req: object, metadata: Metadata, options: object): ClientReadableStream<InboxItem>;
};

/** One delivery in an inbox (`vdx.exchange.v1.InboxItem`). */
export interface InboxItem {
  readonly deliveryId: string;
  readonly packageId: string;
  readonly kind: string;
  readonly senderCode: string;
  readonly recipientCode: string;
  readonly documentId: string;
  readonly statusCode: string;
  readonly subject: string;
  readonly state: string;
  readonly queuedAt: string;
  readonly bodySize: number;
  readonly bodySha256: string;
  readonly route: string;
  readonly routeVia: string[];
  /** The axis's verdict on the package's signatures (`valid`, `invalid`, `indeterminate`, `unsigned`, `not-performed`). */
  readonly signatureVerdict: string;
}

export interface RecipientTrace {
  readonly recipientCode: string;
  readonly deliveredTo: string;
  readonly route: string;
  readonly routeVia: string[];
  readonly transportState: string;
  readonly statuses: { code: string; at: string; description: string }[];
}

export interface Trace {
  readonly packageId: string;
  readonly senderCode: string;
  readonly documentId: string;
  /** The furthest stage reached: accepted, rejected, verified, signatureRejected, routed, routingRejected. */
  readonly stage: string;
  readonly events: { at: string; type: string; detail: string }[];
  readonly errorCode: string;
  readonly reason: string;
  readonly unroutable: { requestedCode: string; errorCode: string; reason: string }[];
  /** The signature service's verdict; null until it decided (optional: older gateways do not send it). */
  readonly signature?: SignatureTrace | null;
  readonly recipients: RecipientTrace[];
}

export interface SignatureTrace {
  /** `integrity/1` or `cryptographic/1`. */
  readonly verifier: string;
  /** `not-performed`, `valid`, `invalid`, `unknown` or `unsigned`; empty when the package was refused. */
  readonly cryptographic: string;
  readonly checks: { name: string; result: string; detail: string }[];
  /** `sha256:<hex>` of the evidence record, when one was kept. */
  readonly evidence: string;
}
type HealthStub = Client & { Check(req: object, metadata: Metadata, options: object, cb: Callback): void };

const loaderOptions = { includeDirs: [EXCHANGE_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

function callError(err: ServiceError): ExchangeCallError {
  const { code, message, options } = refusalOf(err);
  return new ExchangeCallError(code, message, options);
}

/**
 * A connected system's client of `vdx.exchange.v1` over mutual TLS, with promises and plain
 * objects. The reference agency client and the tests use it; integrators can copy it.
 */
export class ExchangeClient {
  private readonly exchange: ExchangeStub;
  private readonly health: HealthStub;

  constructor(url: string, tls: ClientTls) {
    const creds = credentials.createSsl(Buffer.from(tls.caPem), Buffer.from(tls.keyPem), Buffer.from(tls.certPem));
    const pkg = loadPackageDefinition(loadSync([EXCHANGE_PROTO.file, HEALTH_PROTO.file], loaderOptions)) as unknown as {
      vdx: { exchange: { v1: { ExchangeService: new (u: string, c: typeof creds) => ExchangeStub } } };
      grpc: { health: { v1: { Health: new (u: string, c: typeof creds) => HealthStub } } };
    };
    this.exchange = new pkg.vdx.exchange.v1.ExchangeService(url, creds);
    this.health = new pkg.grpc.health.v1.Health(url, creds);
  }

  /** Sends one package (its whole edXML body) and resolves with the axis's receipt. */
  sendPackage(body: Uint8Array, opts: SendOptions, timeoutMs = 120_000): Promise<SendReceipt> {
    const chunkBytes = Math.min(opts.chunkBytes ?? 256 * 1024, 1024 * 1024);
    const inline = body.byteLength <= (opts.inlineBytes ?? 64 * 1024);
    return new Promise<SendReceipt>((resolve, reject) => {
      const metadata = new Metadata();
      if (opts.traceparent) metadata.set('traceparent', opts.traceparent);
      const call = this.exchange.SendPackage(metadata, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(callError(err)) : resolve(res as SendReceipt)));
      call.on('error', () => undefined); // the callback reports it
      const header = { senderCode: opts.senderCode, kind: opts.kind, clientRef: opts.clientRef ?? '', bodySize: body.byteLength, ...(opts.recipientCodes?.length ? { recipientCodes: [...opts.recipientCodes] } : {}), ...(inline ? { body } : {}) };
      call.write({ header });
      if (!inline) for (let i = 0; i < body.byteLength; i += chunkBytes) call.write({ chunk: body.subarray(i, i + chunkBytes) });
      call.end();
    });
  }

  private unary<T>(method: 'ListInbox' | 'Acknowledge' | 'GetTrace', req: object, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.exchange[method](req, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(callError(err)) : resolve(res as T))),
    );
  }

  /** The inbox of one agency the system acts for, or (no agency) everything the system receives. */
  /** A page of the inbox; `timeoutMs` (default 30 s) bounds the call. */
  listInbox(req: { agencyCode?: string; kind?: string; state?: string; pageSize?: number; pageToken?: string } = {}, timeoutMs = 30_000): Promise<{ items: InboxItem[]; nextPageToken: string }> {
    return this.unary('ListInbox', req, timeoutMs);
  }

  /** Downloads a delivery's body (this records the fetch). */
  async fetchPackage(deliveryId: string, timeoutMs = 120_000): Promise<Buffer> {
    const stream = this.exchange.FetchPackage({ deliveryId }, new Metadata(), { deadline: Date.now() + timeoutMs });
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push((chunk as { data: Buffer }).data);
    } catch (err) {
      throw callError(err as ServiceError);
    }
    return Buffer.concat(chunks);
  }

  /** Confirms a fetched delivery: `done` (taken in) or `fail` with a reason. */
  acknowledge(deliveryId: string, result: 'done' | 'fail', reason = ''): Promise<{ deliveryId: string; state: string }> {
    return this.unary('Acknowledge', { deliveryId, result, reason });
  }

  /** Each recipient's transport state for a package the system's agency sent. */
  getTrace(packageId: string): Promise<Trace> {
    return this.unary('GetTrace', { packageId });
  }

  /** New inbox items as they arrive; cancel the returned stream to stop. */
  watchInbox(req: { agencyCode?: string; includeExisting?: boolean }, onItem: (item: InboxItem) => void, onError: (err: ExchangeCallError) => void): { cancel(): void } {
    const stream = this.exchange.WatchInbox(req, new Metadata(), {});
    stream.on('data', (item: InboxItem) => onItem(item));
    stream.on('error', (err: ServiceError) => {
      if (err.code !== 1) onError(callError(err)); // 1 = CANCELLED, by us
    });
    return { cancel: () => stream.cancel() };
  }

  /** The gateway's `grpc.health.v1` status: SERVING or NOT_SERVING. */
  checkHealth(timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) =>
      this.health.Check({ service: '' }, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(callError(err)) : resolve((res as { status: string }).status))),
    );
  }

  close(): void {
    this.exchange.close();
    this.health.close();
  }
}
