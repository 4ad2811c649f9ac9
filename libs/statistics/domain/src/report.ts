import { COMBINATIONS, LATENCY_BOUND_LABELS, LATENCY_BUCKETS, STATUS_CODES, VERDICTS, fieldCode, fieldOf, type Combination, type Direction, type Histogram, type Kind, type LaneCode } from './metrics';

/** Numbers of a read-model document or of a sum of them, as stored (`sdn_fch`; quality and directory fields nest one level: `ref.<code>`, `l1.reg`). */
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
  /**
   * With the breakdown (`detail=true`): one entry per fixed bucket, `le` its upper bound (ISO 8601
   * duration), null for the last.
   */
  readonly buckets?: readonly { readonly le: string | null; readonly count: number }[];
}

/** The signature verdicts of the accepted packages; every verdict but `validBoth` comes with the breakdown. */
export interface SignatureFigures {
  readonly validBoth: number;
  readonly validPartial?: number;
  readonly indeterminate?: number;
  readonly invalid?: number;
  readonly unsigned?: number;
  readonly notPerformed?: number;
  readonly rejected?: number;
  /** validBoth / accepted, null when nothing was accepted. */
  readonly signedShare: number | null;
}

/**
 * The figures of one direction (as sender or as recipient), with stable names for the console.
 * The headline is always there; `statuses`, the other signature verdicts and the latency buckets
 * come with the breakdown (`detail=true`), which reads a second document for each one read.
 */
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
  /** Status packages per code (breakdown). */
  readonly statuses?: Readonly<Record<string, number>>;
  readonly signatures: SignatureFigures;
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

const VERDICT_NAMES = { vp: 'validPartial', ind: 'indeterminate', inv: 'invalid', uns: 'unsigned', np: 'notPerformed', rej: 'rejected' } as const satisfies Record<Exclude<keyof typeof VERDICTS, 'vb'>, string>;

/**
 * The figures of `direction` in a summed headline tally (and its summed breakdown, or null
 * without it), over the selected kinds and lanes.
 */
export function figuresOf(headline: Tally, detail: Tally | null, direction: Direction, selection: Selection = EVERYTHING): DirectionFigures {
  const combinations = combinationsOf(selection);
  const documents = combinationsOf({ ...selection, kinds: selection.kinds.filter((k) => k === 'd') });
  const sum = (t: Tally, over: readonly Combination[], counter: string): number => over.reduce((n, c) => n + num(t, fieldOf(direction, c, counter)), 0);
  const total = (counter: string): number => sum(headline, combinations, counter);
  const accepted = total('acc');
  const validBoth = total('vb');
  const onTime = sum(headline, documents, 'ot');
  const histogram = (h: Histogram, count: number): LatencyHistogram => {
    const seconds = total(`${h}s`);
    const base = { count, meanSeconds: count === 0 ? null : Math.round((seconds / count) * 10) / 10 };
    if (detail === null) return base;
    return { ...base, buckets: Array.from({ length: LATENCY_BUCKETS }, (_, i) => ({ le: LATENCY_BOUND_LABELS[i] ?? null, count: sum(detail, combinations, `${h}${i}`) })) };
  };
  let statuses: Record<string, number> | undefined;
  let breakdown: Partial<Record<(typeof VERDICT_NAMES)[keyof typeof VERDICT_NAMES], number>> = {};
  if (detail !== null) {
    statuses = {};
    for (const code of STATUS_CODES) {
      const n = sum(detail, combinations, `st${code}`);
      if (n > 0) statuses[code] = n;
    }
    breakdown = Object.fromEntries(Object.entries(VERDICT_NAMES).map(([v, name]) => [name, sum(detail, combinations, v)]));
  }
  const delivered = total('dlv');
  const fetched = total('fch');
  const status01OnTime = total('ot');
  const status01Late = total('lt');
  return {
    accepted,
    delivered,
    fetched,
    acknowledgedDone: total('ack'),
    acknowledgedFailed: total('nak'),
    deadLettered: total('dead'),
    withdrawn: total('wdr'),
    unroutable: total('unr'),
    revoked: total('rev'),
    updated: total('upd'),
    replaced: total('rep'),
    ...(statuses ? { statuses } : {}),
    signatures: { validBoth, ...breakdown, signedShare: accepted === 0 ? null : Math.round((validBoth / accepted) * 10_000) / 10_000 },
    decree30: {
      notFetchedByDeadline: total('nf'),
      status01OnTime,
      status01Late,
      no01ByDeadline: Math.max(0, sum(headline, documents, 'dlv') - onTime),
    },
    latency: { sendToFetchable: histogram('q', delivered), sendToFetched: histogram('f', fetched), sendToFirst01: histogram('o', status01OnTime + status01Late) },
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
