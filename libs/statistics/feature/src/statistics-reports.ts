import { formatCompactAgencyCode, type AgencyCode } from '@vdx/agency-code';
import {
  NATIONAL_SCOPE,
  StatisticsError,
  TOTAL_LABEL,
  addInto,
  agencyOfCompact,
  allAgenciesRange,
  dayKeysOfWeek,
  documentId,
  figuresOf,
  figuresTable,
  level1TreesRange,
  levelsOfTally,
  levelsTable,
  monthKeysOfQuarter,
  ownScope,
  qualityOfTally,
  qualityTable,
  scopeOfId,
  subtreeRange,
  treeScope,
  type Direction,
  type DirectionFigures,
  type LevelFigures,
  type QualityFigures,
  type ReportQuery,
  type Table,
  type Tally,
} from '@vdx/statistics-domain';
import type { Db, Document } from 'mongodb';

/** An `_id` condition: the store answers equality, `$in` lists and ranges of string ids from its index. */
type IdFilter = { readonly _id: Readonly<Record<string, string>> };
import { readByIds } from './statistics-runner';
import type { StatisticsCollections } from './statistics.projection';

/** An agency as a report names it. */
export interface AgencyRef {
  readonly code: string;
  readonly name: string | null;
  readonly level: number;
}

const API_DIRECTIONS: Readonly<Record<Direction, 'sent' | 'received'>> = { s: 'sent', r: 'received' };
export type Figures = Partial<Record<'sent' | 'received', DirectionFigures>>;

export interface FlowsRow extends AgencyRef {
  readonly figures: Figures;
}

export interface QualityRow extends AgencyRef {
  readonly quality: QualityFigures;
}

/** What every periodic report says about itself, with stable names. */
export interface ReportHeader {
  readonly period: string;
  readonly from: string;
  readonly to: string;
  /** Null: the whole country. */
  readonly agency: AgencyRef | null;
  readonly subtree: boolean;
  readonly rows: string;
  /** The code to pass as `after` for the next page; null on the last page. */
  readonly nextAfter: string | null;
}

export interface FlowsReport extends ReportHeader {
  readonly direction: string;
  readonly kind: string;
  readonly priority: string;
  readonly total: Figures;
  /** One entry per period from `from` to `to`. */
  readonly series: readonly { readonly period: string; readonly figures: Figures }[];
  readonly items: readonly FlowsRow[];
}

export interface QualityReport extends ReportHeader {
  readonly total: QualityFigures;
  readonly series: readonly { readonly period: string; readonly quality: QualityFigures }[];
  readonly items: readonly QualityRow[];
}

export interface ConnectedReport {
  readonly agency: AgencyRef | null;
  readonly levels: readonly LevelFigures[];
}

/** The key as `from`/`to` write it (`M2025-07` → `2025-07`). */
const periodValue = (key: string): string => key.slice(1);

/** The stored keys an agency's own figures of one period are the sum of (weeks are days, quarters months). */
function ownKeys(key: string): string[] {
  if (key.startsWith('W')) return dayKeysOfWeek(key);
  if (key.startsWith('Q')) return monthKeysOfQuarter(key);
  return [key];
}

/** The compact code of `code`'s ancestor (or itself) at `level`. */
function compactAt(compact: string, level: number): string {
  return compact.split('.').slice(0, level).join('.');
}

/**
 * Answers the reporting API from the statistics read models, reading only by `_id`: one
 * document, `$in` lists of them, or `_id` ranges (a subtree's own documents, the level-1
 * subtrees of a period), sorted and limited in the store.
 */
export class StatisticsReports {
  constructor(
    private readonly db: Db,
    private readonly names: StatisticsCollections,
  ) {}

  private async range(collection: string, filter: IdFilter, limit?: number): Promise<Document[]> {
    const cursor = this.db.collection<{ _id: string }>(collection).find(filter as never, { projection: { _pos: 0 } }).sort({ _id: 1 });
    return (limit === undefined ? cursor : cursor.limit(limit)).toArray();
  }

  private async agencyRefs(codes: readonly AgencyCode[]): Promise<Map<string, AgencyRef>> {
    const docs = await readByIds(this.db, this.names.agencies, [...new Set(codes.map((c) => c.toString()))]);
    const byCode = new Map(docs.map((d) => [String(d['_id']), typeof d['name'] === 'string' ? d['name'] : null]));
    return new Map(codes.map((c) => [c.toString(), { code: c.toString(), name: byCode.get(c.toString()) ?? null, level: c.level }]));
  }

