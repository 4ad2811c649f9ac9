import { COMBINATIONS, LATENCY_BOUND_LABELS, LATENCY_BUCKETS, STATUS_CODES, fieldCode, type Combination, type Direction, type Histogram, type Kind, type LaneCode } from './metrics';

/** Numbers of a read-model document or of a sum of them, nested as stored (`s.dn.fch`). */
export interface Tally {
  [field: string]: number | Tally;
}

/** Adds every number of `doc` (but its `_id` and guards) into `into`; returns `into`. */
export function addInto(into: Tally, doc: Readonly<Record<string, unknown>>): Tally {
  for (const [key, value] of Object.entries(doc)) {
    if (key === '_id' || key === '_pos') continue;
    if (typeof value === 'number') {
      const current = into[key];
      into[key] = (typeof current === 'number' ? current : 0) + value;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      const current = into[key];
      addInto(typeof current === 'object' ? current : (into[key] = {}), value as Record<string, unknown>);
    }
  }
  return into;
}

/** The sum of several documents. */
export function sumOf(docs: Iterable<Readonly<Record<string, unknown>>>): Tally {
  const out: Tally = {};
  for (const d of docs) addInto(out, d);
  return out;
}

const num = (t: Tally | undefined, ...path: string[]): number => {
  let v: number | Tally | undefined = t;
  for (const p of path) v = typeof v === 'object' ? v[p] : undefined;
  return typeof v === 'number' ? v : 0;
};

/** Which combinations of kind and lane a report counts. */
export interface Selection {
  readonly kinds: readonly Kind[];
  readonly lanes: readonly LaneCode[];
}

export const EVERYTHING: Selection = { kinds: ['d', 's'], lanes: ['n', 'u'] };

function combinationsOf(selection: Selection): Combination[] {
  return COMBINATIONS.filter((c) => selection.kinds.includes(c[0] as Kind) && selection.lanes.includes(c[1] as LaneCode));
}

export interface LatencyHistogram {
  readonly count: number;
  /** Mean in seconds, null without any measurement. */
  readonly meanSeconds: number | null;
  /** One entry per fixed bucket: `le` its upper bound (ISO 8601 duration), null for the last. */
  readonly buckets: readonly { readonly le: string | null; readonly count: number }[];
}

/** The figures of one direction (as sender or as recipient), with stable names for the console. */
export interface DirectionFigures {
  readonly accepted: number;
  readonly delivered: number;
  readonly fetched: number;
  readonly acknowledgedDone: number;
  readonly acknowledgedFailed: number;
  readonly deadLettered: number;
  readonly withdrawn: number;
  readonly unroutable: number;
  readonly revoked: number;
  readonly updated: number;
  readonly replaced: number;
  /** Status packages per code. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly signatures: {
    readonly validBoth: number;
    readonly validPartial: number;
    readonly indeterminate: number;
    readonly invalid: number;
    readonly unsigned: number;
    readonly notPerformed: number;
    readonly rejected: number;
    /** validBoth / accepted, null when nothing was accepted. */
    readonly signedShare: number | null;
  };
  readonly decree30: {
    readonly notFetchedByDeadline: number;
    readonly status01OnTime: number;
    readonly status01Late: number;
    /** Document copies delivered whose first 01 did not come by the deadline (late, or none yet). */
    readonly no01ByDeadline: number;
  };
  readonly latency: {
    readonly sendToFetchable: LatencyHistogram;
    readonly sendToFetched: LatencyHistogram;
    readonly sendToFirst01: LatencyHistogram;
  };
}

function histogramOf(groups: readonly (Tally | undefined)[], h: Histogram): LatencyHistogram {
  const buckets = Array.from({ length: LATENCY_BUCKETS }, (_, i) => ({ le: LATENCY_BOUND_LABELS[i] ?? null, count: groups.reduce((n, g) => n + num(g, h, `b${i}`), 0) }));
  const count = buckets.reduce((n, b) => n + b.count, 0);
  const sum = groups.reduce((n, g) => n + num(g, h, 'sum'), 0);
  return { count, meanSeconds: count === 0 ? null : Math.round((sum / count) * 10) / 10, buckets };
}

