import { Metadata, credentials, loadPackageDefinition, type ChannelCredentials, type Client, type ClientReadableStream, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { refusalOf } from '@vdx/contracts';
import { CallError, type CallErrorOptions } from '@vdx/contracts/errors';
import type { ClientStreamMethodOf, DeepPartial, RequestOf, ResponseOf, ServerStreamMethodOf, UnaryMethodOf } from '@vdx/contracts/grpc';
import { internalChannelCredentials, type TlsIdentity } from '@vdx/pki';

/** Where a service's proto is (`EXCHANGE_PROTO`, `DELIVERY_PROTO`, … of `@vdx/contracts`). */
export interface ServiceProto {
  readonly root: string;
  readonly file: string;
  readonly package: string;
  readonly service: string;
}

/** The connected system's credentials for the public exchange API: its client certificate and key, and the axis CA. */
export interface ClientTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * How a client proves itself and checks the server:
 * - `{ identity, server }`: internal mutual TLS (docs/adr/0024-internal-mtls.md); the server must
 *   present `urn:vdx:service:<server>`;
 * - `{ tls }`: mutual TLS with the axis CA and the usual host-name check (a connected system);
 * - `ChannelCredentials` of one's own (tests of refusals, a push endpoint's plain or TLS channel).
 */
export type ChannelSecurity = { readonly identity: TlsIdentity; readonly server: string } | { readonly tls: ClientTls } | ChannelCredentials;

/** The class a client's refusals are raised as: `CallError` or a subclass named for its service. */
export type CallErrorClass<E extends CallError> = new (code: string, message: string, options: CallErrorOptions) => E;

export interface GrpcClientOptions<E extends CallError> {
  readonly security: ChannelSecurity;
  /** What a refused call rejects with (default `CallError`). */
  readonly error?: CallErrorClass<E>;
  /** Deadline of a call that names none (default 30 s); `0` for none. */
  readonly timeoutMs?: number;
}

export interface CallOptions {
  /** This call's deadline in ms from now; `0` for none. Default: the client's. */
  readonly timeoutMs?: number;
  /** Request metadata (e.g. `traceparent`); entries whose value is undefined or empty are left out. */
  readonly metadata?: Readonly<Record<string, string | undefined>>;
}

/** The proto-loader options every gRPC client of the project loads its proto with. */
export const CLIENT_LOADER_OPTIONS: Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

type Callback = (err: ServiceError | null, res: unknown) => void;
type Stub = Client & Record<string, unknown>;
type StubConstructor = new (target: string, creds: ChannelCredentials) => Stub;

const constructors = new Map<string, StubConstructor>();

function stubConstructor(proto: ServiceProto): StubConstructor {
  const key = `${proto.root}|${proto.file}|${proto.package}.${proto.service}`;
  let ctor = constructors.get(key);
  if (!ctor) {
    const pkg = loadPackageDefinition(loadSync(proto.file, { ...CLIENT_LOADER_OPTIONS, includeDirs: [proto.root] }));
    const found = `${proto.package}.${proto.service}`.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], pkg);
    if (typeof found !== 'function') throw new Error(`${proto.file} has no service ${proto.package}.${proto.service}`);
    ctor = found as StubConstructor;
    constructors.set(key, ctor);
  }
  return ctor;
}

/** The channel credentials of `security`. */
export function channelCredentials(security: ChannelSecurity): ChannelCredentials {
  if ('identity' in security) return internalChannelCredentials(security.identity, security.server);
  if ('tls' in security) return credentials.createSsl(Buffer.from(security.tls.caPem), Buffer.from(security.tls.keyPem), Buffer.from(security.tls.certPem));
  return security;
}

/**
 * A typed client of one gRPC service, the one base of the project's clients (`ExchangeClient`,
 * `DeliveryClient`, `DirectoryClient`, the push client): it loads the proto once per process,
 * builds the channel credentials, sets each call's deadline and metadata, and turns every failed
 * call into the client's {@link CallError} class with the service's stable code (`refusalOf`).
 * `S` is the generated service interface of `@vdx/contracts/grpc` (`exchangeV1.ExchangeService`);
 * methods are named as in the proto (`ListInbox`), and each kind of call takes only the methods
 * of its kind.
 */
export class GrpcClient<S, E extends CallError = CallError> {
  private readonly stub: Stub;
  private readonly errorClass: CallErrorClass<E>;
  private readonly timeoutMs: number;
  private readonly service: string;

