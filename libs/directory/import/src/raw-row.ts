/** The formats {@link readAgencyFile} reads. */
export type AgencyFileFormat = 'csv' | 'json' | 'jsonl';

/**
 * One record as read from a file, before any checking.
 *
 * `line` is the 1-based physical line the record starts on for CSV (line 1 is the header,
 * so the first data row is line 2) and JSON Lines; for a JSON array it is the 1-based record
 * number (index of the element + 1). Field names are normalised ({@link normaliseFieldName}).
 */
export interface RawAgencyRow {
  readonly line: number;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Marks a row whose record could not be read as an object (a broken JSON Lines line, a JSON
 * array element that is not an object). The value is the reason. A symbol, so it never
 * collides with a column and does not show in `Object.keys(fields)`.
 */
export const MALFORMED_RECORD: unique symbol = Symbol('vdx.directory-import.malformed-record');

const ALIASES: Readonly<Record<string, string>> = {
  in_charge: 'inCharge',
  incharge: 'inCharge',
  'in charge': 'inCharge',
  mail: 'email',
  email: 'email',
  pcode: 'parentCode',
  parent_code: 'parentCode',
  parentcode: 'parentCode',
  code: 'code',
  name: 'name',
};

/**
 * Normalises a column or key name: trimmed, lower-cased, and the known aliases mapped to
 * `code`, `name`, `email`, `inCharge`, `parentCode`. Other names stay trimmed and lower-cased.
 */
export function normaliseFieldName(name: string): string {
  const key = name.trim().toLowerCase();
  return ALIASES[key] ?? key;
}

/** A record's fields with normalised names; on a name clash the first non-empty value wins. */
export function normaliseFields(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    const key = normaliseFieldName(name);
    if (!(key in fields) || fields[key] === undefined || fields[key] === '') fields[key] = value;
  }
  return fields;
}

/** A row standing for a record that is not an object; validation rejects it as malformed. */
export function malformedRow(line: number, reason: string): RawAgencyRow {
  const fields: Record<string | symbol, unknown> = { [MALFORMED_RECORD]: reason };
  return { line, fields: fields as Record<string, unknown> };
}

/** The reason a row was marked malformed by a reader, if it was. */
export function malformedReason(row: RawAgencyRow): string | undefined {
  const value = (row.fields as Readonly<Record<string | symbol, unknown>>)[MALFORMED_RECORD];
  return typeof value === 'string' ? value : undefined;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
