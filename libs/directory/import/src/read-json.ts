import { readFile } from 'node:fs/promises';
import { ImportErrorCode, ImportFileError } from './errors';
import { fileSize } from './file-stat';
import { isJsonObject, malformedRow, normaliseFields, type RawAgencyRow } from './raw-row';

/** Largest JSON array file read (the whole document is parsed in memory): 256 MiB. */
export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a JSON file holding one top-level array of agency objects. A row's `line` is its
 * record number (element index + 1). An element that is not an object becomes a malformed
 * row (rejected later, the others go on). Broken JSON or a non-array document throws
 * `IMPORT.MALFORMED_FILE`; a file over {@link MAX_JSON_FILE_BYTES} `IMPORT.FILE_TOO_LARGE`.
 */
export async function* readJson(path: string): AsyncGenerator<RawAgencyRow> {
  const size = await fileSize(path);
  if (size > MAX_JSON_FILE_BYTES) {
    throw new ImportFileError(
      ImportErrorCode.FILE_TOO_LARGE,
      `${path} is ${size} bytes; JSON arrays are limited to ${MAX_JSON_FILE_BYTES} bytes (use JSON Lines or CSV)`,
      { path },
    );
  }
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ImportFileError(ImportErrorCode.MALFORMED_FILE, `${path}: malformed JSON: ${message}`, { path, cause: err });
  }
  if (!Array.isArray(document)) {
    throw new ImportFileError(ImportErrorCode.MALFORMED_FILE, `${path}: expected a top-level JSON array of agency objects`, { path });
  }
  for (let index = 0; index < document.length; index++) {
    const element: unknown = document[index];
    const line = index + 1;
    yield isJsonObject(element)
      ? { line, fields: normaliseFields(element) }
      : malformedRow(line, `record ${line} is ${describe(element)}, not an object`);
  }
}

/** A short description of a JSON value's kind, for reasons. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