  constructor(proto: ServiceProto, target: string, options: GrpcClientOptions<E>) {
    this.stub = new (stubConstructor(proto))(target, channelCredentials(options.security));
    this.errorClass = options.error ?? (CallError as unknown as CallErrorClass<E>);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.service = proto.service;
  }

  /** The client's error for a failed call: the code and path the service sent, else `GRPC.<status>`. */
  failure(err: ServiceError): E {
    const { code, message, options } = refusalOf(err);
    return new this.errorClass(code, message, options);
  }

  /** One request, one response. */
  unary<M extends UnaryMethodOf<S>>(method: M, request: DeepPartial<RequestOf<S, M>>, options: CallOptions = {}): Promise<ResponseOf<S, M>> {
    return this.unaryByName<ResponseOf<S, M>>(method, request as object, options);
  }

  /**
   * A unary call by its proto (or camelCase) name, for callers that pick the method at run time
   * (tests of refusals). An unknown method rejects with `GRPC.12` (UNIMPLEMENTED).
   */
  unaryByName<T>(method: string, request: object, options: CallOptions = {}): Promise<T> {
    const fn = this.method(method);
    if (!fn) return Promise.reject(this.noMethod(method));
    return new Promise<T>((resolve, reject) => {
      (fn as (req: object, md: Metadata, opts: object, cb: Callback) => void).call(this.stub, request, this.metadata(options), this.callOptions(options), (err, res) => (err ? reject(this.failure(err)) : resolve(res as T)));
    });
  }

  /**
   * A stream of requests and one response: `write` sends the messages (the call is ended after
   * it resolves; if it throws, the call is cancelled and the promise rejects with its error).
   */
  clientStream<M extends ClientStreamMethodOf<S>>(method: M, write: (call: ClientWritableStream<DeepPartial<RequestOf<S, M>>>) => void | Promise<void>, options: CallOptions = {}): Promise<ResponseOf<S, M>> {
    const fn = this.method(method);
    if (!fn) return Promise.reject(this.noMethod(method));
    return new Promise<ResponseOf<S, M>>((resolve, reject) => {
      const call = (fn as (md: Metadata, opts: object, cb: Callback) => ClientWritableStream<DeepPartial<RequestOf<S, M>>>).call(this.stub, this.metadata(options), this.callOptions(options), (err, res) =>
        err ? reject(this.failure(err)) : resolve(res as ResponseOf<S, M>),
      );
      call.on('error', () => undefined); // the callback reports it
      void (async () => {
        try {
          await write(call);
          call.end();
        } catch (err) {
          call.cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      })();
    });
  }

  /**
   * One request, a stream of responses. Iterate it with {@link GrpcClient.messages} (errors
   * become the client's error class) or listen to it (`data`, `error` through
   * {@link GrpcClient.failure}); `cancel()` stops it.
   */
  serverStream<M extends ServerStreamMethodOf<S>>(method: M, request: DeepPartial<RequestOf<S, M>>, options: CallOptions = {}): ClientReadableStream<ResponseOf<S, M>> {
    const fn = this.method(method);
    if (!fn) throw this.noMethod(method);
    return (fn as (req: object, md: Metadata, opts: object) => ClientReadableStream<ResponseOf<S, M>>).call(this.stub, request as object, this.metadata(options), this.callOptions(options));
  }

  /** Every message of a server stream, in order; a failed call throws the client's error class. */
  async *messages<T>(stream: ClientReadableStream<T>): AsyncGenerator<T> {
    try {
      for await (const message of stream) yield message as T;
    } catch (err) {
      throw isServiceError(err) ? this.failure(err) : err;
    }
  }

  /** Resolves once the channel is connected, or rejects after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.stub.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.stub.close();
  }

  private method(name: string): ((...args: never[]) => unknown) | undefined {
    const fn = this.stub[name];
    return typeof fn === 'function' ? (fn as (...args: never[]) => unknown) : undefined;
  }

  private noMethod(method: string): E {
    return new this.errorClass('GRPC.12', `${this.service} has no method ${method}`, { grpcStatus: 12, path: 'method' });
  }

  private metadata(options: CallOptions): Metadata {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(options.metadata ?? {})) if (value) metadata.set(key, value);
    return metadata;
  }

  private callOptions(options: CallOptions): { deadline?: number } {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
  }
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'metadata' in err;
}
