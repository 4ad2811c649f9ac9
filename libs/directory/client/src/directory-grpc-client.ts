import { Metadata, loadPackageDefinition, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DIRECTORY_PROTO, refusalOf } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';
import { internalChannelCredentials, type TlsIdentity } from '@vdx/pki';

/** A failed directory call with the service's stable error code (`DIRECTORY.UNKNOWN_AGENCY`, …). */
export class DirectoryCallError extends CallError {
  override readonly name = 'DirectoryCallError';
}

type Unary = (req: object, metadata: Metadata, options: object, cb: (err: ServiceError | null, res: unknown) => void) => void;

/**
 * Calls `vdx.directory.v1.DirectoryService` with promises; methods take and return plain objects
 * (camelCase fields). Over mutual TLS only: `identity` is the caller's certificate (a service's
 * or an operator's, issued by the axis CA), and the server must prove it is
 * `urn:vdx:service:directory`; channel credentials of one's own are for tests of refusals.
 */
export class DirectoryClient {
  private readonly client: Client & Record<string, Unary>;

  constructor(url: string, identity: TlsIdentity | ChannelCredentials) {
    const creds = 'certPem' in identity ? internalChannelCredentials(identity, 'directory') : identity;
    const definition = loadSync(DIRECTORY_PROTO.file, { includeDirs: [DIRECTORY_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    const pkg = loadPackageDefinition(definition) as unknown as { vdx: { directory: { v1: { DirectoryService: new (url: string, c: ChannelCredentials) => Client & Record<string, Unary> } } } };
    this.client = new pkg.vdx.directory.v1.DirectoryService(url, creds);
  }

  /** Calls `method` with `request`; rejects with DirectoryCallError carrying the service's code. */
  call<T = Record<string, unknown>>(method: string, request: object, timeoutMs = 60_000): Promise<T> {
    const fn = this.client[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`DirectoryService has no method ${method}`));
    return new Promise<T>((resolve, reject) => {
      fn.call(this.client, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (!err) return resolve(res as T);
        const { code, message, options } = refusalOf(err);
        reject(new DirectoryCallError(code, message, options));
      });
    });
  }

  /** Resolves once the channel is connected, or rejects after `timeoutMs`. */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.client.close();
  }
}
