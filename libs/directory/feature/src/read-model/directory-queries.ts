import { parseAgencyCode } from '@vdx/agency-code';
import type { Collection, Db, Document, Filter } from 'mongodb';
import { AGENCIES_COLLECTION } from './agency.projection';
import { toView, type AgencyView } from './agency-view';
import { advanceCursor, decodeCursor, encodeCursor } from './change-cursor';
import { DirectoryQueryError } from './directory-query.error';
import { foldName } from './fold-name';

const MAX_PAGE = 1000;
const INDEXES = [
  { key: { ancestors: 1 }, name: 'ancestors' },
  { key: { nameKey: 1 }, name: 'nameKey' },
  { key: { 'rev.p': 1, 'rev.o': 1 }, name: 'rev' },
] as const;
const MAX_CHAIN = 64;

function canonical(code: string, path = 'code'): string {
  const parsed = parseAgencyCode(code);
  if (!parsed.ok) throw new DirectoryQueryError('DIRECTORY.MALFORMED_CODE', parsed.error.message, { path });
  return parsed.code.toString();
}

function pageSize(requested: number | undefined, fallback: number): number {
  if (requested === undefined || requested === 0) return fallback;
  if (!Number.isInteger(requested) || requested < 0) throw new DirectoryQueryError('DIRECTORY.INVALID_FIELD', 'page size must be a positive whole number', { path: 'page_size' });
  return Math.min(requested, MAX_PAGE);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Read-side queries over the directory's read model. Lookups by code go straight to `_id`;
 * subtree, search and change feeds filter on fields MongoDB indexes (see `ensureIndexes`).
 */
export class DirectoryQueries {
  private readonly agencies: Collection<Document>;

  constructor(db: Db, collection = AGENCIES_COLLECTION) {
    this.agencies = db.collection(collection);
  }

  /**
   * Indexes for subtree, search and change feed. Idempotent. Only missing ones are created, one
   * per command: FerretDB 1.24 panics on a createIndexes of several indexes that all exist.
   */
  async ensureIndexes(): Promise<void> {
    const existing = new Set((await this.agencies.listIndexes().toArray().catch(() => [])).map((i) => String(i['name'])));
    for (const index of INDEXES) {
      if (!existing.has(index.name)) await this.agencies.createIndex(index.key, { name: index.name });
    }
  }

  async get(code: string): Promise<AgencyView> {
    const id = canonical(code);
    const doc = await this.agencies.findOne({ _id: id as never });
    if (!doc) throw new DirectoryQueryError('DIRECTORY.UNKNOWN_AGENCY', `agency ${id} is not in the directory`, { path: 'code' });
    return toView(doc);
  }

  /** The agency and its descendants in code order, `size` at a time after `afterCode`. */
  async subtree(code: string, opts: { pageSize?: number; afterCode?: string } = {}): Promise<{ agencies: AgencyView[]; nextAfterCode: string }> {
    const root = (await this.get(code)).code;
    const size = pageSize(opts.pageSize, 100);
    const filter: Filter<Document> = { $or: [{ _id: root as never }, { ancestors: root }] };
    const after = opts.afterCode ? canonical(opts.afterCode, 'after_code') : '';
    const docs = await this.agencies
      .find(after ? { $and: [filter, { _id: { $gt: after as never } }] } : filter)
      .sort({ _id: 1 })
      .limit(size + 1)
      .toArray();
    const page = docs.slice(0, size).map(toView);
    return { agencies: page, nextAfterCode: docs.length > size ? page[page.length - 1]!.code : '' };
  }

  /** Agencies whose name contains every word of `query`, ignoring diacritics and case. */
  async search(query: string, opts: { limit?: number; includeRetired?: boolean } = {}): Promise<AgencyView[]> {
    const words = foldName(query).split(' ').filter((w) => w.length > 0);
    if (words.length === 0) throw new DirectoryQueryError('DIRECTORY.INVALID_FIELD', 'the search needs at least one letter or digit', { path: 'query' });
    const filter: Filter<Document> = { $and: words.map((w) => ({ nameKey: { $regex: escapeRegex(w) } })) };
    if (!opts.includeRetired) filter['status'] = { $ne: 'retired' };
    const docs = await this.agencies.find(filter).sort({ _id: 1 }).limit(pageSize(opts.limit, 50)).toArray();
    return docs.map(toView);
  }

  /**
   * Agencies changed after `cursor`, oldest change first per partition. Each agency appears
   * once, in its latest state; feed the returned cursor back to continue.
   */
  async changes(cursorText: string, opts: { limit?: number } = {}): Promise<{ agencies: AgencyView[]; cursor: string; more: boolean }> {
    const cursor = decodeCursor(cursorText);
    const size = pageSize(opts.limit, 500);
    const known = Object.keys(cursor).map(Number);
    const filter: Filter<Document> = {
      $or: [...known.map((p) => ({ 'rev.p': p, 'rev.o': { $gt: cursor[p]! } })), { 'rev.p': { $nin: known } }],
    };
    const docs = await this.agencies.find(filter).sort({ 'rev.p': 1, 'rev.o': 1 }).limit(size + 1).toArray();
    const page = docs.slice(0, size);
    const next = advanceCursor(cursor, page.map((d) => d['rev'] as { p: number; o: number }));
    return { agencies: page.map(toView), cursor: encodeCursor(next), more: docs.length > size };
  }

  /** Follows retired codes to the agency that receives their documents now. */
  async resolveSuccessor(code: string): Promise<{ code: string; via: string[] }> {
    let current = await this.get(code);
    const via: string[] = [];
    while (current.status === 'retired') {
      if (!current.successorCode || via.length >= MAX_CHAIN || via.includes(current.code)) {
        throw new DirectoryQueryError('DIRECTORY.NO_SUCCESSOR', `agency ${code} is retired and no current agency succeeds it`, { path: 'code' });
      }
      via.push(current.code);
      current = await this.get(current.successorCode);
    }
    return { code: current.code, via };
  }
}
