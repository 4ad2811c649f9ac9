import { isInSubtree, type AgencyCode } from '@vdx/agency-code';
import type { PackageRef } from '@vdx/contracts';
import type { Account } from './access';
import { parsePeriodValue, periodKeysBetween, vietnamDay } from './calendar';
import { codeField } from './metrics';
import { onlyKnown, single, type RawQuery } from './query';
import { agencyOf } from './scopes';
import { StatisticsError } from './statistics.error';

// The document lookup of the console (docs/adr/0025-statistics-document-lookup.md): entries of
// `statistics_documents` whose `_id` starts with what is searched, so every search is one `_id`
// range, which the store answers from its index (docs/adr/0002).
//
//   d:<document key>|<package id>          a package about the document: its own packages, the
//                                           statuses about it, the revokes/updates/replacements
//                                           that concern it (the trace's list of packages)
//   n:<normalised notation>|<DocumentId>   a document by its number and notation (số, ký hiệu)
//   s:<sender>|<yyyy-MM-dd>|<DocumentId>   a document by its sender and the day it was accepted
//
// Each part is written with `keyPart`: the store pushes an `_id` range down to its index only
// when both bounds are plain strings (`#` to `~`, letters, digits; docs/adr/0002, addendum), and a
// DocumentId holds Vietnamese letters (`VPCP-TTĐT`).

/** Above every character of a `keyPart`: an `_id` range `[prefix, prefix + END)` holds every `_id` starting with `prefix`. */
export const LOOKUP_END = '~';

const encoder = new TextEncoder();

/**
 * A part of a lookup `_id`: the characters from `#` to `}` as they are, but `%` and `|` (the
 * separator); every other one (space, `!`, `"`, `~`, letters beyond ASCII) as `%XX` of its UTF-8
 * bytes. Reversible, and a prefix of a text gives a prefix of its part.
 */
export function keyPart(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x23 && c <= 0x7d && ch !== '%' && ch !== '|') out += ch;
    else for (const b of encoder.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const MAX_DOCUMENT_ID = 300;
const MAX_NOTATION = 60;
export const MAX_SEARCH_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 20;
/** Days of one search by sender. */
export const MAX_SEARCH_DAYS = 366;
/** Days searched by sender when `from` is not given: the last 31 up to `to`. */
const DEFAULT_SEARCH_DAYS = 31;

/** What a `d:` entry says a package is to the document. */
export type PackageRole = 'document' | 'status' | 'revoke' | 'update' | 'replace';

const CHANGE_ROLES: Readonly<Record<string, PackageRole>> = { '1': 'revoke', '2': 'update', '3': 'replace' };

/**
 * A notation as the lookup keys it: letters without their marks (`Đ` as `d`), lower case, no
 * white space, so `7816/VPCP-TTĐT`, `7816/vpcp-ttdt` and `7816 / VPCP-TTĐT` are one.
 */
export function normaliseNotation(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, '');
}

/** The `<number>/<notation>` of a DocumentId (`<issuer>,<yyyy/MM/dd>,<number>/<notation>`), or null for one not of that form. */
export function notationOf(documentId: string | null): string | null {
  if (documentId === null) return null;
  const parts = documentId.split(',');
  if (parts.length < 3) return null;
  const notation = parts.slice(2).join(',').trim();
  return notation === '' ? null : notation;
}

export const documentEntryId = (documentKey: string, packageId: string): string => `d:${keyPart(documentKey)}|${keyPart(packageId)}`;
export const notationEntryId = (notation: string, documentId: string): string => `n:${keyPart(normaliseNotation(notation))}|${keyPart(documentId)}`;
export const senderEntryId = (sender: string, day: string, documentKey: string): string => `s:${keyPart(sender)}|${day}|${keyPart(documentKey)}`;
/** The prefix of every `d:` entry of one document. */
export const documentPrefix = (documentKey: string): string => `d:${keyPart(documentKey)}|`;

