import { status, type Metadata } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { GRPC_STATUS, codeOf, errorMappingOf, isOutage, isRelayedRefusal, type ErrorArea, type ErrorCode } from '@vdx/contracts/errors';
import { codedErrorMetadata } from './coded-grpc-error';

/** An area with its own `<AREA>.UNAVAILABLE` and `<AREA>.INTERNAL` codes: a service that answers gRPC calls. */
export type GrpcServiceArea = { [A in ErrorArea]: `${A}.INTERNAL` extends ErrorCode ? (`${A}.UNAVAILABLE` extends ErrorCode ? A : never) : never }[ErrorArea];

export interface GrpcErrorsOptions {
  /** The service's code area (`EXCHANGE`): its codes pass with their own message, and it answers outages and faults as `<AREA>.UNAVAILABLE` and `<AREA>.INTERNAL`. */
  readonly area: GrpcServiceArea;
  /** What a caller reads when a store, the broker or a service behind did not answer, e.g. `the axis cannot reach its store or broker right now; send again`. */
  readonly unavailable: string;
  /** What a caller reads for a fault of the service (a bug, missing data), e.g. `the axis could not complete the call`. */
  readonly internal: string;
  /** Names the service in the log (`exchange call failed: …`); also the logger's context `<name>-grpc`. */
  readonly name: string;
}

/** A refused call as gRPC answers it: the status, the message (it starts with the code) and the trailing metadata. */
export interface GrpcRefusal {
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;
}

const CODED = /^[A-Z][A-Z_]*\.[A-Z][A-Z0-9_]*$/;

/**
 * The one mapping from errors to gRPC answers (docs/adr/0019-one-error-model.md), the same for
 * every service; `ERROR_MAP` of `@vdx/contracts/errors` gives each code its status.
 *
 * 1. A refusal relayed from a service behind (a `CallError` of its client) passes on as it is:
 *    its status, code, message and path.
 * 2. An outage (a code `ERROR_MAP` answers UNAVAILABLE, a store driver's network error, a call
 *    behind that got no answer): the service's own code passes with its message; anything else
 *    is answered `<AREA>.UNAVAILABLE` with `unavailable`, and logged as a warning.
 * 3. A code of the catalogue: its status, `<code>: <message>` and its path; but a code mapped to
 *    INTERNAL (the service's own fault) is answered like 4.
 * 4. Anything else: `<AREA>.INTERNAL` with `internal`; the error and its stack go to the log only.
 *
 * Every answer carries the code three ways: the message's prefix, `vdx-error-code`/`-path`, and
 * the rich `grpc-status-details-bin`.
 */
export class GrpcErrors {
  private readonly logger: Logger;

  constructor(private readonly options: GrpcErrorsOptions) {
    this.logger = new Logger(`${options.name}-grpc`);
  }

  /** The answer to a call that failed with `err`. */
  toServiceError(err: unknown): GrpcRefusal {
    const { area } = this.options;
    if (err instanceof RpcException) {
      const e = err.getError() as { code?: unknown; message?: unknown; metadata?: unknown };
      if (typeof e === 'object' && typeof e.code === 'number' && typeof e.message === 'string' && e.metadata) return { code: e.code, details: e.message, metadata: e.metadata as Metadata };
    }
    if (isRelayedRefusal(err)) {
      return coded(err.grpcStatus, err.code, String(err.message), typeof err.path === 'string' ? err.path : '');
    }
    const code = codeOf(err);
    const mapping = errorMappingOf(code);
    const own = code !== undefined && mapping !== undefined && code.startsWith(`${area}.`);
    if (isOutage(err)) {
      if (own) return this.coded(err, status.UNAVAILABLE, code);
      this.logger.warn(`${this.options.name} call failed on an outage: ${describe(err)}`);
      return coded(status.UNAVAILABLE, `${area}.UNAVAILABLE`, `${area}.UNAVAILABLE: ${this.options.unavailable}`, '');
    }
    if (code !== undefined && mapping !== undefined && mapping.grpc !== GRPC_STATUS.INTERNAL && CODED.test(code)) return this.coded(err, mapping.grpc, code);
    this.logger.error(`${this.options.name} call failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return coded(status.INTERNAL, `${area}.INTERNAL`, `${area}.INTERNAL: ${this.options.internal}`, '');
  }

  /** The same answer as an `RpcException`, for Nest's gRPC handlers. */
  toRpcException(err: unknown): RpcException {
    if (err instanceof RpcException) return err;
    const e = this.toServiceError(err);
    return new RpcException({ code: e.code, message: e.details, metadata: e.metadata });
  }

  /** Runs a handler; whatever it throws is answered as {@link toServiceError} says. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.toRpcException(err);
    }
  }

  private coded(err: unknown, grpcStatus: number, code: string): GrpcRefusal {
    const e = err as { message?: unknown; path?: unknown };
    return coded(grpcStatus, code, `${code}: ${String(e.message)}`, typeof e.path === 'string' ? e.path : '');
  }
}

function coded(grpcStatus: number, code: string, message: string, path: string): GrpcRefusal {
  return { code: grpcStatus, details: message, metadata: codedErrorMetadata(grpcStatus, code, message, path) };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
