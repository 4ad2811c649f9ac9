/** Why the statistics service refused a request or a replay. Codes are stable; the console switches on them. */
export const STATISTICS_ERROR_CODES = [
  /** A query parameter the endpoint does not take, or one given twice. */
  'STATISTICS.BAD_PARAMETER',
  /** `period` is not day, week, month, quarter or year. */
  'STATISTICS.BAD_PERIOD',
  /** `from` or `to` is not a period in the notation of `period` (2025-07-15, 2025-W29, 2025-07, 2025-Q3, 2025), or not a real one. */
  'STATISTICS.BAD_DATE',
  /** `from` is missing, or after `to`. */
  'STATISTICS.BAD_RANGE',
  /** More periods between `from` and `to` than one report reads. */
  'STATISTICS.RANGE_TOO_LONG',
  /** `agency` (or `after`) is not a canonical agency code. */
  'STATISTICS.BAD_AGENCY',
  /** `direction`, `kind`, `priority`, `subtree`, `rows` or `format` is not one of its values. */
  'STATISTICS.BAD_CHOICE',
  /** `limit` is not a whole number from 1 to 1000. */
  'STATISTICS.BAD_LIMIT',
  /** A resumed replay of the statistics model lacks the deliveries queued before it stopped: replay it afresh. */
  'STATISTICS.REPLAY_RESUMED',
  /** No session: log in first (401). */
  'STATISTICS.LOGIN_REQUIRED',
  /** The session cookie is expired, forged or names an account no longer configured: log in again (401). */
  'STATISTICS.SESSION_INVALID',
  /** Unknown user or wrong password (401). */
  'STATISTICS.BAD_CREDENTIALS',
  /** The login body is not `{ "user": string, "password": string }` (400). */
  'STATISTICS.BAD_LOGIN_BODY',
  /** The figures asked for are outside the account's scope (403). */
  'STATISTICS.OUTSIDE_SCOPE',
] as const;

export type StatisticsErrorCode = (typeof STATISTICS_ERROR_CODES)[number];

/** A refused request: `parameter` names the query parameter at fault. */
export class StatisticsError extends Error {
  override readonly name = 'StatisticsError';

  constructor(
    readonly code: StatisticsErrorCode,
    readonly parameter: string | null,
    message: string,
  ) {
    super(message);
  }
}