/** A write of the lookup: fields set on one entry (the guarded writer adds its guard). */
export interface LookupWrite {
  readonly id: string;
  readonly set: Readonly<Record<string, unknown>>;
}

/** The recipients as fields `r.<code with : for .>`, so two packages of one document add theirs up. */
function recipientFields(codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[`r.${codeField(c)}`] = 1;
  return out;
}

/** The recipients a `r.` map names, as codes. */
export function recipientsOf(entry: Readonly<Record<string, unknown>>): string[] {
  const r = entry['r'];
  if (typeof r !== 'object' || r === null) return [];
  return Object.keys(r).map((f) => f.replace(/:/g, '.')).sort();
}

/**
 * The entries an accepted package writes: its `d:` entry under its document key; for a document,
 * its `n:` (when its DocumentId has a notation) and `s:` entries; for a revoke, update or
 * replacement, a `d:` entry under the document it concerns too. Every field is `$set`: writing an
 * entry again writes the same values.
 */
export function acceptedEntries(ref: Pick<PackageRef, 'packageId' | 'kind' | 'senderCode' | 'recipientCodes' | 'documentId' | 'businessDocType' | 'relatedDocumentId' | 'statusCode' | 'subject'>, acceptedAt: string): LookupWrite[] {
  const key = ref.documentId ?? ref.packageId;
  const isStatus = ref.kind === 'status';
  const change = !isStatus && ref.businessDocType ? CHANGE_ROLES[ref.businessDocType] : undefined;
  const role: PackageRole = isStatus ? 'status' : 'document';
  const common = { pkg: ref.packageId, from: ref.senderCode, at: acceptedAt, ...(ref.subject ? { sub: ref.subject } : {}) };
  const out: LookupWrite[] = [
    {
      id: documentEntryId(key, ref.packageId),
      set: { ...common, doc: key, role, ...(isStatus && ref.statusCode ? { st: ref.statusCode } : {}), ...(change ? { change, rel: ref.relatedDocumentId } : {}), ...recipientFields(ref.recipientCodes) },
    },
  ];
  if (isStatus) return out;
  const found = { ...common, doc: key, ...recipientFields(ref.recipientCodes) };
  const notation = notationOf(ref.documentId);
  if (notation !== null && ref.documentId !== null) out.push({ id: notationEntryId(notation, ref.documentId), set: { ...found, no: notation } });
  out.push({ id: senderEntryId(ref.senderCode, vietnamDay(acceptedAt), key), set: { ...found, ...(notation ? { no: notation } : {}) } });
  if (change && ref.relatedDocumentId) {
    out.push({ id: documentEntryId(ref.relatedDocumentId, ref.packageId), set: { ...common, doc: ref.relatedDocumentId, role: change, by: key, ...recipientFields(ref.recipientCodes) } });
  }
  return out;
}

/**
 * What a refusal after the edge (the signature service's, routing's) sets on the package's `d:`
 * entry: `stage` and `code`, which the acceptance never sets, so the order the two topics are
 * folded in does not matter.
 */
export function refusedEntry(ref: Pick<PackageRef, 'packageId' | 'documentId'>, stage: 'signature-rejected' | 'routing-rejected', errorCode: string): LookupWrite {
  return { id: documentEntryId(ref.documentId ?? ref.packageId, ref.packageId), set: { stage, code: errorCode } };
}

// ---------------------------------------------------------------------------------------------
// The API's parameters.


function limitOf(raw: RawQuery, fallback: number, max: number): number {
  const value = single(raw, 'limit') ?? String(fallback);
  const n = Number(value);
  if (!/^\d{1,4}$/.test(value) || n < 1 || n > max) throw new StatisticsError('STATISTICS.BAD_LIMIT', `limit must be a whole number from 1 to ${max}, not ${JSON.stringify(value.slice(0, 40))}`, { path: 'limit' });
  return n;
}