/** The figures of `direction` in a summed tally, over the selected kinds and lanes. */
export function figuresOf(tally: Tally, direction: Direction, selection: Selection = EVERYTHING): DirectionFigures {
  const side = tally[direction];
  const groups = combinationsOf(selection).map((c) => (typeof side === 'object' ? (side[c] as Tally | undefined) : undefined));
  const documents = combinationsOf({ ...selection, kinds: selection.kinds.filter((k) => k === 'd') }).map((c) => (typeof side === 'object' ? (side[c] as Tally | undefined) : undefined));
  const total = (...path: string[]): number => groups.reduce((n, g) => n + num(g, ...path), 0);
  const statuses: Record<string, number> = {};
  for (const code of STATUS_CODES) {
    const n = total(`st${code}`);
    if (n > 0) statuses[code] = n;
  }
  const accepted = total('acc');
  const validBoth = total('sig', 'vb');
  const onTime = documents.reduce((n, g) => n + num(g, 'd30', 'ot'), 0);
  return {
    accepted,
    delivered: total('dlv'),
    fetched: total('fch'),
    acknowledgedDone: total('ack'),
    acknowledgedFailed: total('nak'),
    deadLettered: total('dead'),
    withdrawn: total('wdr'),
    unroutable: total('unr'),
    revoked: total('rev'),
    updated: total('upd'),
    replaced: total('rep'),
    statuses,
    signatures: {
      validBoth,
      validPartial: total('sig', 'vp'),
      indeterminate: total('sig', 'ind'),
      invalid: total('sig', 'inv'),
      unsigned: total('sig', 'uns'),
      notPerformed: total('sig', 'np'),
      rejected: total('sig', 'rej'),
      signedShare: accepted === 0 ? null : Math.round((validBoth / accepted) * 10_000) / 10_000,
    },
    decree30: {
      notFetchedByDeadline: total('d30', 'nf'),
      status01OnTime: total('d30', 'ot'),
      status01Late: total('d30', 'lt'),
      no01ByDeadline: Math.max(0, documents.reduce((n, g) => n + num(g, 'dlv'), 0) - onTime),
    },
    latency: { sendToFetchable: histogramOf(groups, 'lq'), sendToFetched: histogramOf(groups, 'lf'), sendToFirst01: histogramOf(groups, 'l1') },
  };
}

/** Refusals and findings of packages an agency sent (the quality read model). */
export interface QualityFigures {
  /** Packages refused (at the edge, by the signature step or by routing). */
  readonly refused: number;
  /** Packages carrying at least one finding. */
  readonly flawed: number;
  /** Refusals per code, most frequent first. */
  readonly refusals: Readonly<Record<string, number>>;
  /** Packages per finding code, most frequent first. */
  readonly findings: Readonly<Record<string, number>>;
}

function byCount(group: number | Tally | undefined): Record<string, number> {
  if (typeof group !== 'object') return {};
  return Object.fromEntries(
    Object.entries(group)
      .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
      .map(([field, n]) => [fieldCode(field), n] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  );
}

export function qualityOfTally(tally: Tally): QualityFigures {
  return { refused: num(tally, 'refused'), flawed: num(tally, 'flawed'), refusals: byCount(tally['ref']), findings: byCount(tally['f']) };
}

/** Agencies of one level in the directory. */
export interface LevelFigures {
  readonly level: number;
  /** Registered and not retired. */
  readonly agencies: number;
  /** Of those, with at least one connected system. */
  readonly connected: number;
  readonly suspended: number;
  readonly retired: number;
}

export function levelsOfTally(tally: Tally): LevelFigures[] {
  return [1, 2, 3, 4].map((level) => {
    const l = tally[`l${level}`] as Tally | undefined;
    const n = (f: string) => num(l, f);
    return { level, agencies: n('reg') - n('ret'), connected: n('con') - n('conRet'), suspended: n('sus') - n('rei') - n('susRet'), retired: n('ret') };
  });
}
