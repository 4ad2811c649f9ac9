import { CodedError, ERROR_CODES, codeTable, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * Stable machine codes of every agency-code error (`ERROR_CODES.AGENCY_CODE` of
 * `@vdx/contracts/errors`, where each is described). Values never change once published:
 * callers (importers, adapters) switch on them.
 */
export const AgencyCodeErrorCode = codeTable(ERROR_CODES.AGENCY_CODE);

/** One of the stable agency-code error codes. */
export type AgencyCodeErrorCode = ErrorCodeOf<'AGENCY_CODE'>;

/** All error codes, for exhaustive handling and documentation. */
export const AGENCY_CODE_ERROR_CODES: readonly AgencyCodeErrorCode[] = ERROR_CODES.AGENCY_CODE;

/**
 * The part of a code an error points at: one of the four levels or a `.` separator.
 * `level1` is the letter-and-two-digits unit (e.g. `H53`).
 */
export type AgencyCodeSegment = 'level1' | 'level2' | 'level3' | 'level4' | 'separator';

/** What an {@link AgencyCodeError} carries besides its code and message. */
export interface AgencyCodeErrorDetails {
  /** The input exactly as given to the parser. */
  readonly input: string;
  readonly position?: number;
  readonly segment?: AgencyCodeSegment;
}

/**
 * A malformed agency identifier code (mã định danh).
 *
 * `position` is the 0-based UTF-16 index of the offending character in `input` as given
 * (surrounding whitespace included), when one character or segment is to blame. `path` is
 * `''`: the code is one value, whose field the caller knows.
 */
export class AgencyCodeError extends CodedError<AgencyCodeErrorCode> {
  override readonly name = 'AgencyCodeError';
  /** The input exactly as given to the parser. */
  readonly input: string;
  /** 0-based index into `input` of the first offending character, if one is to blame. */
  readonly position?: number;
  /** The level or separator the error points at, if one is to blame. */
  readonly segment?: AgencyCodeSegment;

  constructor(code: AgencyCodeErrorCode, message: string, details: AgencyCodeErrorDetails) {
    super(code, message);
    this.input = details.input;
    if (details.position !== undefined) this.position = details.position;
    if (details.segment !== undefined) this.segment = details.segment;
  }
}

// Error messages quote the input; bound it so a garbage megabyte never lands in a log line.
const MAX_QUOTED_INPUT = 40;

/** Quotes an input for an error message, truncated. */
export function quoteInput(input: string): string {
  const shown = input.length > MAX_QUOTED_INPUT ? `${input.slice(0, MAX_QUOTED_INPUT)}…` : input;
  return JSON.stringify(shown);
}
