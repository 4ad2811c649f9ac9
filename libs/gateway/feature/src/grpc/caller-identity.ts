import type { ServerUnaryCall } from '@grpc/grpc-js';
import { certificateFingerprint, systemIdOf } from '@vdx/pki';
import { ExchangeError } from '../intake/exchange.error';
import type { CallerIdentity } from '../intake/package-intake';

/**
 * The connected system behind a call, from the client certificate of its mutual-TLS
 * connection (the server only accepts certificates its CA issued).
 */
export function callerOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>): CallerIdentity {
  const raw = call.getAuthContext().sslPeerCertificate?.raw;
  if (!raw || raw.length === 0) throw new ExchangeError('EXCHANGE.UNAUTHENTICATED', 'the call carries no client certificate; connect with mutual TLS');
  const systemId = systemIdOf(raw);
  if (!systemId) throw new ExchangeError('EXCHANGE.UNAUTHENTICATED', 'the client certificate names no system (no urn:vdx:system URI, no CN)');
  return { fingerprint: certificateFingerprint(raw), systemId };
}
