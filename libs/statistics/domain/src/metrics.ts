// The counters of the read models and their field names. Every counter is kept per direction
// (`s` the agency as sender, `r` as recipient) and per combination of kind and lane (`dn`
// document normal, `du` document urgent, `sn` status normal, `su` status urgent), as one flat
// field `<direction><combination>_<counter>` (`sdn_fch`), and only once it is not zero. Sparse and
// small: the store decodes every value of a document it reads or rewrites, its guards included
// (nesting adds about a tenth more; docs/adr/0021-statistics-headline-documents.md).
//
// The counters a report's table shows (the *headline*) live in one document per period and scope;
// for the country and the level-1 subtrees, the breakdowns (statuses per code, the signature
// verdicts but the valid one, the latency buckets) live in a second document with the same `_id`,
// read only when a report asks for them. An agency's own document holds both.

export const DIRECTIONS = ['s', 'r'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const KINDS = ['d', 's'] as const;
/** `d` a document package (`edoc`), `s` a status package. */
export type Kind = (typeof KINDS)[number];

export const LANES = ['n', 'u'] as const;
/** `n` the normal lane, `u` the urgent one (edXML priority 1–4). */
export type LaneCode = (typeof LANES)[number];

export type Combination = `${Kind}${LaneCode}`;
export const COMBINATIONS: readonly Combination[] = ['dn', 'du', 'sn', 'su'];

/** Plain counters of the headline: field name → what it counts. */
export const COUNTERS = {
  acc: 'packages accepted at the edge (verified or rejected by the signature step)',
  dlv: 'copies delivered into a recipient inbox (DeliveryQueued)',
  fch: 'copies taken by the recipient system, by fetch or push (DeliveryFetched)',
  ack: 'copies acknowledged done',
  nak: 'copies acknowledged fail',
  dead: 'copies whose pushes gave up (DeliveryDeadLettered)',
  wdr: 'copies withdrawn by an agreed recall',
  unr: 'recipients routing could not reach',
  rev: 'documents revoking an earlier one (BussinessDocType 1)',
  upd: 'documents updating an earlier one (2)',
  rep: 'documents replacing an earlier one (3)',
} as const;
export type Counter = keyof typeof COUNTERS;

export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;

/** Signature verdicts: `vb` is a headline counter, the others are breakdowns. */
export const VERDICTS = {
  vb: 'valid, with the signer’s and the organisation’s signatures (Decree 30 check passed)',
  vp: 'valid, but not both signatures Decree 30 asks for',
  ind: 'indeterminate (no revocation answer, issuer not found, untrusted root)',
  inv: 'invalid',
  uns: 'unsigned',
  np: 'not performed (the integrity verifier)',
  rej: 'refused by the signature step (SignatureRejected)',
} as const;
export type Verdict = keyof typeof VERDICTS;

/** Decree 30 deadlines, on the document's deliveries (headline counters). */
export const DEADLINE_COUNTERS = {
  nf: 'not taken in by the end of the working day (DeliveryDeadlineMissed)',
  ot: 'first status 01 by the deadline',
  lt: 'first status 01 after the deadline',
} as const;
export type DeadlineCounter = keyof typeof DEADLINE_COUNTERS;

/**
 * Latency histograms: the headline keeps the sum of seconds (`qs`, `fs`, `os`), whose count is a
 * headline counter already (`dlv`, `fch`, `ot` + `lt`), so every report has the mean; the
 * breakdown keeps the buckets (`q0` … `q8`).
 */
export const HISTOGRAMS = {
  q: 'send → fetchable (accepted to queued in the inbox)',
  f: 'send → fetched',
  o: 'send → first status 01',
} as const;
export type Histogram = keyof typeof HISTOGRAMS;

/** Upper bounds of the latency buckets, in seconds; the last bucket has none. */
export const LATENCY_BOUNDS_S = [1, 10, 60, 600, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600] as const;
/** ISO 8601 durations of the bounds, as the API names them. */
export const LATENCY_BOUND_LABELS = ['PT1S', 'PT10S', 'PT1M', 'PT10M', 'PT1H', 'PT4H', 'P1D', 'P3D'] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_S.length + 1;

/** The bucket of a latency in milliseconds (negative clock skew, or times that cannot be read, count as 0). */
export function latencyBucket(ms: number): number {
  const s = Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0;
  const i = LATENCY_BOUNDS_S.findIndex((bound) => s <= bound);
  return i < 0 ? LATENCY_BOUNDS_S.length : i;
}

/** The counters of the headline document, by their field suffix. */
export const HEADLINE_COUNTERS: ReadonlySet<string> = new Set([...Object.keys(COUNTERS), 'vb', ...Object.keys(DEADLINE_COUNTERS), ...Object.keys(HISTOGRAMS).map((h) => `${h}s`)]);

/** `<direction><combination>_<counter>`: the stored field of one counter. */
export const fieldOf = (direction: Direction, combination: Combination, counter: string): string => `${direction}${combination}_${counter}`;

/** Whether a counter (the part after `_`) is kept in the headline document, else in the breakdown. */
export const isHeadline = (counter: string): boolean => HEADLINE_COUNTERS.has(counter);

/**
 * A stable code (`EDXML.INVALID_DATE`) as a field name: dots are path separators in the store, so
 * they become `:`, and anything outside `[A-Za-z0-9_]` becomes `_` (codes are never that).
 */
export function codeField(code: string): string {
  const clean = code.replace(/\./g, ':').replace(/[^A-Za-z0-9_:]/g, '_').slice(0, 80);
  return clean.length === 0 ? '_' : clean;
}

/** The code a field name stands for (`EDXML:INVALID_DATE` → `EDXML.INVALID_DATE`). */
export function fieldCode(field: string): string {
  return field.replace(/:/g, '.');
}
