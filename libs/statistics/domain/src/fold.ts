import type { AgencyCode } from '@vdx/agency-code';
import {
  AGENCY_EVENTS,
  AgencyConnectedEvent,
  AgencyRegisteredEvent,
  AgencyReinstatedEvent,
  AgencyRetiredEvent,
  AgencySuspendedEvent,
  AgencyUpdatedEvent,
  DELIVERY_EVENTS,
  DeliveryAcknowledgedEvent,
  DeliveryDeadLetteredEvent,
  DeliveryDeadlineMissedEvent,
  DeliveryFetchedEvent,
  DeliveryQueuedEvent,
  DeliveryStatusRecordedEvent,
  DeliveryWithdrawnEvent,
  PackageAcceptedEvent,
  PackageRejectedEvent,
  PackageRoutedEvent,
  RoutingRejectedEvent,
  SignatureRecheckedEvent,
  SignatureRejectedEvent,
  SignatureVerifiedEvent,
  isEvent,
  isUrgentLane,
  type EventEnvelope,
  type EventType,
  type PackageRef,
  type VerificationCheck,
} from '@vdx/contracts';
import { vietnamDay } from './calendar';
import { acceptedEntries, refusedEntry, type LookupWrite } from './documents';
import { codeField, fieldOf, isHeadline, latencyBucket, type Combination, type Direction, type Histogram, type Kind, type Verdict } from './metrics';
import { NATIONAL_SCOPE, agencyOf, documentId, fanOut, isOwnId, treeEntryOf, treeScope } from './scopes';

/** The read models the fold writes, by their logical names. */
export type StatisticsModel = 'headline' | 'detail' | 'quality' | 'directory' | 'tree' | 'agencies' | 'deliveries' | 'documents';

/**
 * The order a batch's writes must reach the store in: every counter before the facts the same
 * events change. A redelivered event then finds its facts either not yet written (so the same
 * decision again, whose counters the guards skip) or written after all its counters were.
 */
export const WRITE_ORDER: readonly StatisticsModel[] = ['headline', 'detail', 'quality', 'directory', 'tree', 'agencies', 'deliveries', 'documents'];

/** The models of counters, written before the facts (`agencies`, `deliveries`). */
export const COUNTER_MODELS: readonly StatisticsModel[] = ['headline', 'detail', 'quality', 'directory', 'tree'];

/** One change to one document, with only the operators the guarded writer folds. */
export interface StatisticsWrite {
  readonly model: StatisticsModel;
  readonly id: string;
  readonly creates?: boolean;
  readonly update: {
    readonly $inc?: Readonly<Record<string, number>>;
    readonly $set?: Readonly<Record<string, unknown>>;
    readonly $min?: Readonly<Record<string, number>>;
    readonly $max?: Readonly<Record<string, number>>;
  };
}

/** Where an event sits in the log. */
export interface FoldPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * What the fold remembers of a delivery from its `DeliveryQueued` (the later events of a delivery
 * carry only its id). `first01` is the offset of its first status 01: a decision at offset `o`
 * sees the facts of the events before `o` only, so a redelivered event decides as it did.
 */
export interface DeliveryFact {
  readonly sender: string;
  readonly kind: Kind;
  /** When the package was accepted (ISO-8601): its cohort day and the start of every latency. */
  readonly acceptedAt: string;
  readonly deadline: string | null;
  readonly first01: number | null;
}

/** What the fold remembers of an agency, by offsets in its directory partition. */
export interface AgencyFact {
  readonly level: number;
  readonly name: string;
  /** Offset of its first `AgencyConnected`. */
  readonly connectedAt: number | null;
  /** Offsets of its last `AgencySuspended` and `AgencyReinstated`. */
  readonly suspendedAt: number | null;
  readonly reinstatedAt: number | null;
}

/** The facts known before a batch, plus those of the batch's earlier events. */
export interface FoldState {
  delivery(deliveryId: string): DeliveryFact | undefined;
  agency(code: string): AgencyFact | undefined;
}

export interface FoldResult {
  readonly writes: readonly StatisticsWrite[];
  /** Facts the event changed, to be known to the events after it. */
  readonly deliveries: readonly (readonly [string, DeliveryFact])[];
  readonly agencies: readonly (readonly [string, AgencyFact])[];
  /** A delivery or agency event whose fact is unknown (its first event was never folded). */
  readonly missingFact: string | null;
}

