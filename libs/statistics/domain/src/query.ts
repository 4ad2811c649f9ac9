import type { AgencyCode } from '@vdx/agency-code';
import { PERIODS, PERIOD_NOTATION, parsePeriodValue, periodKeysBetween, type Period } from './calendar';
import type { Direction, Kind, LaneCode } from './metrics';
import type { Selection } from './report';
import { agencyOf } from './scopes';
import { StatisticsError } from './statistics.error';

export type Endpoint = 'report' | 'quality' | 'connected';
export const ROWS = ['none', 'children', 'agencies'] as const;
export type Rows = (typeof ROWS)[number];
export const FORMATS = ['json', 'csv', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

/** A query parameter: how it is validated, and how the OpenAPI document describes it. */
export interface ParameterSpec {
  readonly name: string;
  readonly description: string;
  readonly endpoints: readonly Endpoint[];
  readonly enum?: readonly string[];
  readonly default?: string;
  readonly example?: string;
  readonly type?: 'string' | 'integer';
  readonly required?: boolean;
}

const ALL: readonly Endpoint[] = ['report', 'quality', 'connected'];
const PERIODIC: readonly Endpoint[] = ['report', 'quality'];

/** Every query parameter of the reporting API. */
export const PARAMETERS: readonly ParameterSpec[] = [
  { name: 'period', description: 'The unit of the range: day, week (ISO, Monday first), month, quarter or year, in Vietnam time (UTC+7).', endpoints: PERIODIC, enum: PERIODS, default: 'month' },
  {
    name: 'from',
    description: `First period, written as the period: ${Object.values(PERIOD_NOTATION).join(', ')}.`,
    endpoints: PERIODIC,
    required: true,
    example: '2025-07',
  },
  { name: 'to', description: 'Last period (inclusive), same notation; defaults to `from`.', endpoints: PERIODIC, example: '2025-09' },
  { name: 'agency', description: 'A canonical agency code (`000.00.00.H53`); without it, the whole country.', endpoints: ALL, example: '000.00.00.H53' },
  { name: 'subtree', description: "true: the agency's figures include its units'; false: its own only.", endpoints: PERIODIC, enum: ['true', 'false'], default: 'true' },
  { name: 'direction', description: 'sent: the agency as sender; received: as recipient; both.', endpoints: ['report'], enum: ['both', 'sent', 'received'], default: 'both' },
  { name: 'kind', description: 'document: document packages; status: status packages; all.', endpoints: ['report'], enum: ['all', 'document', 'status'], default: 'all' },
  { name: 'priority', description: 'normal or urgent lane (edXML priority 1–4), or all.', endpoints: ['report'], enum: ['all', 'normal', 'urgent'], default: 'all' },
  {
    name: 'rows',
    description: "children: one row per direct child, with its subtree (level-1 agencies for the whole country); agencies: one row per registered agency of the subtree with its own figures, in code order; none.",
    endpoints: PERIODIC,
    enum: ROWS,
    default: 'children',
  },
  {
    name: 'detail',
    description: 'true: also the breakdowns (statuses per code, every signature verdict, latency buckets), read from a second document for each one read; false: the headline figures (with mean latencies).',
    endpoints: ['report'],
    enum: ['true', 'false'],
    default: 'false',
  },
  { name: 'limit', description: 'Rows per page, 1 to 1000.', endpoints: PERIODIC, type: 'integer', default: '100' },
  { name: 'after', description: 'The `nextAfter` of the previous page: rows after this agency code.', endpoints: PERIODIC, example: '000.00.00.H40' },
  { name: 'format', description: 'json, or csv / xlsx (Vietnamese column headers).', endpoints: ALL, enum: FORMATS, default: 'json' },
];

/** The most periods one report reads; `rows=agencies` reads each period's page, so fewer. */
export const MAX_PERIODS = 366;
export const MAX_PERIODS_WITH_AGENCY_ROWS = 31;
export const MAX_LIMIT = 1000;

export interface ReportQuery {
  readonly endpoint: Endpoint;
  readonly period: Period;
  /** Period keys from `from` to `to` (empty for `connected`). */
  readonly keys: readonly string[];
  /** Null: the whole country. */
  readonly agency: AgencyCode | null;
  readonly subtree: boolean;
  readonly directions: readonly Direction[];
  readonly selection: Selection;
  readonly rows: Rows;
  readonly limit: number;
  readonly after: AgencyCode | null;
  /** The breakdowns too (statuses per code, signature verdicts, latency buckets). */
  readonly detail: boolean;
  readonly format: Format;
}

/** A query string as Express parses it: a repeated name is an array. */
export type RawQuery = Readonly<Record<string, unknown>>;

/** The one value of a parameter, or undefined; given twice (an array), refused. */
export function single(raw: RawQuery, name: string): string | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new StatisticsError('STATISTICS.BAD_PARAMETER', `${name} may be given once`, { path: name });
  return v;
}