/** A DocumentId as a parameter: 1–300 characters, no `|` (the lookup's separator). */
export function documentIdParam(value: unknown, path = 'documentId'): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_DOCUMENT_ID || value.includes('|')) {
    throw new StatisticsError('STATISTICS.BAD_DOCUMENT_ID', `${path} must be a DocumentId (or a package id) of 1 to ${MAX_DOCUMENT_ID} characters without "|", like 000.00.00.G22,2025/07/15,7816/VPCP-TTĐT`, { path });
  }
  return value.trim();
}

/** One search of the document lookup: an `_id` range, read in `_id` order from `after`. */
export interface DocumentSearch {
  readonly by: 'documentId' | 'notation' | 'sender';
  /** The first `_id` of the range (inclusive) and the end (exclusive). */
  readonly gte: string;
  readonly lt: string;
  /** The last `_id` of the previous page, or null. */
  readonly after: string | null;
  readonly limit: number;
  /** For `documentId`: the document key looked for. */
  readonly documentId: string | null;
  readonly sender: AgencyCode | null;
}

const SEARCH_PARAMETERS = ['documentId', 'notation', 'sender', 'from', 'to', 'limit', 'after'] as const;

/**
 * `GET /statistics/v1/documents`: exactly one of `documentId` (the document's own entries),
 * `notation` (a prefix of `<number>/<notation>`, marks and case ignored) or `sender` (with
 * `from`/`to` days, Vietnam time; the last 31 days up to today by default); `limit` (1–100),
 * `after` (the previous page's `nextAfter`).
 */