const NOTHING: FoldResult = { writes: [], deliveries: [], agencies: [], missingFact: null };

/** Codes parsed once per process: a busy agency is on every other event. */
const parsedCodes = new Map<string, AgencyCode | null>();
const MAX_PARSED = 200_000;
function parsed(code: string | null | undefined): AgencyCode | null {
  if (typeof code !== 'string') return null;
  const hit = parsedCodes.get(code);
  if (hit !== undefined) return hit;
  if (parsedCodes.size >= MAX_PARSED) parsedCodes.clear();
  const value = agencyOf(code);
  parsedCodes.set(code, value);
  return value;
}

/** The document lookup's entries (`documents`, docs/adr/0025-statistics-document-lookup.md): `$set` only. */
const lookup = (entries: readonly LookupWrite[]): StatisticsWrite[] => entries.map((e) => ({ model: 'documents', id: e.id, update: { $set: e.set } }));

const kindOf = (kind: string): Kind => (kind === 'status' ? 's' : 'd');
const laneOfTopic = (topic: string): 'n' | 'u' => (isUrgentLane(topic) ? 'u' : 'n');

/**
 * `n` of every counter, as `<direction><combination>_<counter>`, into every document of `code`'s
 * fan-out: for the country and the level-1 subtrees, the headline counters into the headline
 * documents and the breakdowns into the detail documents of the same `_id`s (each only when the
 * event has some); for the agency's own documents, all of them into its headline document.
 */
function counted(direction: Direction, combination: Combination, code: string | null, day: string, counters: Readonly<Record<string, number>>): StatisticsWrite[] {
  let headline: Record<string, number> | null = null;
  let detail: Record<string, number> | null = null;
  for (const [counter, n] of Object.entries(counters)) {
    if (isHeadline(counter)) (headline ??= {})[fieldOf(direction, combination, counter)] = n;
    else (detail ??= {})[fieldOf(direction, combination, counter)] = n;
  }
  const out: StatisticsWrite[] = [];
  for (const id of fanOut(parsed(code), day)) {
    // An agency's own document keeps its breakdowns too: it is small, and a second document
    // would double the upserts of most delivery events (docs/adr/0021, addendum).
    if (isOwnId(id)) out.push({ model: 'headline', id, update: { $inc: { ...headline, ...detail } } });
    else {
      if (headline !== null) out.push({ model: 'headline', id, update: { $inc: headline } });
      if (detail !== null) out.push({ model: 'detail', id, update: { $inc: detail } });
    }
  }
  return out;
}

/** The same counters for the sender and for each recipient (repeats removed). */
function bothSides(sender: string | null, recipients: readonly string[], combination: Combination, day: string, counters: Readonly<Record<string, number>>): StatisticsWrite[] {
  return [...counted('s', combination, sender, day, counters), ...[...new Set(recipients)].flatMap((r) => counted('r', combination, r, day, counters))];
}

function qualityOf(sender: string | null, day: string, fields: Readonly<Record<string, number>>): StatisticsWrite[] {
  return fanOut(parsed(sender), day).map((id) => ({ model: 'quality', id, update: { $inc: { ...fields } } }));
}

/** A latency: its seconds into the headline sum (`<h>s`) and one into its bucket (`<h><i>`) of the breakdown. */
function latency(h: Histogram, fromIso: string, toIso: string): Record<string, number> {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  return { [`${h}${latencyBucket(ms)}`]: 1, [`${h}s`]: Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : 0 };
}

/** The verdict bucket of a passing `SignatureVerified`. */
export function verdictOf(cryptographic: string, checks: readonly VerificationCheck[]): Verdict {
  switch (cryptographic) {
    case 'valid':
      return checks.some((c) => c.name === 'decree30' && c.result === 'passed') ? 'vb' : 'vp';
    case 'unknown':
      return 'ind';
    case 'invalid':
      return 'inv';
    case 'unsigned':
      return 'uns';
    default:
      return 'np';
  }
}

const BUSINESS: Readonly<Record<string, string>> = { '1': 'rev', '2': 'upd', '3': 'rep' };

/** What a package's own counters are, on both sides, when its verdict is known. */
function packageCounters(ref: PackageRef, verdict: Verdict): Record<string, number> {
  const fields: Record<string, number> = { acc: 1, [verdict]: 1 };
  if (ref.kind === 'status' && ref.statusCode) fields[`st${codeField(ref.statusCode)}`] = 1;
  const business = ref.kind !== 'status' && ref.businessDocType ? BUSINESS[ref.businessDocType] : undefined;
  if (business) fields[business] = 1;
  return fields;
}

