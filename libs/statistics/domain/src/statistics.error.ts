import { CodedError, ERROR_CODES, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** The codes of the statistics service's boot, never answered to a request: unusable accounts, an identity provider it may not use. */
type BootErrorCode = 'STATISTICS.BAD_ACCOUNTS' | 'STATISTICS.IDENTITY_INSECURE_ISSUER';
const BOOT_ERROR_CODES: readonly string[] = ['STATISTICS.BAD_ACCOUNTS', 'STATISTICS.IDENTITY_INSECURE_ISSUER'] satisfies readonly BootErrorCode[];

/** Why the statistics service refused a request or a replay (`ERROR_CODES.STATISTICS`, but the codes of the boot). Codes are stable; the console switches on them. */
export type StatisticsErrorCode = Exclude<ErrorCodeOf<'STATISTICS'>, BootErrorCode>;

export const STATISTICS_ERROR_CODES: readonly StatisticsErrorCode[] = ERROR_CODES.STATISTICS.filter((c): c is StatisticsErrorCode => !BOOT_ERROR_CODES.includes(c));

/** A refused request: `path` (and `parameter`, null when none) names the query parameter at fault. */
export class StatisticsError extends CodedError<StatisticsErrorCode> {
  override readonly name = 'StatisticsError';

  constructor(code: StatisticsErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }

  /** The query parameter at fault, as the API answers it: null when none is. */
  get parameter(): string | null {
    return this.path === '' ? null : this.path;
  }
}
