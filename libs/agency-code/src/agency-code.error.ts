/**
 * Stable machine codes of every agency-code error. Values never change once published:
 * callers (importers, adapters) switch on them.
 */
export const AgencyCodeErrorCode = {
  /** The input is empty or only whitespace. */
  EMPTY: 'AGENCY_CODE.EMPTY',
  /** The input has surrounding whitespace and the caller asked for `whitespace: 'reject'`. */
  WHITESPACE: 'AGENCY_CODE.WHITESPACE',
  /** The canonical form is not exactly 13 characters long (after trimming). */
  WRONG_LENGTH: 'AGENCY_CODE.WRONG_LENGTH',
  /** A separator is not `.` or a level 2–4 character is not an ASCII digit. */
  BAD_FORMAT: 'AGENCY_CODE.BAD_FORMAT',
  /** Level 1 is not an uppercase ASCII letter plus two digits, or its number is `00`. */
  BAD_LEVEL1: 'AGENCY_CODE.BAD_LEVEL1',
  /** A lower level is used while a higher level is zero (e.g. `001.00.05.H53`). */
  GAP: 'AGENCY_CODE.GAP',
  /** The compact form (Decision 20/2020) is malformed in a level 2–4 segment or has too many segments. */
  BAD_COMPACT: 'AGENCY_CODE.BAD_COMPACT',
} as const;

/** One of the stable agency-code error codes. */
export type AgencyCodeErrorCode = (typeof AgencyCodeErrorCode)[keyof typeof AgencyCodeErrorCode];

/** All error codes, for exhaustive handling and documentation. */
export const AGENCY_CODE_ERROR_CODES: readonly AgencyCodeErrorCode[] = Object.values(AgencyCodeErrorCode);

/**
 * The part of a code an error points at: one of the four levels or a `.` separator.
 * `level1` is the letter-and-two-digits unit (e.g. `H53`).
 */
export type AgencyCodeSegment = 'level1' | 'level2' | 'level3' | 'level4' | 'separator';

/** Constructor details of an {@link AgencyCodeError}. */
export interface AgencyCodeErrorDetails {
  readonly code: AgencyCodeErrorCode;
  readonly input: string;
  readonly message: string;
  readonly position?: number;
  readonly segment?: AgencyCodeSegment;
}

/**
 * A malformed agency identifier code (mã định danh).
 *
 * `position` is the 0-based UTF-16 index of the offending character in `input` as given
 * (surrounding whitespace included), when one character or segment is to blame.
 */
export class AgencyCodeError extends Error {
  override readonly name = 'AgencyCodeError';
  /** Stable machine code, e.g. `AGENCY_CODE.BAD_FORMAT`. */
  readonly code: AgencyCodeErrorCode;
  /** The input exactly as given to the parser. */
  readonly input: string;
  /** 0-based index into `input` of the first offending character, if one is to blame. */
  readonly position?: number;
  /** The level or separator the error points at, if one is to blame. */
  readonly segment?: AgencyCodeSegment;

  constructor(details: AgencyCodeErrorDetails) {
    super(details.message);
    this.code = details.code;
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
