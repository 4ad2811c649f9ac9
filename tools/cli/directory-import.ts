import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';
import { DirectoryClient } from '@vdx/directory-client';
import { formatSummary, planImport, readAgencyFile, type ImportSummary, type Rejection } from '@vdx/directory-import';
import type { TlsIdentity } from '@vdx/pki';
import { SingleBar } from 'cli-progress';

export interface DirectoryImportOptions {
  readonly url: string;
  /** The caller's identity on directory.v1: an operator's, or the import tool's (`urn:vdx:operator:directory-import`). */
  readonly identity: TlsIdentity;
  readonly format?: 'csv' | 'json' | 'jsonl';
  readonly batchSize: number;
  readonly json: boolean;
  /** A bar on stderr (a terminal), a line on stderr every few seconds (logs, CI), or nothing. */
  readonly progress: 'bar' | 'lines' | 'none';
}

const LINE_EVERY_MS = 3000;

/** `vdx directory import` found no directory to send the rows to (`IMPORT.DIRECTORY_UNREACHABLE`); a file it cannot read is the importer's `ImportFileError`. */
export class DirectoryImportError extends CodedError<'IMPORT.DIRECTORY_UNREACHABLE'> {
  override readonly name = 'DirectoryImportError';
  constructor(message: string, options?: CodedErrorOptions) {
    super('IMPORT.DIRECTORY_UNREACHABLE', message, options);
  }
}

/** Waits up to 10 s for the directory at `url` to answer; `IMPORT.DIRECTORY_UNREACHABLE` when it does not. */
export async function waitForDirectory(client: Pick<DirectoryClient, 'waitForReady'>, url: string): Promise<void> {
  await client.waitForReady(10_000).catch((err: unknown) => {
    throw new DirectoryImportError(`cannot reach the directory at ${url} (${(err as Error).message}); is it running (npm start)?`, { cause: err });
  });
}

/** A row's outcome the summary counts; `rejected` rows are listed instead. */
type Counted = 'created' | 'updated' | 'unchanged';

function isCounted(outcome: string): outcome is Counted {
  return outcome === 'created' || outcome === 'updated' || outcome === 'unchanged';
}

/**
 * `vdx directory import <file>`: reads and checks the file, then sends its rows, parents
 * first, to the directory in batches. Rows the file or the directory refuses are reported with
 * their line; they never stop the others.
 */
export async function directoryImport(file: string, opts: DirectoryImportOptions): Promise<ImportSummary & { seconds: number }> {
  const started = process.hrtime.bigint();
  const plan = await planImport(readAgencyFile(file, opts.format ? { format: opts.format } : {}));
  const client = new DirectoryClient(opts.url, opts.identity);
  const bar =
    opts.progress === 'bar'
      ? new SingleBar({ format: 'importing |{bar}| {value}/{total} rows · {eta_formatted} left · {created} created, {updated} updated, {unchanged} unchanged, {rejected} rejected', hideCursor: true, stream: process.stderr })
      : null;
  const summary = { created: 0, updated: 0, unchanged: 0, rejected: [...plan.rejected] as Rejection[], total: plan.total };
  const counts = () => ({ created: summary.created, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected.length });
  let lastLine = 0;
  const progressLine = (done: number, force = false): void => {
    if (opts.progress !== 'lines' || (!force && Date.now() - lastLine < LINE_EVERY_MS)) return;
    lastLine = Date.now();
    const c = counts();
    const pct = plan.rows.length === 0 ? 100 : Math.floor((done / plan.rows.length) * 100);
    process.stderr.write(`importing: ${done}/${plan.rows.length} rows (${pct}%): ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.rejected} rejected\n`);
  };
  try {
    await waitForDirectory(client, opts.url);
    bar?.start(plan.rows.length, 0, counts());
    progressLine(0, true);
    for (let from = 0; from < plan.rows.length; from += opts.batchSize) {
      const batch = plan.rows.slice(from, from + opts.batchSize);
      const res = await client.rpc('ImportAgencies', {
        rows: batch.map((r) => ({ line: r.line, code: r.code, name: r.name, email: r.email ?? '', inCharge: r.inCharge ?? '' })),
      });
      for (const o of res.outcomes) {
        if (o.outcome === 'rejected') summary.rejected.push({ line: o.line, code: o.code, errorCode: o.errorCode, reason: o.reason });
        else if (isCounted(o.outcome)) summary[o.outcome] += 1;
        else summary.rejected.push({ line: o.line, code: o.code, errorCode: 'CLI.UNKNOWN_OUTCOME', reason: `the directory answered "${o.outcome}"` });
      }
      const done = Math.min(from + batch.length, plan.rows.length);
      bar?.update(done, counts());
      progressLine(done, done === plan.rows.length);
    }
  } finally {
    bar?.stop();
    client.close();
  }
  summary.rejected.sort((a, b) => a.line - b.line);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...summary, seconds };
}

export function printImportSummary(summary: ImportSummary & { seconds: number }, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${formatSummary(summary)}\nfinished in ${summary.seconds.toFixed(1)} s\n`);
}