/** Distinct codes, each counted once per package. */
function perCode(prefix: string, codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const code of new Set(codes)) out[`${prefix}.${codeField(code)}`] = 1;
  return out;
}

const recipientOfDelivery = (deliveryId: string): string => deliveryId.slice(deliveryId.lastIndexOf('/') + 1);

function directoryCounts(code: AgencyCode | null, fields: Readonly<Record<string, number>>): StatisticsWrite[] {
  if (code === null) return [];
  const $inc: Record<string, number> = {};
  for (const [field, n] of Object.entries(fields)) $inc[`l${code.level}.${field}`] = n;
  return [NATIONAL_SCOPE, treeScope(code.level1)].map((id) => ({ model: 'directory', id, update: { $inc } }));
}

/**
 * Folds one event into the statistics read models: a pure function of the event, where it sits,
 * and the facts of the deliveries and agencies it names (from the earlier events). Every fact
 * about a package counts in the day (Vietnam time) the gateway accepted it, so the figures of a
 * day tell what became of what was sent that day. Events that count nothing return nothing.
 */
export function foldEvent(event: EventEnvelope, position: FoldPosition, state: FoldState): FoldResult {
  const lane = laneOfTopic(position.topic);
  const offset = Number(position.offset);

  // The edge: findings of carried packages, and refusals, on the sender's side.
  if (isEvent(PackageAcceptedEvent, event)) {
    const p = event.payload;
    const entries = lookup(acceptedEntries(p, event.occurredAt));
    if (p.warnings.length === 0) return { ...NOTHING, writes: entries };
    const day = vietnamDay(event.occurredAt);
    return { ...NOTHING, writes: [...qualityOf(p.senderCode, day, { flawed: 1, ...perCode('f', p.warnings.map((w) => w.code)) }), ...entries] };
  }
  if (isEvent(PackageRejectedEvent, event)) {
    const p = event.payload;
    const day = vietnamDay(event.occurredAt);
    return { ...NOTHING, writes: qualityOf(p.senderCode, day, { refused: 1, [`ref.${codeField(p.errorCode)}`]: 1, ...(p.findings.length > 0 ? { flawed: 1 } : {}), ...perCode('f', p.findings.map((f) => f.code)) }) };
  }

  // The verdict: every accepted package gets exactly one, with the package's facts.
  if (isEvent(SignatureVerifiedEvent, event)) {
    const ref = event.payload.package;
    const combination: Combination = `${kindOf(ref.kind)}${lane}`;
    return { ...NOTHING, writes: bothSides(ref.senderCode, ref.recipientCodes, combination, vietnamDay(ref.acceptedAt), packageCounters(ref, verdictOf(event.payload.cryptographic, event.payload.checks))) };
  }
  // A re-validation moves the package from its previous verdict's count to the new one's.
  if (isEvent(SignatureRecheckedEvent, event)) {
    const p = event.payload;
    const before = verdictOf(p.previousCryptographic, p.previousDecree30 ? [{ name: 'decree30', result: 'passed', detail: '' }] : []);
    const after = verdictOf(p.cryptographic, p.checks);
    if (before === after) return NOTHING;
    const combination: Combination = `${kindOf(p.package.kind)}${lane}`;
    return { ...NOTHING, writes: bothSides(p.package.senderCode, p.package.recipientCodes, combination, vietnamDay(p.package.acceptedAt), { [before]: -1, [after]: 1 }) };
  }
  if (isEvent(SignatureRejectedEvent, event)) {
    const ref = event.payload.package;
    const combination: Combination = `${kindOf(ref.kind)}${lane}`;
    const day = vietnamDay(ref.acceptedAt);
    return {
      ...NOTHING,
      writes: [
        ...bothSides(ref.senderCode, ref.recipientCodes, combination, day, packageCounters(ref, 'rej')),
        ...qualityOf(ref.senderCode, day, { refused: 1, [`ref.${codeField(event.payload.errorCode)}`]: 1 }),
        ...lookup([refusedEntry(ref, 'signature-rejected', event.payload.errorCode)]),
      ],
    };
  }

  // Routing: recipients it could not reach, on both sides; a refusal of the whole package.
  if (isEvent(PackageRoutedEvent, event) || isEvent(RoutingRejectedEvent, event)) {
    const ref = event.payload.package;
    const combination: Combination = `${kindOf(ref.kind)}${lane}`;
    const day = vietnamDay(ref.acceptedAt);
    const unroutable = event.payload.unroutable;
    const writes: StatisticsWrite[] = [];
    if (unroutable.length > 0) {
      writes.push(...counted('s', combination, ref.senderCode, day, { unr: unroutable.length }));
      for (const u of unroutable) writes.push(...counted('r', combination, u.requestedCode, day, { unr: 1 }));
    }
    if (isEvent(RoutingRejectedEvent, event)) writes.push(...qualityOf(ref.senderCode, day, { refused: 1, [`ref.${codeField(event.payload.errorCode)}`]: 1 }), ...lookup([refusedEntry(ref, 'routing-rejected', event.payload.errorCode)]));
    return { ...NOTHING, writes };
  }

  // Deliveries: the first event carries the package, the later ones only the delivery id.
  if (isEvent(DeliveryQueuedEvent, event)) {
    const p = event.payload;
    const fact: DeliveryFact = { sender: p.package.senderCode, kind: kindOf(p.package.kind), acceptedAt: p.package.acceptedAt, deadline: p.deadline, first01: null };
    const combination: Combination = `${fact.kind}${lane}`;
    const day = vietnamDay(fact.acceptedAt);
    const fields = { dlv: 1, ...latency('q', fact.acceptedAt, event.occurredAt) };
    return {
      writes: [
        ...counted('s', combination, fact.sender, day, fields),
        ...counted('r', combination, p.recipientCode, day, fields),
        { model: 'deliveries', id: p.deliveryId, creates: true, update: { $set: { s: fact.sender, k: fact.kind, a: fact.acceptedAt, dl: fact.deadline } } },
      ],
      deliveries: [[p.deliveryId, fact]],
      agencies: [],
      missingFact: null,
    };
  }
  const deliveryId = deliveryIdOf(event);
  if (deliveryId !== null) {
    const fact = state.delivery(deliveryId);
    if (fact === undefined) return { ...NOTHING, missingFact: deliveryId };
    const combination: Combination = `${fact.kind}${lane}`;
    const day = vietnamDay(fact.acceptedAt);
    const recipient = recipientOfDelivery(deliveryId);
    const both = (fields: Readonly<Record<string, number>>): StatisticsWrite[] => [...counted('s', combination, fact.sender, day, fields), ...counted('r', combination, recipient, day, fields)];
    if (isEvent(DeliveryFetchedEvent, event)) return { ...NOTHING, writes: both({ fch: 1, ...latency('f', fact.acceptedAt, event.occurredAt) }) };
    if (isEvent(DeliveryAcknowledgedEvent, event)) return { ...NOTHING, writes: both(event.payload.result === 'done' ? { ack: 1 } : { nak: 1 }) };
    if (isEvent(DeliveryDeadLetteredEvent, event)) return { ...NOTHING, writes: both({ dead: 1 }) };
    if (isEvent(DeliveryDeadlineMissedEvent, event)) return { ...NOTHING, writes: both({ nf: 1 }) };
    if (isEvent(DeliveryWithdrawnEvent, event)) return { ...NOTHING, writes: both({ wdr: 1 }) };
    if (isEvent(DeliveryStatusRecordedEvent, event)) {
      const p = event.payload;
      // Only the first 01 of a delivery counts: a later one, or a repeat, says nothing new.
      if (p.code !== '01' || (fact.first01 !== null && fact.first01 < offset)) return NOTHING;
      const onTime = fact.deadline === null || Date.parse(p.at) <= Date.parse(fact.deadline);
      return {
        writes: [...both({ [onTime ? 'ot' : 'lt']: 1, ...latency('o', fact.acceptedAt, p.at) }), { model: 'deliveries', id: deliveryId, update: { $min: { o01: offset } } }],
        deliveries: [[deliveryId, { ...fact, first01: fact.first01 === null ? offset : Math.min(fact.first01, offset) }]],
        agencies: [],
        missingFact: null,
      };
    }
    return NOTHING;
  }

  return foldDirectory(event, offset, state);
}

