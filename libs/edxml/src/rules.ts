// Value rules of QCVN 102:2016 and Decree 30/2020, as pure functions.

/** Agency identifier code, lowest level first: `000.00.00.G22`. */
export const AGENCY_CODE_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

/** Maximum lengths in characters from Decree 30/2020 annex VI. */
export const FIELD_LIMITS = Object.freeze({
  OrganId: 13,
  CodeNumber: 11,
  CodeNotation: 30,
  Subject: 500,
  Position: 100,
  FullName: 50,
  OrganName: 200,
  OrganAdd: 500,
  Email: 100,
});

export type LimitedField = keyof typeof FIELD_LIMITS;

/** `Priority`: 0 normal, 1 urgent, 2 very urgent, 3 immediate, 4 immediate at a set time. */
export const PRIORITIES: readonly string[] = ['0', '1', '2', '3', '4'];
/** `SteeringType`: 1 none, 2 steering, 3 report on steering. */
export const STEERING_TYPES: readonly string[] = ['1', '2', '3'];
/** `BussinessDocType`: 0 new, 1 revoke, 2 update, 3 replace. */
export const BUSINESS_DOC_TYPES: readonly string[] = ['0', '1', '2', '3'];
/** `ReceiverType` of an update: 0 removed, 1 added. */
export const RECEIVER_TYPES: readonly string[] = ['0', '1'];

/** Status codes and their meaning (docs/domain.md §3). */
export const STATUS_CODES = Object.freeze({
  '01': 'arrived',
  '02': 'rejected',
  '03': 'accepted',
  '04': 'assigned',
  '05': 'processing',
  '06': 'completed',
  '13': 'recall requested',
  '15': 'recall or update agreed',
  '16': 'recall or update refused',
});

export type StatusCode = keyof typeof STATUS_CODES;

export function isStatusCode(value: string): value is StatusCode {
  return Object.prototype.hasOwnProperty.call(STATUS_CODES, value);
}

/** True for a well-formed agency identifier code. */
export function isAgencyCode(value: string): boolean {
  return AGENCY_CODE_PATTERN.test(value);
}

/** Length in Unicode code points, which is what a character limit counts. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

const DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A `yyyy/MM/dd` date as the number yyyymmdd (comparable), or undefined when malformed or not a calendar day. */
export function parseDate(value: string): number | undefined {
  const m = DATE.exec(value);
  return m === null ? undefined : calendarDay(m[1], m[2], m[3]);
}

/** The day (yyyymmdd) of a `yyyy/MM/dd HH:mm:ss` timestamp, or undefined when malformed. */
export function parseTimestamp(value: string): number | undefined {
  const m = TIMESTAMP.exec(value);
  if (m === null) return undefined;
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return calendarDay(m[1], m[2], m[3]);
}

function calendarDay(ys = '', ms = '', ds = ''): number | undefined {
  const [y, m, d] = [Number(ys), Number(ms), Number(ds)];
  if (m < 1 || m > 12 || d < 1) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  return d > days ? undefined : y * 10000 + m * 100 + d;
}

/** Formats a yyyymmdd number as `yyyy/MM/dd`. */
export function formatDay(day: number): string {
  const s = String(day).padStart(8, '0');
  return `${s.slice(0, 4)}/${s.slice(4, 6)}/${s.slice(6, 8)}`;
}

/** The parts of a `DocumentId`: `<issuer code>,<yyyy/MM/dd>,<number>/<notation>`. */
export interface DocumentIdParts {
  readonly issuer: string;
  readonly date: string;
  /** yyyymmdd */
  readonly day: number;
  readonly number: string;
  readonly notation: string;
}

export type DocumentIdResult =
  | { readonly ok: true; readonly parts: DocumentIdParts }
  | { readonly ok: false; readonly reason: string };

const DOCUMENT_ID = /^([^,]*),([^,]*),([^/]+)\/(.+)$/;

/** Parses a `DocumentId`, saying what is wrong when it does not conform. */
export function parseDocumentId(value: string): DocumentIdResult {
  const m = DOCUMENT_ID.exec(value);
  if (m === null) return { ok: false, reason: 'expected <issuer code>,<yyyy/MM/dd>,<number>/<notation>' };
  const [, issuer = '', date = '', number = '', notation = ''] = m;
  if (!isAgencyCode(issuer)) return { ok: false, reason: `issuer "${issuer}" is not an agency code` };
  const day = parseDate(date);
  if (day === undefined) return { ok: false, reason: `date "${date}" is not a valid yyyy/MM/dd date` };
  return { ok: true, parts: { issuer, date, day, number, notation } };
}

const EXPECTED_CONTENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  pdf: ['application/pdf'],
  doc: ['application/msword'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  xls: ['application/vnd.ms-excel'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  zip: ['application/zip', 'application/x-zip-compressed'],
};

/** Content types that fit a file name's extension, or undefined when the extension is not one we know. */
export function expectedContentTypes(fileName: string): readonly string[] | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : EXPECTED_CONTENT_TYPES[fileName.slice(dot + 1).toLowerCase()];
}
