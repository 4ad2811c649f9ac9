import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { AGENCY_ENDPOINT_PROTO } from '@vdx/contracts';
import { CallError, type CallErrorOptions } from '@vdx/contracts/errors';
import { inboxItemOf, type exchangeV1 } from '@vdx/contracts/grpc';
import type { Delivery } from '@vdx/delivery-domain';
import { GrpcClient } from '@vdx/grpc-client';

/**
 * A push the endpoint refused or never answered: its code (`GRPC.<status>` unless the endpoint
 * sent one of ours) and a message that starts with the gRPC status, as the delivery records it
 * as the attempt's error (`14 No connection established`).
 */
export class PushCallError extends CallError {
  override readonly name = 'PushCallError';

  constructor(code: string, message: string, options: CallErrorOptions) {
    super(code, `${options.grpcStatus} ${message}`, options);
  }
}

/** `host:port` and `grpc://` are plain HTTP/2 (inside a trusted network); `grpcs://`/`https://` use TLS. */
export function channelOf(endpoint: string): { target: string; creds: ChannelCredentials } {
  const m = /^(grpcs?|https?):\/\/([^/]+)/.exec(endpoint);
  if (!m) return { target: endpoint, creds: credentials.createInsecure() };
  const secure = m[1] === 'grpcs' || m[1] === 'https';
  return { target: m[2]!, creds: secure ? credentials.createSsl() : credentials.createInsecure() };
}


/**
 * Pushes one delivery to its system's endpoint: the item, then the body in chunks. Resolves
 * when the endpoint answers OK; rejects on an error, a refused connection or the deadline.
 */
export async function pushDelivery(delivery: Delivery, body: AsyncIterable<Uint8Array>, timeoutMs: number): Promise<void> {
  const { target, creds } = channelOf(delivery.endpoint ?? '');
  const client = new GrpcClient<exchangeV1.AgencyEndpoint, PushCallError>(AGENCY_ENDPOINT_PROTO, target, { security: creds, error: PushCallError, timeoutMs });
  try {
    await client.clientStream('Deliver', async (call) => {
      call.write({ item: inboxItemOf(delivery) });
      for await (const chunk of body) {
        if (!call.write({ chunk })) await new Promise((r) => call.once('drain', r));
      }
    });
  } finally {
    client.close();
  }
}
