import { DirectoryError, type AgencyCommand } from '@vdx/directory-domain';
import type { AgencyWriter, CommandMeta } from './agency-writer';

export interface ImportRowInput {
  readonly line?: number;
  readonly code?: string;
  readonly name?: string;
  readonly email?: string;
  readonly inCharge?: string;
}

export interface RowOutcome {
  readonly line: number;
  readonly code: string;
  readonly outcome: 'created' | 'updated' | 'unchanged' | 'rejected';
  readonly errorCode: string;
  readonly reason: string;
}

const MAX_ROWS = 5000;

/**
 * Registers the rows' agencies that are new and updates the others; a row that changes nothing
 * appends nothing, so importing a file twice changes nothing. Rows are decided in the order given
 * (parents first is the caller's job) and appended in one transaction.
 */
export async function importRows(writer: AgencyWriter, rows: readonly ImportRowInput[], meta: CommandMeta): Promise<RowOutcome[]> {
  if (rows.length > MAX_ROWS) {
    throw new DirectoryError('DIRECTORY.INVALID_FIELD', `at most ${MAX_ROWS} rows per call, got ${rows.length}`, { path: 'rows' });
  }
  const optional = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
  const outcomes = await writer.executeMany(
    rows.map((row) => ({
      code: row.code ?? '',
      command: (state): AgencyCommand =>
        state === null
          ? { kind: 'RegisterAgency', code: row.code ?? '', name: row.name ?? '', email: optional(row.email), inCharge: optional(row.inCharge) }
          : { kind: 'UpdateAgency', code: row.code ?? '', name: row.name ?? '', email: optional(row.email), inCharge: optional(row.inCharge) },
    })),
    meta,
  );
  return outcomes.map((o, i) => {
    const line = rows[i]!.line ?? i + 1;
    if (!o.ok) return { line, code: rows[i]!.code ?? '', outcome: 'rejected', errorCode: o.error.code, reason: o.error.message };
    const outcome = o.created ? 'created' : o.events.length > 0 ? 'updated' : 'unchanged';
    return { line, code: o.code, outcome, errorCode: '', reason: '' };
  });
}
