import type { ServerUnaryCall } from '@grpc/grpc-js';
import { fingerprintOfDer, identityOf, systemIdOf } from '@vdx/pki';
import { ExchangeError } from '../intake/exchange.error';
import type { CallerIdentity } from '../intake/package-intake';

/** System ids by certificate fingerprint: a certificate is parsed once, not on every call. */
const systemIds = new Map<string, string | null>();
const MAX_CACHED_CERTIFICATES = 10_000;

/**
 * The connected system behind a call, from the client certificate of its mutual-TLS
 * connection (the server only accepts certificates its CA issued).
 */
export function callerOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>): CallerIdentity {
  const raw = call.getAuthContext().sslPeerCertificate?.raw;
  if (!raw || raw.length === 0) throw new ExchangeError('EXCHANGE.UNAUTHENTICATED', 'the call carries no client certificate; connect with mutual TLS');
  // The TLS layer verified the certificate; its DER is hashed as is.
  const fingerprint = fingerprintOfDer(raw);
  let systemId = systemIds.get(fingerprint);
  if (systemId === undefined) {
    // Parsing costs about as much as the rest of a small call; the same few certificates call all day.
    // A service's or an operator's identity (urn:vdx:service:, urn:vdx:operator:) is never a connected system.
    const identity = identityOf(raw);
    systemId = identity && identity.kind !== 'system' ? null : systemIdOf(raw);
    if (systemIds.size >= MAX_CACHED_CERTIFICATES) systemIds.clear();
    systemIds.set(fingerprint, systemId);
  }
  if (!systemId) throw new ExchangeError('EXCHANGE.UNAUTHENTICATED', 'the client certificate names no connected system (no urn:vdx:system URI nor CN, or a service or operator identity)');
  return { fingerprint, systemId };
}