  /**
   * The summed documents of one model for a query: per requested period its total, and the rows.
   * `scopeRows` maps each own (or level-1 subtree) document to the row it adds to.
   */
  private async gather(collection: string, q: ReportQuery): Promise<{ totals: Map<string, Tally>; rows: Map<string, Tally>; rowCodes: AgencyCode[]; nextAfter: string | null }> {
    const totals = new Map(q.keys.map((k) => [k, {} as Tally]));
    const rows = new Map<string, Tally>();
    const agency = q.agency;
    const compact = agency ? formatCompactAgencyCode(agency) : null;

    // The totals.
    if (agency === null || (q.subtree && agency.level === 1)) {
      const scope = agency === null ? NATIONAL_SCOPE : treeScope(agency.level1);
      const docs = await readByIds(this.db, collection, q.keys.map((k) => documentId(k, scope)));
      const byId = new Map(docs.map((d) => [String(d['_id']), d]));
      for (const k of q.keys) addInto(totals.get(k)!, byId.get(documentId(k, scope)) ?? {});
    } else if (!q.subtree || agency.level === 4) {
      const keys = q.keys.flatMap((k) => ownKeys(k).map((s) => [k, s] as const));
      const docs = await readByIds(this.db, collection, keys.map(([, s]) => documentId(s, ownScope(agency))));
      const byId = new Map(docs.map((d) => [String(d['_id']), d]));
      for (const [k, s] of keys) addInto(totals.get(k)!, byId.get(documentId(s, ownScope(agency))) ?? {});
    }

    // Subtrees below level 1 and children rows below the country read the subtree's own documents.
    const subtreeSum = agency !== null && q.subtree && agency.level > 1 && agency.level < 4;
    const childRows = q.rows === 'children' && agency !== null && agency.level < 4;
    if (subtreeSum || childRows) {
      for (const k of q.keys) {
        for (const s of ownKeys(k)) {
          const { gte, lte } = subtreeRange(s, compact!);
          for (const doc of await this.range(collection, { _id: { $gte: gte, $lte: lte } })) {
            const own = scopeOfId(String(doc['_id'])).slice(2);
            if (subtreeSum) addInto(totals.get(k)!, doc);
            if (childRows && own !== compact) {
              const child = compactAt(own, agency.level + 1);
              addInto(rows.get(child) ?? rows.set(child, {}).get(child)!, doc);
            }
          }
        }
      }
    }
    if (q.rows === 'children' && agency === null) {
      for (const k of q.keys) {
        const { gte, lt } = level1TreesRange(k);
        for (const doc of await this.range(collection, { _id: { $gte: gte, $lt: lt } })) {
          const level1 = scopeOfId(String(doc['_id'])).slice(2);
          addInto(rows.get(level1) ?? rows.set(level1, {}).get(level1)!, doc);
        }
      }
    }

    if (q.rows === 'agencies') return this.agencyRows(collection, q, totals, compact);
    const after = q.after ? formatCompactAgencyCode(q.after) : null;
    const ordered = [...rows.keys()].filter((c) => after === null || c > after).sort();
    const page = ordered.slice(0, q.limit);
    const paged = new Map(page.map((c) => [c, rows.get(c)!]));
    const rowCodes = page.map((c) => agencyOfCompact(c)).filter((c): c is AgencyCode => c !== null);
    return { totals, rows: paged, rowCodes, nextAfter: ordered.length > q.limit ? (agencyOfCompact(page[page.length - 1]!)?.toString() ?? null) : null };
  }

  /** Every agency of the subtree (or of the country) with its own figures, a page in code order. */
  private async agencyRows(collection: string, q: ReportQuery, totals: Map<string, Tally>, compact: string | null) {
    const stored = [...new Set(q.keys.flatMap(ownKeys))];
    const afterScope = q.after ? ownScope(q.after) : null;
    const candidates = new Set<string>();
    let more = false;
    for (const s of stored) {
      const bounds = compact === null ? allAgenciesRange(s) : subtreeRange(s, compact);
      const condition: Record<string, string> = afterScope === null ? { $gte: bounds.gte } : { $gt: documentId(s, afterScope) };
      if ('lt' in bounds) condition['$lt'] = bounds.lt;
      else condition['$lte'] = bounds.lte;
      const docs = await this.range(collection, { _id: condition }, q.limit + 1);
      if (docs.length > q.limit) more = true;
      for (const d of docs) candidates.add(scopeOfId(String(d['_id'])));
    }
    const sorted = [...candidates].sort();
    const page = sorted.slice(0, q.limit);
    if (sorted.length > q.limit) more = true;
    const ids = q.keys.flatMap((k) => ownKeys(k).flatMap((s) => page.map((scope) => ({ k, id: documentId(s, scope), scope }))));
    const byId = new Map((await readByIds(this.db, collection, ids.map((i) => i.id))).map((d) => [String(d['_id']), d]));
    const rows = new Map(page.map((scope) => [scope.slice(2), {} as Tally]));
    for (const { id, scope } of ids) addInto(rows.get(scope.slice(2))!, byId.get(id) ?? {});
    const rowCodes = page.map((scope) => agencyOfCompact(scope.slice(2))).filter((c): c is AgencyCode => c !== null);
    return { totals, rows, rowCodes, nextAfter: more && rowCodes.length > 0 ? rowCodes[rowCodes.length - 1]!.toString() : null };
  }

