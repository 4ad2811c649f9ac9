import { Metadata, credentials, loadPackageDefinition, type Client, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { EXCHANGE_PROTO, HEALTH_PROTO } from '@vdx/contracts';

/** A failed exchange call with the axis's stable error code (`EXCHANGE.NOT_AUTHORISED`, …). */
export class ExchangeCallError extends Error {
  override readonly name = 'ExchangeCallError';
  constructor(
    readonly code: string,
    readonly path: string,
    readonly grpcStatus: number,
    message: string,
  ) {
    super(message);
  }
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
  /** Bytes per chunk message (default 256 KiB; at most 1 MiB). */
  readonly chunkBytes?: number;
  /** Put bodies up to this size in the header message (default 64 KiB). */
  readonly inlineBytes?: number;
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
};
type HealthStub = Client & { Check(req: object, metadata: Metadata, options: object, cb: Callback): void };

const loaderOptions = { includeDirs: [EXCHANGE_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

function callError(err: ServiceError): ExchangeCallError {
  const code = err.metadata?.get('vdx-error-code')[0]?.toString() ?? `GRPC.${err.code}`;
  const path = err.metadata?.get('vdx-error-path')[0]?.toString() ?? '';
  return new ExchangeCallError(code, path, err.code, err.details || err.message);
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
      const call = this.exchange.SendPackage(new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(callError(err)) : resolve(res as SendReceipt)));
      call.on('error', () => undefined); // the callback reports it
      const header = { senderCode: opts.senderCode, kind: opts.kind, clientRef: opts.clientRef ?? '', bodySize: body.byteLength, ...(inline ? { body } : {}) };
      call.write({ header });
      if (!inline) for (let i = 0; i < body.byteLength; i += chunkBytes) call.write({ chunk: body.subarray(i, i + chunkBytes) });
      call.end();
    });
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
