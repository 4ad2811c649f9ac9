import type { ChannelCredentials } from '@grpc/grpc-js';
import { DIRECTORY_PROTO } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';
import type { DeepPartial, RequestOf, ResponseOf, UnaryMethodOf, directoryV1 } from '@vdx/contracts/grpc';
import { GrpcClient } from '@vdx/grpc-client';
import type { TlsIdentity } from '@vdx/pki';

/** A failed directory call with the service's stable error code (`DIRECTORY.UNKNOWN_AGENCY`, …). */
export class DirectoryCallError extends CallError {
  override readonly name = 'DirectoryCallError';
}

/** A method of `vdx.directory.v1.DirectoryService`, named as in the proto (`GetAgency`, `ListChanges`, …). */
export type DirectoryMethod = UnaryMethodOf<directoryV1.DirectoryService>;

/**
 * Calls `vdx.directory.v1.DirectoryService` with promises; methods take and return plain objects
 * (camelCase fields, the generated types of `@vdx/contracts/grpc`), built on `GrpcClient`. Over
 * mutual TLS only: `identity` is the caller's certificate (a service's or an operator's, issued
 * by the axis CA), and the server must prove it is `urn:vdx:service:directory`; channel
 * credentials of one's own are for tests of refusals.
 */
export class DirectoryClient {
  private readonly client: GrpcClient<directoryV1.DirectoryService, DirectoryCallError>;

  constructor(url: string, identity: TlsIdentity | ChannelCredentials) {
    this.client = new GrpcClient(DIRECTORY_PROTO, url, { security: 'certPem' in identity ? { identity, server: 'directory' } : identity, error: DirectoryCallError, timeoutMs: 60_000 });
  }


  /** A typed call: `rpc('GetAgency', { code })` resolves with a `directoryV1.Agency`. */
  rpc<M extends DirectoryMethod>(method: M, request: DeepPartial<RequestOf<directoryV1.DirectoryService, M>>, timeoutMs = 60_000): Promise<ResponseOf<directoryV1.DirectoryService, M>> {
    return this.client.unary(method, request, { timeoutMs });
  }

  /** Resolves once the channel is connected, or rejects after `timeoutMs`. */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return this.client.waitForReady(timeoutMs);
  }

  close(): void {
    this.client.close();
  }
}
