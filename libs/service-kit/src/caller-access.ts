import type { ServerUnaryCall } from '@grpc/grpc-js';
import { CodedError, type ErrorArea, type ErrorCode } from '@vdx/contracts/errors';
import { fingerprintOfDer, formatIdentity, identityOf, type AxisIdentity } from '@vdx/pki';

/** An area with its own `<AREA>.UNAUTHENTICATED` and `<AREA>.PERMISSION_DENIED`: a service whose internal API checks its callers. */
export type AccessArea = { [A in ErrorArea]: `${A}.UNAUTHENTICATED` extends ErrorCode ? (`${A}.PERMISSION_DENIED` extends ErrorCode ? A : never) : never }[ErrorArea];

/** Who may make a call: one service (`service:gateway`), one operator or tool (`operator:directory-import`), or every operator (`operator:*`). */
export type CallerRule = `service:${string}` | `operator:${string}`;

/** The authorisation table of an internal API: for each RPC, the callers allowed. An RPC missing from it cannot be typed; an empty list allows nobody. */
export type AccessTable<M extends string> = { readonly [K in M]: readonly CallerRule[] };

/** A call refused because of who made it: `<AREA>.UNAUTHENTICATED` or `<AREA>.PERMISSION_DENIED`. */
export class AccessError extends CodedError<ErrorCode> {
  override readonly name = 'AccessError';

  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

/** The call's peer, as grpc-js gives it on a TLS connection. */
export type AuthenticatedCall = Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>;

const MAX_CACHED_CERTIFICATES = 10_000;

/**
 * Checks the caller of each RPC of an internal API against its table
 * (docs/adr/0024-internal-mtls.md). The TLS handshake has already refused a call without a
 * client certificate or with one the axis CA did not issue; here the certificate must name a
 * service or an operator (`urn:vdx:service:<name>`, `urn:vdx:operator:<name>`), else
 * `<AREA>.UNAUTHENTICATED` (a connected system's certificate is never a service), and the
 * table must allow that identity to make the call, else `<AREA>.PERMISSION_DENIED`.
 * Identities are parsed once per certificate (by fingerprint), not on every call.
 */
export class CallerAccess<M extends string> {
  private readonly identities = new Map<string, AxisIdentity | null>();

  constructor(
    private readonly area: AccessArea,
    private readonly service: string,
    private readonly table: AccessTable<M>,
  ) {}

  /** The caller's identity when the table allows it to call `method`; throws {@link AccessError} otherwise. */
  check(call: AuthenticatedCall, method: M): AxisIdentity {
    const raw = call.getAuthContext().sslPeerCertificate?.raw;
    if (!raw || raw.length === 0) throw this.refuse('UNAUTHENTICATED', `${method} needs a client certificate: ${this.service}'s API is served over mutual TLS only`);
    const identity = this.identityOf(raw);
    if (!identity || identity.kind === 'system') {
      const what = identity ? `a connected system's certificate (${formatIdentity(identity)})` : 'a certificate that names no identity of the axis';
      throw this.refuse('UNAUTHENTICATED', `${method} was called with ${what}; ${this.service}'s internal API takes only service and operator identities`);
    }
    if (!this.allows(method, identity)) throw this.refuse('PERMISSION_DENIED', `${formatIdentity(identity)} may not call ${this.service}'s ${method}`);
    return identity;
  }

  /** Whether the table lets `identity` call `method` (no certificate checks: for tests and docs). */
  allows(method: M, identity: AxisIdentity): boolean {
    const rules = this.table[method] ?? [];
    return rules.some((rule) => rule === formatIdentity(identity) || (rule === 'operator:*' && identity.kind === 'operator'));
  }

  private identityOf(raw: Buffer): AxisIdentity | null {
    const fingerprint = fingerprintOfDer(raw);
    let identity = this.identities.get(fingerprint);
    if (identity === undefined) {
      try {
        identity = identityOf(raw);
      } catch {
        identity = null;
      }
      if (this.identities.size >= MAX_CACHED_CERTIFICATES) this.identities.clear();
      this.identities.set(fingerprint, identity);
    }
    return identity;
  }

  private refuse(reason: 'UNAUTHENTICATED' | 'PERMISSION_DENIED', message: string): AccessError {
    return new AccessError(`${this.area}.${reason}` as ErrorCode, message);
  }
}
