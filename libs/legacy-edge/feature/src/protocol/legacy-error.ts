import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * The codes the legacy edge answers with in `ErrorCode` (besides `"0"` for success). Refusals
 * of the axis behind it pass through with their own codes (`EXCHANGE.*`, `DELIVERY.*`,
 * `DIRECTORY.*`, `EDXML.*`).
 */
export type LegacyErrorCode = ErrorCodeOf<'LEGACY'>;

/**
 * A refusal of the legacy edge: answered as a `FAIL` envelope with `code` and `message`
 * (a failed downloadEdoc under the HTTP status `ERROR_MAP` gives the code).
 */
export class LegacyError extends CodedError<LegacyErrorCode> {
  override readonly name = 'LegacyError';
  constructor(code: LegacyErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

/** A coded error of the axis (its gRPC clients raise them with `code`), or anything else. */
export function errorCodeOf(err: unknown): { code: string; message: string } {
  if (err instanceof LegacyError) return { code: err.code, message: err.message };
  const e = err as { code?: unknown; message?: unknown } | null | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  // A bare gRPC status (`GRPC.<n>`): the service behind did not answer with a code of ours.
  if (code === 'GRPC.14' || code === 'GRPC.4') return { code: 'LEGACY.UNAVAILABLE', message: 'the axis is not reachable right now; try again' };
  if (/^[A-Z][A-Z_]*\.[A-Z][A-Z0-9_]*$/.test(code)) return { code, message: String(e?.message ?? code) };
  return { code: 'LEGACY.INTERNAL', message: 'the request could not be completed; try again' };
}