  private header(q: ReportQuery, agency: AgencyRef | null, nextAfter: string | null): ReportHeader {
    return { period: q.period, from: periodValue(q.keys[0]!), to: periodValue(q.keys[q.keys.length - 1]!), agency, subtree: q.subtree, rows: q.rows, nextAfter };
  }

  /** Sent, received, fetched, acknowledged, statuses, signatures, Decree 30 and latency. */
  async flows(q: ReportQuery): Promise<FlowsReport> {
    const { totals, rows, rowCodes, nextAfter } = await this.gather(this.names.counters, q);
    const figures = (t: Tally): Figures => Object.fromEntries(q.directions.map((d) => [API_DIRECTIONS[d], figuresOf(t, d, q.selection)]));
    const refs = await this.agencyRefs(q.agency ? [q.agency, ...rowCodes] : rowCodes);
    const all: Tally = {};
    for (const t of totals.values()) addInto(all, t);
    return {
      ...this.header(q, q.agency ? refs.get(q.agency.toString())! : null, nextAfter),
      direction: q.directions.length === 2 ? 'both' : API_DIRECTIONS[q.directions[0]!],
      kind: q.selection.kinds.length === 2 ? 'all' : q.selection.kinds[0] === 'd' ? 'document' : 'status',
      priority: q.selection.lanes.length === 2 ? 'all' : q.selection.lanes[0] === 'n' ? 'normal' : 'urgent',
      total: figures(all),
      series: [...totals].map(([k, t]) => ({ period: periodValue(k), figures: figures(t) })),
      items: rowCodes.map((c) => ({ ...refs.get(c.toString())!, figures: figures(rows.get(formatCompactAgencyCode(c))!) })),
    };
  }

  /** Refusals and findings per code of the packages sent. */
  async quality(q: ReportQuery): Promise<QualityReport> {
    const { totals, rows, rowCodes, nextAfter } = await this.gather(this.names.quality, q);
    const refs = await this.agencyRefs(q.agency ? [q.agency, ...rowCodes] : rowCodes);
    const all: Tally = {};
    for (const t of totals.values()) addInto(all, t);
    return {
      ...this.header(q, q.agency ? refs.get(q.agency.toString())! : null, nextAfter),
      total: qualityOfTally(all),
      series: [...totals].map(([k, t]) => ({ period: periodValue(k), quality: qualityOfTally(t) })),
      items: rowCodes.map((c) => ({ ...refs.get(c.toString())!, quality: qualityOfTally(rows.get(formatCompactAgencyCode(c))!) })),
    };
  }

  /** Agencies and connected agencies per level, nationally or in one level-1 agency's subtree. */
  async connected(q: ReportQuery): Promise<ConnectedReport> {
    if (q.agency !== null && q.agency.level !== 1) {
      throw new StatisticsError('STATISTICS.BAD_AGENCY', 'agency', `connected counts per level-1 agency (a ministry or a province) or for the whole country; ${q.agency.toString()} is at level ${q.agency.level}`);
    }
    const id = q.agency === null ? NATIONAL_SCOPE : treeScope(q.agency.level1);
    const [doc] = await readByIds(this.db, this.names.directory, [id]);
    const refs = q.agency ? await this.agencyRefs([q.agency]) : new Map<string, AgencyRef>();
    return { agency: q.agency ? refs.get(q.agency.toString())! : null, levels: levelsOfTally(addInto({}, doc ?? {})) };
  }
}

const titleOf = (what: string, h: ReportHeader): string => `${what} ${h.period} ${h.from}${h.to === h.from ? '' : `–${h.to}`}${h.agency ? ` ${h.agency.code}` : ''}`;

/** The flows report as a table: its rows (or one row per period when it has none) and the total. */
export function flowsTable(report: FlowsReport, directions: readonly Direction[]): Table {
  const figuresOfRow = (f: Figures) => ({ ...(f.sent ? { s: f.sent } : {}), ...(f.received ? { r: f.received } : {}) });
  const body = report.rows === 'none' ? report.series.map((s) => ({ code: s.period, name: null, level: null, figures: figuresOfRow(s.figures) })) : report.items.map((r) => ({ code: r.code, name: r.name, level: r.level, figures: figuresOfRow(r.figures) }));
  return figuresTable(titleOf('Thống kê gửi nhận', report), directions, [...body, { code: TOTAL_LABEL, name: report.agency?.name ?? null, level: report.agency?.level ?? null, figures: figuresOfRow(report.total) }]);
}

export function qualityReportTable(report: QualityReport): Table {
  const body = report.rows === 'none' ? report.series.map((s) => ({ code: s.period, name: null, level: null, quality: s.quality })) : report.items.map((r) => ({ code: r.code, name: r.name, level: r.level, quality: r.quality }));
  return qualityTable(titleOf('Thống kê từ chối và lỗi', report), [...body, { code: TOTAL_LABEL, name: report.agency?.name ?? null, level: report.agency?.level ?? null, quality: report.total }]);
}

export function connectedTable(report: ConnectedReport): Table {
  return levelsTable(`Cơ quan kết nối${report.agency ? ` ${report.agency.code}` : ''}`, report.levels);
}
