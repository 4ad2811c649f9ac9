import { formatCompactAgencyCode, parseAgencyCode, parseCompactAgencyCode, type AgencyCode } from '@vdx/agency-code';
import { dayKeysOfWeek, monthKeysOfQuarter, periodsOfDay } from './calendar';

// Where a counted fact goes: the document `_id`s of the read models are
// `<period key>|<scope>`, where the scope is
//   `N`              the whole country,
//   `T:<L1>`         a level-1 agency with its whole subtree (`T:H53`),
//   `A:<compact>`    one agency's own figures, by its compact code (`A:H53.32.20`).
// Reports read them by `_id` only, never by range: the agencies below a scope come from the
// agency tree (`statistics_tree`, written from the directory's events), whose documents are
// addressed by the parent's compact code (`N` for the country's level-1 agencies).

export const NATIONAL_SCOPE = 'N';

/** The `_id` of the country's entry in the agency tree: its children are the level-1 agencies. */
export const TREE_ROOT = 'N';

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
 * when it happens: the agency's own day, month and year; its level-1 subtree's day, month and
 * year; the whole country's day, week, month, quarter and year. Weeks and quarters of an agency
 * or a subtree are summed from its days and months when read, and subtrees below level 1 from
 * their agencies' own documents. A code that is not a canonical agency code counts in the
 * national figures only (docs/adr/0021-statistics-headline-documents.md).
 */
export function fanOut(code: AgencyCode | null, day: string): string[] {
  const p = periodsOfDay(day);
  const ids = [p.day, p.week, p.month, p.quarter, p.year].map((k) => documentId(k, NATIONAL_SCOPE));
  if (code === null) return ids;
  const tree = treeScope(code.level1);
  const own = ownScope(code);
  return [...[p.day, p.month, p.year].flatMap((k) => [documentId(k, own), documentId(k, tree)]), ...ids];
}

/**
 * The stored period keys whose documents sum to `key` for a scope: the country stores every
 * period; an agency and a level-1 subtree store days, months and years (a week is its seven
 * days, a quarter its three months).
 */
export function storedKeys(scope: string, key: string): string[] {
  if (scope !== NATIONAL_SCOPE) {
    if (key.startsWith('W')) return dayKeysOfWeek(key);
    if (key.startsWith('Q')) return monthKeysOfQuarter(key);
  }
  return [key];
}

/**
 * The agency tree's entry for a registered agency: the document of its parent (its compact code,
 * or `N` for a level-1 agency) and the field naming it there (its own segment of the compact
 * code: `c.H53`, `c.32`, `c.20`).
 */
export function treeEntryOf(code: AgencyCode): { readonly id: string; readonly field: string } {
  const compact = formatCompactAgencyCode(code);
  const cut = compact.lastIndexOf('.');
  return cut < 0 ? { id: TREE_ROOT, field: `c.${compact}` } : { id: compact.slice(0, cut), field: `c.${compact.slice(cut + 1)}` };
}

/** The compact codes of the children an agency tree document names, in code order. */
export function childrenOf(parent: string, doc: Readonly<Record<string, unknown>> | undefined): string[] {
  const c = doc?.['c'];
  if (c === null || typeof c !== 'object') return [];
  return Object.keys(c)
    .map((segment) => (parent === TREE_ROOT ? segment : `${parent}.${segment}`))
    .sort();
}

/** The scope part of a document `_id`. */
export function scopeOfId(id: string): string {
  return id.slice(id.indexOf('|') + 1);
}

/** Whether a document `_id` is an agency's own (`<period>|A:<compact>`): its breakdowns are in its headline document. */
export function isOwnId(id: string): boolean {
  return scopeOfId(id).startsWith('A:');
}
