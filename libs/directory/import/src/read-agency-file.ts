import { fileSize } from './file-stat';
import { resolveFormat } from './file-format';
import type { AgencyFileFormat, RawAgencyRow } from './raw-row';
import { readCsv } from './read-csv';
import { readJson } from './read-json';
import { readJsonl } from './read-jsonl';

/** Options of {@link readAgencyFile}. */
export interface ReadAgencyFileOptions {
  /** The file format; by default taken from the extension. */
  readonly format?: AgencyFileFormat;
}

/**
 * Streams the agency records of a CSV, JSON (top-level array) or JSON Lines file, unchecked
 * (see {@link validateAgencyRow}). The format comes from `opts.format`, else the extension
 * (`.csv`, `.json`, `.jsonl` / `.ndjson`).
 *
 * Errors surface when iteration starts, as {@link ImportFileError}: `IMPORT.UNKNOWN_FORMAT`,
 * `IMPORT.FILE_NOT_FOUND`, `IMPORT.FILE_TOO_LARGE` (JSON) or `IMPORT.MALFORMED_FILE`. Bad
 * records inside a readable file are rows, never errors.
 */
export async function* readAgencyFile(path: string, opts: ReadAgencyFileOptions = {}): AsyncGenerator<RawAgencyRow> {
  const format = resolveFormat(path, opts.format);
  await fileSize(path);
  switch (format) {
    case 'csv':
      yield* readCsv(path);
      return;
    case 'json':
      yield* readJson(path);
      return;
    case 'jsonl':
      yield* readJsonl(path);
      return;
  }
}
