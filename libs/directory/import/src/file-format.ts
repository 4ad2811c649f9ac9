import { extname } from 'node:path';
import { ImportErrorCode, ImportFileError } from './errors';
import type { AgencyFileFormat } from './raw-row';

const BY_EXTENSION: Readonly<Record<string, AgencyFileFormat>> = {
  '.csv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * The format of `path`: `explicit` when given, else from the extension (`.csv`, `.json`,
 * `.jsonl` / `.ndjson`, case-insensitive). Throws {@link ImportFileError}
 * `IMPORT.UNKNOWN_FORMAT` otherwise.
 */
export function resolveFormat(path: string, explicit?: AgencyFileFormat): AgencyFileFormat {
  if (explicit !== undefined) {
    if (Object.values(BY_EXTENSION).includes(explicit)) return explicit;
    throw new ImportFileError(ImportErrorCode.UNKNOWN_FORMAT, `unknown format ${JSON.stringify(explicit)}: expected csv, json or jsonl`, { path });
  }
  const ext = extname(path).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (format === undefined) {
    throw new ImportFileError(
      ImportErrorCode.UNKNOWN_FORMAT,
      `${path}: cannot tell the format from the extension ${JSON.stringify(ext)}; use .csv, .json, .jsonl or .ndjson, or give the format`,
      { path },
    );
  }
  return format;
}
