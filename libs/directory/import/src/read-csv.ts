import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { ImportErrorCode, ImportFileError } from './errors';
import { LineIndex } from './line-index';
import { normaliseFieldName, type RawAgencyRow } from './raw-row';

interface CsvRecord {
  // Bytes consumed once the record (and its line break) was read.
  readonly info: { readonly bytes: number };
  readonly record: readonly string[];
}

/**
 * Streams the data rows of a CSV file (RFC 4180 quoting, optional BOM, LF or CRLF). The
 * first record is the header; its names are normalised ({@link normaliseFieldName}). Empty
 * lines are skipped; short or long rows are kept (missing fields are absent, extra ones
 * dropped). Each row's `line` is the physical line it starts on (header = line 1), counted
 * here from byte offsets so quoted line breaks never shift the rows after them.
 * An unreadable file (e.g. an unclosed quote) throws `IMPORT.MALFORMED_FILE`.
 */
export async function* readCsv(path: string): AsyncGenerator<RawAgencyRow> {
  const lines = new LineIndex();
  const scanner = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      lines.scan(chunk);
      done(null, chunk);
    },
    flush(done) {
      lines.finish();
      done();
    },
  });
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true });
  const source = createReadStream(path);
  pipeline(source, scanner, parser, () => undefined);
  let header: string[] | undefined;
  let previousEnd = 0;
  try {
    for await (const { info, record } of parser as AsyncIterable<CsvRecord>) {
      if (header === undefined) {
        header = record.map(normaliseFieldName);
      } else {
        yield { line: lines.firstContentLineFrom(previousEnd), fields: toFields(header, record) };
      }
      previousEnd = info.bytes;
    }
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ImportFileError(ImportErrorCode.MALFORMED_FILE, `${path}: ${message}`, { path, cause: err });
  } finally {
    source.destroy();
    parser.destroy();
  }
}

// On a repeated column name the first non-empty value wins.
function toFields(header: readonly string[], record: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const n = Math.min(header.length, record.length);
  for (let i = 0; i < n; i++) {
    const name = header[i] ?? '';
    const value = record[i];
    if (fields[name] === undefined || fields[name] === '') fields[name] = value;
  }
  return fields;
}
