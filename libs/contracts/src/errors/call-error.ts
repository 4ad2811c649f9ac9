import type { ErrorDetails } from '../proto/error-details';
import { CodedError, type CodedErrorOptions } from './coded-error';

/** What a refused gRPC call says besides its code and message. */
export interface CallErrorOptions extends CodedErrorOptions {
  /** The gRPC status the service answered with. */
  readonly grpcStatus: number;
  /** The rich error details (google.rpc.ErrorInfo) the service sent, when it sent them. */
  readonly details?: ErrorDetails;
}

/**
 * A call another service refused, as its client raises it: the service's stable code (any
 * string: a newer peer may answer a code this build does not know, or `GRPC.<status>` when it
 * sent none), its message, the field at fault, and the gRPC status. A service that gets one from
 * a call it made passes it on to its own caller as it is.
 */
export class CallError extends CodedError<string> {
  override readonly name: string = 'CallError';
  readonly grpcStatus: number;
  readonly details?: ErrorDetails;

  constructor(code: string, message: string, options: CallErrorOptions) {
    super(code, message, options);
    this.grpcStatus = options.grpcStatus;
    if (options.details !== undefined) this.details = options.details;
  }
}

/**
 * True for a refusal relayed from another service: a code of ours (`AREA.REASON`, not the
 * `GRPC.<status>` a client makes up when the service sent none) and a numeric gRPC status (a
 * {@link CallError}, or an object shaped like one).
 */
export function isRelayedRefusal(err: unknown): err is { readonly code: string; readonly grpcStatus: number; readonly path?: unknown; readonly message?: unknown } {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; grpcStatus?: unknown };
  return typeof e.code === 'string' && /^[A-Z][A-Z_]*\.[A-Z][A-Z0-9_]*$/.test(e.code) && typeof e.grpcStatus === 'number';
}