function choice<T extends string>(raw: RawQuery, spec: ParameterSpec): T {
  const v = single(raw, spec.name) ?? spec.default!;
  if (!spec.enum!.includes(v)) throw new StatisticsError('STATISTICS.BAD_CHOICE', `${spec.name} must be one of ${spec.enum!.join(', ')}, not ${JSON.stringify(v.slice(0, 40))}`, { path: spec.name });
  return v as T;
}

function agencyParam(raw: RawQuery, name: string): AgencyCode | null {
  const v = single(raw, name);
  if (v === undefined) return null;
  const code = agencyOf(v);
  if (code === null) throw new StatisticsError('STATISTICS.BAD_AGENCY', `${name} must be a canonical agency code like 000.00.00.H53, not ${JSON.stringify(v.slice(0, 40))}`, { path: name });
  return code;
}

/** Refuses a parameter the endpoint does not take, naming those it does. */
export function onlyKnown(raw: RawQuery, endpoint: string, known: readonly string[]): void {
  for (const name of Object.keys(raw)) {
    if (!known.includes(name)) throw new StatisticsError('STATISTICS.BAD_PARAMETER', `${endpoint} takes no parameter ${JSON.stringify(name.slice(0, 40))}; it takes ${known.join(', ')}`, { path: name });
  }
}

const spec = (name: string): ParameterSpec => PARAMETERS.find((p) => p.name === name)!;

/** Validates the query string of one endpoint; every bad parameter is refused with its code. */
export function parseQuery(endpoint: Endpoint, raw: RawQuery): ReportQuery {
  onlyKnown(raw, endpoint, PARAMETERS.filter((p) => p.endpoints.includes(endpoint)).map((p) => p.name));
  const agency = agencyParam(raw, 'agency');
  const format = choice<Format>(raw, spec('format'));
  if (endpoint === 'connected') {
    return { endpoint, period: 'year', keys: [], agency, subtree: true, directions: ['s', 'r'], selection: { kinds: ['d', 's'], lanes: ['n', 'u'] }, rows: 'none', limit: MAX_LIMIT, after: null, detail: false, format };
  }
  const period = choice<Period>(raw, spec('period'));
  const fromValue = single(raw, 'from');
  if (fromValue === undefined) throw new StatisticsError('STATISTICS.BAD_RANGE', `from is required: the first ${period}, written like ${PERIOD_NOTATION[period]}`, { path: 'from' });
  const from = parsePeriodValue(period, fromValue, 'from');
  const toValue = single(raw, 'to');
  const to = toValue === undefined ? from : parsePeriodValue(period, toValue, 'to');
  const rows = choice<Rows>(raw, spec('rows'));
  const keys = periodKeysBetween(from, to, rows === 'agencies' ? MAX_PERIODS_WITH_AGENCY_ROWS : MAX_PERIODS);
  const subtree = choice<'true' | 'false'>(raw, spec('subtree')) === 'true';
  const limitValue = single(raw, 'limit') ?? spec('limit').default!;
  const limit = Number(limitValue);
  if (!/^\d{1,4}$/.test(limitValue) || limit < 1 || limit > MAX_LIMIT) throw new StatisticsError('STATISTICS.BAD_LIMIT', `limit must be a whole number from 1 to ${MAX_LIMIT}, not ${JSON.stringify(limitValue.slice(0, 40))}`, { path: 'limit' });
  const after = agencyParam(raw, 'after');
  if (endpoint === 'quality') {
    return { endpoint, period, keys, agency, subtree, directions: ['s'], selection: { kinds: ['d', 's'], lanes: ['n', 'u'] }, rows, limit, after, detail: false, format };
  }
  const direction = choice<'both' | 'sent' | 'received'>(raw, spec('direction'));
  const kind = choice<'all' | 'document' | 'status'>(raw, spec('kind'));
  const priority = choice<'all' | 'normal' | 'urgent'>(raw, spec('priority'));
  const directions: Direction[] = direction === 'both' ? ['s', 'r'] : direction === 'sent' ? ['s'] : ['r'];
  const kinds: Kind[] = kind === 'all' ? ['d', 's'] : kind === 'document' ? ['d'] : ['s'];
  const lanes: LaneCode[] = priority === 'all' ? ['n', 'u'] : priority === 'normal' ? ['n'] : ['u'];
  const detail = choice<'true' | 'false'>(raw, spec('detail')) === 'true';
  return { endpoint, period, keys, agency, subtree, directions, selection: { kinds, lanes }, rows, limit, after, detail, format };
}
