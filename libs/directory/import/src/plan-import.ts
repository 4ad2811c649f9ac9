import type { AgencyRow, Rejection } from './agency-row';
import { ImportErrorCode } from './errors';
import type { RawAgencyRow } from './raw-row';
import { validateAgencyRow } from './validate-row';

/** What to send, and what was refused, for one file. */
export interface ImportPlan {
  /** Accepted rows, parents first: by level ascending, then by line. */
  readonly rows: readonly AgencyRow[];
  /** Refused rows, by line. */
  readonly rejected: readonly Rejection[];
  /** Number of records read. */
  readonly total: number;
}

/** Options of {@link planImport}. */
export interface PlanImportOptions {
  /**
   * When true, a row whose parent is neither accepted from the file nor `knownCode` is
   * rejected with `IMPORT.MISSING_PARENT` (and so, in turn, are its descendants). Default
   * false: the directory itself decides.
   */
  readonly requireParents?: boolean;
  /** Whether a code already exists outside the file (only used with `requireParents`). */
  readonly knownCode?: (code: string) => boolean;
}

/**
 * Reads every record, validates it ({@link validateAgencyRow}) and rejects repeated codes: the
 * first accepted occurrence is kept, each later one is rejected with `IMPORT.DUPLICATE_CODE`
 * naming the first one's line. Accepted rows come out parents first (level, then line).
 */
export async function planImport(
  rows: AsyncIterable<RawAgencyRow> | Iterable<RawAgencyRow>,
  opts: PlanImportOptions = {},
): Promise<ImportPlan> {
  const accepted: AgencyRow[] = [];
  const rejected: Rejection[] = [];
  const firstLine = new Map<string, number>();
  let total = 0;
  for await (const raw of rows) {
    total += 1;
    const result = validateAgencyRow(raw);
    if (!result.ok) {
      rejected.push(result.rejection);
      continue;
    }
    const { row } = result;
    const first = firstLine.get(row.code);
    if (first !== undefined) {
      rejected.push({
        line: row.line,
        code: row.code,
        errorCode: ImportErrorCode.DUPLICATE_CODE,
        reason: `code ${row.code} already appears on line ${first}; the first occurrence is kept`,
      });
      continue;
    }
    firstLine.set(row.code, row.line);
    accepted.push(row);
  }

  accepted.sort((a, b) => a.level - b.level || a.line - b.line);
  const planned = opts.requireParents ? keepRowsWithParents(accepted, rejected, opts.knownCode) : accepted;
  rejected.sort((a, b) => a.line - b.line);
  return { rows: planned, rejected, total };
}

// Rows are parents first, so a parent's fate is settled before its children are looked at.
function keepRowsWithParents(rows: readonly AgencyRow[], rejected: Rejection[], knownCode?: (code: string) => boolean): AgencyRow[] {
  const kept: AgencyRow[] = [];
  const keptCodes = new Set<string>();
  for (const row of rows) {
    const parent = row.parentCode;
    if (parent !== null && !keptCodes.has(parent) && !(knownCode?.(parent) ?? false)) {
      rejected.push({
        line: row.line,
        code: row.code,
        errorCode: ImportErrorCode.MISSING_PARENT,
        reason: `parent ${parent} is neither accepted from this file nor known to the directory`,
      });
      continue;
    }
    kept.push(row);
    keptCodes.add(row.code);
  }
  return kept;
}
