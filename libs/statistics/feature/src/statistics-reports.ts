import { formatCompactAgencyCode, type AgencyCode } from '@vdx/agency-code';
import {
  NATIONAL_SCOPE,
  StatisticsError,
  TOTAL_LABEL,
  TREE_ROOT,
  addInto,
  agencyOfCompact,
  childrenOf,
  documentId,
  figuresOf,
  figuresTable,
  isOwnId,
  levelsOfTally,
  levelsTable,
  ownScope,
  qualityOfTally,
  qualityTable,
  storedKeys,
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
  /** The breakdowns are in the figures (statuses per code, every verdict, latency buckets). */
  readonly detail: boolean;
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

/** The compact code of `compact`'s ancestor (or itself) at `level`. */
function compactAt(compact: string, level: number): string {
  return compact.split('.').slice(0, level).join('.');
}

const levelOfCompact = (compact: string): number => compact.split('.').length;

/** Summed documents: one tally per collection read (the headline and, asked for, the breakdown; or quality). */
type Tallies = Tally[];
const emptyTallies = (n: number): Tallies => Array.from({ length: n }, () => ({}));

/** The rows of a report before they are named: per row code (compact), its summed tallies. */
interface Gathered {
  readonly totals: Map<string, Tallies>;
  readonly rows: Map<string, Tallies>;
  readonly rowCodes: AgencyCode[];
  readonly nextAfter: string | null;
}

/**
 * Answers the reporting API from the statistics read models, reading only by `_id`: single
 * documents and `$in` lists of them (the store answers those from its index; an `_id` range it
 * answers by reading the whole collection, docs/adr/0021). Which agencies lie below a scope comes
 * from the agency tree (`statistics_tree`), read level by level.
 */
export class StatisticsReports {
  constructor(
    private readonly db: Db,
    private readonly names: StatisticsCollections,
  ) {}

  private async agencyRefs(codes: readonly AgencyCode[]): Promise<Map<string, AgencyRef>> {
    const docs = await readByIds(this.db, this.names.agencies, [...new Set(codes.map((c) => c.toString()))]);
    const byCode = new Map(docs.map((d) => [String(d['_id']), typeof d['name'] === 'string' ? d['name'] : null]));
    return new Map(codes.map((c) => [c.toString(), { code: c.toString(), name: byCode.get(c.toString()) ?? null, level: c.level }]));
  }

  /** The registered children (compact codes, in code order) of each of `parents` (`N`: the level-1 agencies). */
  private async children(parents: readonly string[]): Promise<Map<string, string[]>> {
    const docs = await readByIds(this.db, this.names.tree, parents.filter((p) => p === TREE_ROOT || levelOfCompact(p) < 4));
    const byId = new Map(docs.map((d) => [String(d['_id']), d]));
    return new Map(parents.map((p) => [p, childrenOf(p, byId.get(p))]));
  }

  /** Every registered agency below `roots` (compact codes), not the roots themselves, read level by level. */
  private async descendants(roots: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    let frontier = roots.filter((r) => levelOfCompact(r) < 4);
    while (frontier.length > 0) {
      const next = [...(await this.children(frontier)).values()].flat();
      out.push(...next);
      frontier = next.filter((c) => levelOfCompact(c) < 4);
    }
    return out;
  }

  /**
   * Per `_id`, the documents of each collection, summed into `into` per target: `targets` lists
   * for each document the tally it adds to. An agency's own document holds its breakdowns too:
   * it is read from the first collection only and added to every tally.
   */
  private async addDocuments(collections: readonly string[], targets: readonly (readonly [string, Tallies])[]): Promise<void> {
    const ids = [...new Set(targets.map(([id]) => id))];
    const shared = ids.filter((id) => !isOwnId(id));
    const read = await Promise.all(collections.map(async (c, i) => new Map((await readByIds(this.db, c, i === 0 ? ids : shared)).map((d) => [String(d['_id']), d as Document]))));
    for (const [id, into] of targets) {
      if (isOwnId(id)) {
        const doc = read[0]!.get(id) ?? {};
        for (const tally of into) addInto(tally, doc);
      } else read.forEach((docs, i) => addInto(into[i]!, docs.get(id) ?? {}));
    }
  }

  /** The stored documents of a scope whose sum is period `key`, each added to `into`. */
  private static targets(scope: string, key: string, into: Tallies): (readonly [string, Tallies])[] {
    return storedKeys(scope, key).map((s) => [documentId(s, scope), into] as const);
  }

  /**
   * The summed documents of `collections` for a query: per requested period its total, and a
   * page of rows (codes after `after`, at most `limit`).
   */
  private async gather(collections: readonly string[], q: ReportQuery): Promise<Gathered> {
    const n = collections.length;
    const totals = new Map(q.keys.map((k) => [k, emptyTallies(n)]));
    const rows = new Map<string, Tallies>();
    const targets: (readonly [string, Tallies])[] = [];
    const agency = q.agency;
    const compact = agency ? formatCompactAgencyCode(agency) : null;
    const own = (c: string) => `A:${c}`;
    const after = q.after ? formatCompactAgencyCode(q.after) : null;

    // The totals: the country's, a level-1 subtree's or an agency's own documents; a subtree
    // below level 1 is the sum of its agencies' own documents.
    let subtree: string[] | null = null;
    if (agency === null || (q.subtree && agency.level === 1)) {
      const scope = agency === null ? NATIONAL_SCOPE : treeScope(agency.level1);
      for (const k of q.keys) targets.push(...StatisticsReports.targets(scope, k, totals.get(k)!));
    } else if (!q.subtree || agency.level === 4) {
      for (const k of q.keys) targets.push(...StatisticsReports.targets(ownScope(agency), k, totals.get(k)!));
    } else {
      subtree = [compact!, ...(await this.descendants([compact!]))];
      for (const c of subtree) for (const k of q.keys) targets.push(...StatisticsReports.targets(own(c), k, totals.get(k)!));
    }

    let page: string[] = [];
    let more = false;
    if (q.rows === 'children' && (agency === null || agency.level < 4)) {
      const parent = compact ?? TREE_ROOT;
      const all = (await this.children([parent])).get(parent)!.filter((c) => after === null || c > after);
      page = all.slice(0, q.limit);
      more = all.length > q.limit;
      for (const c of page) rows.set(c, emptyTallies(n));
      if (agency === null) {
        // A level-1 agency's row is its subtree's document.
        for (const c of page) for (const k of q.keys) targets.push(...StatisticsReports.targets(treeScope(c), k, rows.get(c)!));
      } else {
        // A child's row is the sum of its subtree's own documents (all of them summed per period).
        const inPage = new Set(page);
        const below = subtree ?? [compact!, ...(await this.descendants([compact!]))];
        for (const c of below) {
          if (c === compact) continue;
          const child = compactAt(c, agency.level + 1);
          if (!inPage.has(child)) continue;
          for (const k of q.keys) targets.push(...StatisticsReports.targets(own(c), k, rows.get(child)!));
        }
      }
    } else if (q.rows === 'agencies') {
      ({ page, more } = await this.agencyPage(compact, after, q.limit));
      for (const c of page) {
        rows.set(c, emptyTallies(n));
        for (const k of q.keys) targets.push(...StatisticsReports.targets(own(c), k, rows.get(c)!));
      }
    }

    await this.addDocuments(collections, targets);
    const rowCodes = page.map((c) => agencyOfCompact(c)).filter((c): c is AgencyCode => c !== null);
    return { totals, rows, rowCodes, nextAfter: more && rowCodes.length > 0 ? rowCodes[rowCodes.length - 1]!.toString() : null };
  }

  /**
   * A page of the registered agencies of a subtree (the agency and every unit below it), or of
   * the whole country, in code order after `after`: the country's is walked one level-1 subtree at
   * a time, so a page reads the tree of the subtrees it spans only.
   */
  private async agencyPage(root: string | null, after: string | null, limit: number): Promise<{ page: string[]; more: boolean }> {
    const roots = root !== null ? [root] : (await this.children([TREE_ROOT])).get(TREE_ROOT)!;
    const page: string[] = [];
    for (const r of roots) {
      // A whole subtree before `after` (its codes all sort below `<r>.~`) is skipped unread.
      if (after !== null && after > `${r}.~`) continue;
      const codes = [r, ...(await this.descendants([r]))].sort().filter((c) => after === null || c > after);
      page.push(...codes);
      if (page.length > limit) break;
    }
    return { page: page.slice(0, limit), more: page.length > limit };
  }

  private header(q: ReportQuery, agency: AgencyRef | null, nextAfter: string | null): ReportHeader {
    return { period: q.period, from: periodValue(q.keys[0]!), to: periodValue(q.keys[q.keys.length - 1]!), agency, subtree: q.subtree, rows: q.rows, nextAfter };
  }

  /** Sent, received, fetched, acknowledged, signatures, Decree 30 and mean latency; with `detail`, statuses per code, every verdict and the latency buckets. */
  async flows(q: ReportQuery): Promise<FlowsReport> {
    const collections = q.detail ? [this.names.headline, this.names.detail] : [this.names.headline];
    const { totals, rows, rowCodes, nextAfter } = await this.gather(collections, q);
    const figures = ([headline, detail]: Tallies): Figures => Object.fromEntries(q.directions.map((d) => [API_DIRECTIONS[d], figuresOf(headline!, detail ?? null, d, q.selection)]));
    const refs = await this.agencyRefs(q.agency ? [q.agency, ...rowCodes] : rowCodes);
    const all = emptyTallies(collections.length);
    for (const t of totals.values()) t.forEach((tally, i) => addInto(all[i]!, tally));
    return {
      ...this.header(q, q.agency ? refs.get(q.agency.toString())! : null, nextAfter),
      direction: q.directions.length === 2 ? 'both' : API_DIRECTIONS[q.directions[0]!],
      kind: q.selection.kinds.length === 2 ? 'all' : q.selection.kinds[0] === 'd' ? 'document' : 'status',
      priority: q.selection.lanes.length === 2 ? 'all' : q.selection.lanes[0] === 'n' ? 'normal' : 'urgent',
      detail: q.detail,
      total: figures(all),
      series: [...totals].map(([k, t]) => ({ period: periodValue(k), figures: figures(t) })),
      items: rowCodes.map((c) => ({ ...refs.get(c.toString())!, figures: figures(rows.get(formatCompactAgencyCode(c))!) })),
    };
  }

  /** Refusals and findings per code of the packages sent. */
  async quality(q: ReportQuery): Promise<QualityReport> {
    const { totals, rows, rowCodes, nextAfter } = await this.gather([this.names.quality], q);
    const refs = await this.agencyRefs(q.agency ? [q.agency, ...rowCodes] : rowCodes);
    const all: Tally = {};
    for (const [t] of totals.values()) addInto(all, t!);
    return {
      ...this.header(q, q.agency ? refs.get(q.agency.toString())! : null, nextAfter),
      total: qualityOfTally(all),
      series: [...totals].map(([k, [t]]) => ({ period: periodValue(k), quality: qualityOfTally(t!) })),
      items: rowCodes.map((c) => ({ ...refs.get(c.toString())!, quality: qualityOfTally(rows.get(formatCompactAgencyCode(c))![0]!) })),
    };
  }

  /** Agencies and connected agencies per level, nationally or in one level-1 agency's subtree. */
  async connected(q: ReportQuery): Promise<ConnectedReport> {
    if (q.agency !== null && q.agency.level !== 1) {
      throw new StatisticsError('STATISTICS.BAD_AGENCY', `connected counts per level-1 agency (a ministry or a province) or for the whole country; ${q.agency.toString()} is at level ${q.agency.level}`, { path: 'agency' });
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
  return figuresTable(titleOf('Thống kê gửi nhận', report), directions, [...body, { code: TOTAL_LABEL, name: report.agency?.name ?? null, level: report.agency?.level ?? null, figures: figuresOfRow(report.total) }], report.detail);
}

export function qualityReportTable(report: QualityReport): Table {
  const body = report.rows === 'none' ? report.series.map((s) => ({ code: s.period, name: null, level: null, quality: s.quality })) : report.items.map((r) => ({ code: r.code, name: r.name, level: r.level, quality: r.quality }));
  return qualityTable(titleOf('Thống kê từ chối và lỗi', report), [...body, { code: TOTAL_LABEL, name: report.agency?.name ?? null, level: report.agency?.level ?? null, quality: report.total }]);
}

export function connectedTable(report: ConnectedReport): Table {
  return levelsTable(`Cơ quan kết nối${report.agency ? ` ${report.agency.code}` : ''}`, report.levels);
}
