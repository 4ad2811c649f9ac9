import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe } from './read-json';
import { isJsonObject, malformedRow, normaliseFields, type RawAgencyRow } from './raw-row';

/**
 * Streams a JSON Lines file: one object a line, `line` is the 1-based line number. Blank lines
 * are skipped. A line that is not valid JSON or not an object becomes a malformed row
 * (rejected later with `IMPORT.MALFORMED_ROW`); it never stops the import.
 */
export async function* readJsonl(path: string): AsyncGenerator<RawAgencyRow> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const rawText of lines) {
    line += 1;
    const text = (line === 1 ? rawText.replace(/^\uFEFF/, '') : rawText).trim();
    if (text.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err);
      yield malformedRow(line, `line ${line} is not valid JSON: ${message}`);
      continue;
    }
    yield isJsonObject(value)
      ? { line, fields: normaliseFields(value) }
      : malformedRow(line, `line ${line} is ${describe(value)}, not an object`);
  }
}
