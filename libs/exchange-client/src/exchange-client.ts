import type { ServiceError } from '@grpc/grpc-js';
import { EXCHANGE_PROTO, HEALTH_PROTO } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';
import type { DeepPartial, exchangeV1, healthV1 } from '@vdx/contracts/grpc';
import { GrpcClient, type ClientTls } from '@vdx/grpc-client';

export type { ClientTls } from '@vdx/grpc-client';

/**
 * A failed exchange call with the axis's stable error code (`EXCHANGE.NOT_AUTHORISED`, …), the
 * field at fault (`path`), the gRPC status, and the rich error details (google.rpc.ErrorInfo)
 * the axis sent (`details`).
 */
export class ExchangeCallError extends CallError {
  override readonly name = 'ExchangeCallError';
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

/** A finding of the axis's checks on a package (`vdx.exchange.v1.Finding`). */
export type Finding = Readonly<exchangeV1.Finding>;

/** The axis's receipt for a send (`vdx.exchange.v1.SendReceipt`). */
export type SendReceipt = Readonly<Omit<exchangeV1.SendReceipt, 'outcome'>> & { readonly outcome: 'accepted' | 'rejected' };

/** One delivery in an inbox (`vdx.exchange.v1.InboxItem`); `signatureVerdict` is the axis's verdict on the package's signatures (`valid`, `invalid`, `unknown` for an indeterminate verdict, `unsigned`, `not-performed`). */
export type InboxItem = Readonly<exchangeV1.InboxItem>;

/** One recipient's transport state and business statuses (`vdx.exchange.v1.RecipientTrace`). */
export type RecipientTrace = Readonly<exchangeV1.RecipientTrace>;

/** The signature service's verdict (`vdx.exchange.v1.SignatureTrace`): `verifier` is `integrity/1` or `cryptographic/1`; `evidence` the `sha256:<hex>` of the evidence record, when one was kept. */
export type SignatureTrace = Readonly<exchangeV1.SignatureTrace>;

/**
 * A package's way through the axis (`vdx.exchange.v1.Trace`); `stage` is the furthest reached
 * (accepted, rejected, verified, signatureRejected, routed, routingRejected). `signature` is
 * null until the signature service decided (optional: older gateways do not send it).
 */
export type Trace = Readonly<Omit<exchangeV1.Trace, 'signature'>> & { readonly signature?: SignatureTrace | null };

/**
 * A connected system's client of `vdx.exchange.v1` over mutual TLS, with promises and plain
 * objects (the generated types of `@vdx/contracts/grpc`), built on `GrpcClient`. The reference
 * agency client and the tests use it; integrators can copy it.
 */
export class ExchangeClient {
  private readonly exchange: GrpcClient<exchangeV1.ExchangeService, ExchangeCallError>;
  private readonly health: GrpcClient<healthV1.Health, ExchangeCallError>;

  constructor(url: string, tls: ClientTls) {
    this.exchange = new GrpcClient(EXCHANGE_PROTO, url, { security: { tls }, error: ExchangeCallError });
    this.health = new GrpcClient(HEALTH_PROTO, url, { security: { tls }, error: ExchangeCallError, timeoutMs: 5000 });
  }

  /** Sends one package (its whole edXML body) and resolves with the axis's receipt. */
  async sendPackage(body: Uint8Array, opts: SendOptions, timeoutMs = 120_000): Promise<SendReceipt> {
    const chunkBytes = Math.min(opts.chunkBytes ?? 256 * 1024, 1024 * 1024);
    const inline = body.byteLength <= (opts.inlineBytes ?? 64 * 1024);
    const header = { senderCode: opts.senderCode, kind: opts.kind, clientRef: opts.clientRef ?? '', bodySize: body.byteLength, ...(opts.recipientCodes?.length ? { recipientCodes: [...opts.recipientCodes] } : {}), ...(inline ? { body } : {}) };
    const receipt = await this.exchange.clientStream(
      'SendPackage',
      (call) => {
        call.write({ header });
        if (!inline) for (let i = 0; i < body.byteLength; i += chunkBytes) call.write({ chunk: body.subarray(i, i + chunkBytes) });
      },
      { timeoutMs, metadata: { traceparent: opts.traceparent } },
    );
    return receipt as SendReceipt;
  }

  /**
   * A page of the inbox of one agency the system acts for, or (no agency) of everything the
   * system receives; `timeoutMs` (default 30 s) bounds the call.
   */
  listInbox(req: DeepPartial<exchangeV1.ListInboxRequest> = {}, timeoutMs = 30_000): Promise<{ items: InboxItem[]; nextPageToken: string }> {
    return this.exchange.unary('ListInbox', req, { timeoutMs });
  }

  /** Downloads a delivery's body (this records the fetch). */
  async fetchPackage(deliveryId: string, timeoutMs = 120_000): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.exchange.messages(this.exchange.serverStream('FetchPackage', { deliveryId }, { timeoutMs }))) chunks.push(chunk.data);
    return Buffer.concat(chunks);
  }

  /** Confirms a fetched delivery: `done` (taken in) or `fail` with a reason. */
  acknowledge(deliveryId: string, result: 'done' | 'fail', reason = ''): Promise<exchangeV1.AcknowledgeResponse> {
    return this.exchange.unary('Acknowledge', { deliveryId, result, reason });
  }

  /** Each recipient's transport state for a package the system's agency sent. */
  async getTrace(packageId: string): Promise<Trace> {
    return (await this.exchange.unary('GetTrace', { packageId })) as Trace;
  }

  /** New inbox items as they arrive; cancel the returned stream to stop. */
  watchInbox(req: DeepPartial<exchangeV1.WatchInboxRequest>, onItem: (item: InboxItem) => void, onError: (err: ExchangeCallError) => void): { cancel(): void } {
    const stream = this.exchange.serverStream('WatchInbox', req, { timeoutMs: 0 });
    stream.on('data', (item: InboxItem) => onItem(item));
    stream.on('error', (err: ServiceError) => {
      if (err.code !== 1) onError(this.exchange.failure(err)); // 1 = CANCELLED, by us
    });
    return { cancel: () => stream.cancel() };
  }

  /** The gateway's `grpc.health.v1` status: SERVING or NOT_SERVING. */
  async checkHealth(timeoutMs = 5000): Promise<string> {
    return (await this.health.unary('Check', { service: '' }, { timeoutMs })).status;
  }

  close(): void {
    this.exchange.close();
    this.health.close();
  }
}
