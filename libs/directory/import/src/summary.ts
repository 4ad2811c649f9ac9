import type { Rejection } from './agency-row';

/** The outcome of an import: counts per outcome and every rejection, by line. */
export interface ImportSummary {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: readonly Rejection[];
  /** Number of records read from the file. */
  readonly total: number;
}

/**
 * Human-readable summary: a count line, then one line per rejection, e.g.
 *
 * ```text
 * 455 rows: 447 created, 0 updated, 0 unchanged, 8 rejected
 *   line 183  000.1137.H53  IMPORT.MALFORMED_CODE  Agency code "000.1137.H53": has 12 characters, …
 * ```
 *
 * A rejection without a code shows `-` in its place. No trailing newline.
 */
export function formatSummary(summary: ImportSummary): string {
  const head =
    `${summary.total} ${summary.total === 1 ? 'row' : 'rows'}: ${summary.created} created, ${summary.updated} updated, ` +
    `${summary.unchanged} unchanged, ${summary.rejected.length} rejected`;
  const lines = summary.rejected.map((r) => `  line ${r.line}  ${r.code === '' ? '-' : r.code}  ${r.errorCode}  ${r.reason}`);
  return [head, ...lines].join('\n');
}
