import type { AgencyCodeLevel } from '@vdx/agency-code';

/** A checked agency record, ready to send to the directory. */
export interface AgencyRow {
  /** Where the record is in the file (see {@link RawAgencyRow.line}). */
  readonly line: number;
  /** The canonical agency code, e.g. `000.20.32.H53`. */
  readonly code: string;
  /** The agency name, trimmed, never empty. */
  readonly name: string;
  /** The email, trimmed; `null` when absent or empty. */
  readonly email: string | null;
  /** Who is in charge (the place or governing body), trimmed; `null` when absent or empty. */
  readonly inCharge: string | null;
  /** The code's level, 1..4. */
  readonly level: AgencyCodeLevel;
  /**
   * The parent code derived from `code` (lowest used level zeroed); `null` at level 1.
   * A `parentCode` column in the file is informational and not used.
   */
  readonly parentCode: string | null;
}

/** A record the importer (or the directory) refused, with where and why. */
export interface Rejection {
  /** Where the record is in the file. */
  readonly line: number;
  /** The code as found in the record (`''` when missing or not a string). */
  readonly code: string;
  /** Stable machine code, e.g. `IMPORT.MALFORMED_CODE`. */
  readonly errorCode: string;
  /** Human-readable explanation. */
  readonly reason: string;
}