/**
 * The types of a delivery's facts (`DELIVERY_EVENTS`), the events of the delivery topic the
 * statistics fold. The owner's commands and answers (`DELIVERY_COMMAND_EVENTS`) travel topics of
 * their own, which the statistics do not read, and are never one.
 */
export const DELIVERY_FACT_TYPES: ReadonlySet<EventType> = new Set(DELIVERY_EVENTS.map((d) => d.type));

/** The types of the directory's events (`AGENCY_EVENTS`). */
export const AGENCY_EVENT_TYPES: ReadonlySet<EventType> = new Set(AGENCY_EVENTS.map((d) => d.type));

/** The delivery id of a delivery event after its `DeliveryQueued`, else null. */
function deliveryIdOf(event: EventEnvelope): string | null {
  if (!DELIVERY_FACT_TYPES.has(event.type)) return null;
  const id = (event.payload as { deliveryId?: unknown }).deliveryId;
  return typeof id === 'string' ? id : null;
}

/** Agencies per level, registered, connected, suspended and retired, nationally and per level-1 subtree. */
function foldDirectory(event: EventEnvelope, offset: number, state: FoldState): FoldResult {
  if (isEvent(AgencyRegisteredEvent, event)) {
    const code = parsed(event.payload.code);
    if (code === null) return NOTHING;
    const fact: AgencyFact = { level: code.level, name: event.payload.name, connectedAt: null, suspendedAt: null, reinstatedAt: null };
    // Reports find the agencies below a scope here, never by scanning the counted documents.
    const tree = treeEntryOf(code);
    return {
      writes: [
        ...directoryCounts(code, { reg: 1 }),
        { model: 'tree', id: tree.id, update: { $set: { [tree.field]: 1 } } },
        { model: 'agencies', id: event.payload.code, creates: true, update: { $set: { name: fact.name, level: fact.level } } },
      ],
      deliveries: [],
      agencies: [[event.payload.code, fact]],
      missingFact: null,
    };
  }
  const code = directoryCodeOf(event);
  if (code === null) return NOTHING;
  const fact = state.agency(code);
  const agency = parsed(code);
  if (fact === undefined || agency === null) return { ...NOTHING, missingFact: code };
  // Facts set by this very event (a redelivery) or a later one are not "before" it.
  const before = (at: number | null): boolean => at !== null && at < offset;
  if (isEvent(AgencyUpdatedEvent, event)) {
    return { writes: [{ model: 'agencies', id: code, update: { $set: { name: event.payload.name } } }], deliveries: [], agencies: [[code, { ...fact, name: event.payload.name }]], missingFact: null };
  }
  if (isEvent(AgencyConnectedEvent, event)) {
    // Rebinding a system (a new certificate) or a second system: still one connected agency.
    if (before(fact.connectedAt)) return NOTHING;
    return {
      writes: [...directoryCounts(agency, { con: 1 }), { model: 'agencies', id: code, update: { $min: { c0: offset } } }],
      deliveries: [],
      agencies: [[code, { ...fact, connectedAt: offset }]],
      missingFact: null,
    };
  }
  if (isEvent(AgencySuspendedEvent, event)) {
    return { writes: [...directoryCounts(agency, { sus: 1 }), { model: 'agencies', id: code, update: { $max: { sL: offset } } }], deliveries: [], agencies: [[code, { ...fact, suspendedAt: Math.max(offset, fact.suspendedAt ?? -1) }]], missingFact: null };
  }
  if (isEvent(AgencyReinstatedEvent, event)) {
    return { writes: [...directoryCounts(agency, { rei: 1 }), { model: 'agencies', id: code, update: { $max: { rL: offset } } }], deliveries: [], agencies: [[code, { ...fact, reinstatedAt: Math.max(offset, fact.reinstatedAt ?? -1) }]], missingFact: null };
  }
  if (isEvent(AgencyRetiredEvent, event)) {
    const suspended = before(fact.suspendedAt) && (!before(fact.reinstatedAt) || fact.reinstatedAt! < fact.suspendedAt!);
    const fields: Record<string, number> = { ret: 1 };
    if (before(fact.connectedAt)) fields['conRet'] = 1;
    if (suspended) fields['susRet'] = 1;
    return { ...NOTHING, writes: directoryCounts(agency, fields) };
  }
  return NOTHING;
}

function directoryCodeOf(event: EventEnvelope): string | null {
  if (!AGENCY_EVENT_TYPES.has(event.type)) return null;
  const code = (event.payload as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** The document `_id` of the national totals of one period: what `vdx replay` and the tests compare first. */
export const nationalId = (periodKey: string): string => documentId(periodKey, NATIONAL_SCOPE);
