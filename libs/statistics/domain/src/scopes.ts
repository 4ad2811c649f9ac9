import { formatCompactAgencyCode, parseAgencyCode, parseCompactAgencyCode, type AgencyCode } from '@vdx/agency-code';
import { periodsOfDay } from './calendar';

// Where a counted fact goes: the document `_id`s of the read models are
// `<period key>|<scope>`, where the scope is
//   `N`              the whole country,
//   `T:<L1>`         a level-1 agency with its whole subtree (`T:H53`),
//   `A:<compact>`    one agency's own figures, by its compact code (`A:H53.32.20`).
// The compact code is written highest level first, so an agency's subtree is a prefix and one
// `_id` range (`A:H53.32` … `A:H53.32.~`) holds all of it, in code order.

export const NATIONAL_SCOPE = 'N';

/** The scope of a level-1 agency's subtree. */
export function treeScope(level1: string): string {
  return `T:${level1}`;
}

/** The scope of one agency's own figures. */
export function ownScope(code: AgencyCode): string {
  return `A:${formatCompactAgencyCode(code)}`;
}

export const documentId = (periodKey: string, scope: string): string => `${periodKey}|${scope}`;

/** The parsed canonical code, or null for anything else (a recipient carried as written). */
export function agencyOf(code: string | null | undefined): AgencyCode | null {
  if (typeof code !== 'string') return null;
  const parsed = parseAgencyCode(code, { whitespace: 'reject' });
  return parsed.ok ? parsed.code : null;
}

/** The agency a scope's compact code names (`A:H53.32` → `000.00.32.H53`). */
export function agencyOfCompact(compact: string): AgencyCode | null {
  const parsed = parseCompactAgencyCode(compact, { whitespace: 'reject' });
  return parsed.ok ? parsed.code : null;
}

/**
 * Every document one fact about `code` on `day` (`yyyy-MM-dd`, Vietnam time) is added to, written
 * when it happens: the agency's own day, month and year; its level-1 subtree's and the whole
 * country's day, week, month, quarter and year. A code that is not a canonical agency code counts
 * in the national figures only. Weeks and quarters of one agency, and subtrees below level 1,
 * are summed when read (docs/adr/0013-statistics-read-models.md).
 */
export function fanOut(code: AgencyCode | null, day: string): string[] {
  const p = periodsOfDay(day);
  const all = [p.day, p.week, p.month, p.quarter, p.year];
  const ids = all.map((k) => documentId(k, NATIONAL_SCOPE));
  if (code === null) return ids;
  const tree = treeScope(code.level1);
  const own = ownScope(code);
  return [...[p.day, p.month, p.year].map((k) => documentId(k, own)), ...all.map((k) => documentId(k, tree)), ...ids];
}

/** `[lower, upper]` of the `_id`s of the own documents of `compact` and its whole subtree in one period. */
export function subtreeRange(periodKey: string, compact: string): { readonly gte: string; readonly lte: string } {
  return { gte: documentId(periodKey, `A:${compact}`), lte: documentId(periodKey, `A:${compact}.~`) };
}

/** `[lower, upper)` of every own document of one period (the whole country, in code order). */
export function allAgenciesRange(periodKey: string): { readonly gte: string; readonly lt: string } {
  return { gte: documentId(periodKey, 'A:'), lt: documentId(periodKey, 'A:~') };
}

/** `[lower, upper)` of the level-1 subtree documents of one period. */
export function level1TreesRange(periodKey: string): { readonly gte: string; readonly lt: string } {
  return { gte: documentId(periodKey, 'T:'), lt: documentId(periodKey, 'T:~') };
}

/** The scope part of a document `_id`. */
export function scopeOfId(id: string): string {
  return id.slice(id.indexOf('|') + 1);
}