export function parseDocumentSearch(raw: RawQuery, nowMs: number): DocumentSearch {
  onlyKnown(raw, 'documents', SEARCH_PARAMETERS);
  const given = (['documentId', 'notation', 'sender'] as const).filter((n) => raw[n] !== undefined);
  if (given.length !== 1) {
    throw new StatisticsError('STATISTICS.BAD_SEARCH', given.length === 0 ? 'search by one of documentId, notation or sender' : `search by one of documentId, notation or sender, not ${given.join(' and ')}`, { path: given[1] ?? '' });
  }
  const by = given[0]!;
  if (by !== 'sender') for (const n of ['from', 'to'] as const) if (raw[n] !== undefined) throw new StatisticsError('STATISTICS.BAD_PARAMETER', `${n} goes with sender only`, { path: n });
  const limit = limitOf(raw, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
  let gte: string;
  let lt: string;
  let documentId: string | null = null;
  let sender: AgencyCode | null = null;
  if (by === 'documentId') {
    documentId = documentIdParam(single(raw, 'documentId'));
    gte = documentPrefix(documentId);
    lt = `${gte}${LOOKUP_END}`;
  } else if (by === 'notation') {
    const text = normaliseNotation(single(raw, 'notation') ?? '');
    if (text === '' || text.length > MAX_NOTATION || text.includes('|')) {
      throw new StatisticsError('STATISTICS.BAD_SEARCH', `notation must be 1 to ${MAX_NOTATION} characters without "|", the start of a number and notation like 7816/VPCP-TTĐT`, { path: 'notation' });
    }
    gte = `n:${keyPart(text)}`;
    lt = `${gte}${LOOKUP_END}`;
  } else {
    const value = single(raw, 'sender') ?? '';
    sender = agencyOf(value);
    if (sender === null) throw new StatisticsError('STATISTICS.BAD_AGENCY', `sender must be a canonical agency code like 000.00.00.H53, not ${JSON.stringify(value.slice(0, 40))}`, { path: 'sender' });
    const toValue = single(raw, 'to');
    const to = toValue === undefined ? `D${vietnamDay(nowMs)}` : parsePeriodValue('day', toValue, 'to');
    const fromValue = single(raw, 'from');
    const from = fromValue === undefined ? `D${vietnamDay(Date.parse(`${to.slice(1)}T00:00:00Z`) - (DEFAULT_SEARCH_DAYS - 1) * 86_400_000)}` : parsePeriodValue('day', fromValue, 'from');
    periodKeysBetween(from, to, MAX_SEARCH_DAYS);
    const prefix = `s:${keyPart(sender.toString())}|`;
    gte = `${prefix}${from.slice(1)}|`;
    lt = `${prefix}${to.slice(1)}|${LOOKUP_END}`;
  }
  const afterValue = single(raw, 'after');
  if (afterValue !== undefined && (afterValue < gte || afterValue >= lt)) {
    throw new StatisticsError('STATISTICS.BAD_PARAMETER', 'after must be the nextAfter of the previous page of the same search', { path: 'after' });
  }
  return { by, gte, lt, after: afterValue ?? null, limit, documentId, sender };
}

/** `GET /statistics/v1/documents/trace`: `documentId` only. */
export function parseTraceQuery(raw: RawQuery): string {
  onlyKnown(raw, 'documents/trace', ['documentId']);
  return documentIdParam(single(raw, 'documentId'));
}

export interface DeadLetterQuery {
  readonly limit: number;
  /** The last delivery id of the previous page, or null. */
  readonly after: string | null;
}

export const DEFAULT_DEAD_LIMIT = 50;

/** `GET /statistics/v1/dead-letters`: `limit` (1–100), `after` (the previous page's `nextAfter`). */
export function parseDeadLetterQuery(raw: RawQuery): DeadLetterQuery {
  onlyKnown(raw, 'dead-letters', ['limit', 'after']);
  const limit = limitOf(raw, DEFAULT_DEAD_LIMIT, MAX_SEARCH_LIMIT);
  const after = single(raw, 'after');
  if (after !== undefined) deliveryIdParam(after, 'after');
  return { limit, after: after ?? null };
}

/** A delivery id (`<package id>/<recipient code>`). */
export function deliveryIdParam(value: unknown, path = 'deliveryId'): string {
  if (typeof value !== 'string' || !/^[^\s/]{1,200}\/[0-9A-Za-z.]{1,40}$/.test(value)) {
    throw new StatisticsError('STATISTICS.BAD_DELIVERY_ID', `${path} must be a delivery id <package id>/<recipient code>`, { path });
  }
  return value;
}

/** The body of `POST /statistics/v1/dead-letters/redrive`: `{ "deliveryId": "<package id>/<recipient code>" }`. */
export function parseRedriveBody(body: unknown): string {
  const b = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  if (b === null || Object.keys(b).some((k) => k !== 'deliveryId')) throw new StatisticsError('STATISTICS.BAD_DELIVERY_ID', 'the body must be JSON { "deliveryId": "<package id>/<recipient code>" }', { path: 'deliveryId' });
  return deliveryIdParam(b['deliveryId']);
}

// ---------------------------------------------------------------------------------------------
// Who sees which documents and dead letters.

/**
 * Whether the account may see something about these agencies: central office and viewers see
 * every document and dead letter; an agency admin those where one of `codes` (a sender, a
 * recipient) is its agency or below it. Null: no accounts configured (open).
 */
export function seesAny(account: Account | null, codes: readonly (string | null | undefined)[]): boolean {
  if (account === null || account.role !== 'agency-admin') return true;
  const root = account.agency!;
  return codes.some((c) => {
    const code = agencyOf(c);
    return code !== null && isInSubtree(code, root);
  });
}

/** Refuses a redrive to anyone but the central office (`STATISTICS.ROLE_FORBIDDEN`, 403). Null: no accounts configured (open). */
export function authorizeRedrive(account: Account | null): void {
  if (account === null || account.role === 'central-office') return;
  throw new StatisticsError('STATISTICS.ROLE_FORBIDDEN', `only the central office redrives dead letters; ${account.user} is ${account.role}`);
}
