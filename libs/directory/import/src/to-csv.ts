import type { SyntheticAgency } from './synthetic-directory';

/** The header {@link toCsv} writes, as the importer and the Tây Ninh fixture expect. */
export const AGENCY_CSV_HEADER = 'code,name,in_charge,email';

/**
 * CSV text of agencies: header `code,name,in_charge,email`, RFC 4180 quoting for fields with
 * a comma, quote or line break, `\n` line ends and a trailing newline.
 */
export function toCsv(agencies: readonly SyntheticAgency[]): string {
  const lines = [AGENCY_CSV_HEADER];
  for (const a of agencies) lines.push([a.code, a.name, a.inCharge, a.email].map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/** One CSV field, quoted (with doubled quotes) only when needed. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
