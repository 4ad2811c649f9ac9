import { AgencyConnectedEvent, AgencyRegisteredEvent, AgencyRetiredEvent, AgencySuspendedEvent, createEvent, DeliveryQueuedEvent, DeliveryStatusRecordedEvent, SignatureRecheckedEvent, SignatureVerifiedEvent, type EventDefinition, type EventType, type EventEnvelope, type PackageRef } from '@vdx/contracts';
import { documentLife, refusedPackage, type LifeEvent } from './exchange-life';
import { foldEvent, type AgencyFact, type DeliveryFact, type FoldPosition, type StatisticsWrite } from './fold';
import { figuresOf, levelsOfTally, qualityOfTally, sumOf, type Tally } from './report';
import { isOwnId, storedKeys } from './scopes';

/**
 * An in-memory store of the fold's writes and a log: each event gets the next offset of its
 * topic's partition 0, and the fold's facts are kept as the live runner keeps them.
 */
class Folded {
  readonly docs = new Map<string, Record<string, unknown>>();
  private readonly deliveries = new Map<string, DeliveryFact>();
  private readonly agencies = new Map<string, AgencyFact>();
  private readonly offsets = new Map<string, number>();
  readonly log: { event: EventEnvelope; position: FoldPosition }[] = [];
  missing: string[] = [];

  feed(items: readonly LifeEvent[]): this {
    for (const item of items) {
      const topic = `vdx.${item.source}.events.v1${item.urgent ? '.urgent' : ''}`;
      const offset = this.offsets.get(topic) ?? 0;
      this.offsets.set(topic, offset + 1);
      this.fold(item.event, { topic, partition: 0, offset: String(offset) });
    }
    return this;
  }

  fold(event: EventEnvelope, position: FoldPosition): readonly StatisticsWrite[] {
    this.log.push({ event, position });
    const r = foldEvent(event, position, { delivery: (id) => this.deliveries.get(id), agency: (c) => this.agencies.get(c) });
    if (r.missingFact) this.missing.push(r.missingFact);
    for (const [id, f] of r.deliveries) this.deliveries.set(id, f);
    for (const [c, f] of r.agencies) this.agencies.set(c, f);
    for (const w of r.writes) this.apply(w);
    return r.writes;
  }

  private apply(w: StatisticsWrite): void {
    const key = `${w.model}|${w.id}`;
    const doc = this.docs.get(key) ?? {};
    for (const [path, n] of Object.entries(w.update.$inc ?? {})) setPath(doc, path, (getPath(doc, path) ?? 0) + n);
    for (const [path, v] of Object.entries(w.update.$set ?? {})) setPath(doc, path, v);
    for (const [path, n] of Object.entries(w.update.$min ?? {})) setPath(doc, path, Math.min(getPath(doc, path) ?? Infinity, n));
    for (const [path, n] of Object.entries(w.update.$max ?? {})) setPath(doc, path, Math.max(getPath(doc, path) ?? -Infinity, n));
    this.docs.set(key, doc);
  }

  /** The figures of one `_id`: its headline document with its breakdown document (an agency's own document holds both). */
  figures(id: string, direction: 's' | 'r', selection?: Parameters<typeof figuresOf>[3]): ReturnType<typeof figuresOf> {
    return figuresOf(this.doc('headline', id), this.doc(isOwnId(id) ? 'headline' : 'detail', id), direction, selection);
  }

  doc(model: string, id: string): Tally {
    return (this.docs.get(`${model}|${id}`) ?? {}) as Tally;
  }

  /** Sum of the docs of one model whose id matches. */
  sum(model: string, match: (id: string) => boolean): Tally {
    return sumOf([...this.docs].filter(([k]) => k.startsWith(`${model}|`) && match(k.slice(model.length + 1))).map(([, d]) => d));
  }
}

function getPath(doc: Record<string, unknown>, path: string): number | undefined {
  let v: unknown = doc;
  for (const p of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return typeof v === 'number' ? v : undefined;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
  target[parts[parts.length - 1]!] = value;
}

// 15 July 2025, 09:00 in Vietnam.
const AT = new Date('2025-07-15T02:00:00Z');
const VPCP = '000.00.00.G22';
const TAY_NINH = '000.00.00.H53';
const FINANCE = '000.00.32.H53';
const UNIT = '000.20.32.H53';
const HCM = '000.00.00.H40';

describe('foldEvent: one document sent to three agencies', () => {
  const life = documentLife({
    packageId: 'pkg-1',
    documentId: `${VPCP},2025/07/15,123/VPCP-TKBT`,
    sender: VPCP,
    acceptedAt: AT,
    cryptographic: 'valid',
    decree30: true,
    warnings: ['EDXML.INVALID_DATE', 'EDXML.INVALID_DATE', 'EDXML.TOO_LONG'],
    copies: [
      // Fetched after 4 s, 01 after 20 min (on time), then 03.
      { recipient: TAY_NINH, fetchedAfterMs: 4000, ack: 'done', statuses: [{ code: '01', afterMs: 20 * 60_000 }, { code: '03', afterMs: 30 * 60_000 }] },
      // Fetched after 2 h; its 01 comes the next morning (late), and a second 01 counts nothing.
      { recipient: UNIT, fetchedAfterMs: 2 * 3600_000, ack: 'fail', statuses: [{ code: '01', afterMs: 24 * 3600_000 }, { code: '01', afterMs: 25 * 3600_000 }] },
      // Never fetched: its pushes gave up and the deadline passed.
      { recipient: HCM, fetchedAfterMs: null, deadLettered: true, deadlineMissed: true },
    ],
  });
  const folded = new Folded().feed(life);
  const NATIONAL = 'D2025-07-15|N';

  it('counts the package, its verdict and its copies on the sender side', () => {
    const sent = folded.figures(NATIONAL, 's');
    // With the two status packages of that day (01 and 03 from Tây Ninh); the other two came the next day.
    expect(sent).toMatchObject({ accepted: 1 + 2, delivered: 3 + 2, fetched: 2 + 2, acknowledgedDone: 1 + 2, acknowledgedFailed: 1, deadLettered: 1 });
    expect(folded.figures(NATIONAL, 's', { kinds: ['d'], lanes: ['n', 'u'] })).toMatchObject({ accepted: 1, delivered: 3, fetched: 2, acknowledgedDone: 1, acknowledgedFailed: 1, deadLettered: 1, statuses: {} });
    expect(folded.figures(NATIONAL, 's', { kinds: ['s'], lanes: ['n'] })).toMatchObject({ accepted: 2, delivered: 2, statuses: { '01': 1, '03': 1 } });
    expect(folded.figures(NATIONAL, 's', { kinds: ['d'], lanes: ['n'] }).signatures).toEqual({ validBoth: 1, validPartial: 0, indeterminate: 0, invalid: 0, unsigned: 0, notPerformed: 0, rejected: 0, signedShare: 1 });
    expect(folded.missing).toEqual([]);
  });

  it('files statuses sent later under the day the document was sent, and counts only the first 01 of a copy', () => {
    const documents = folded.figures(NATIONAL, 'r', { kinds: ['d'], lanes: ['n'] });
    expect(documents.decree30).toEqual({ notFetchedByDeadline: 1, status01OnTime: 1, status01Late: 1, no01ByDeadline: 2 });
    expect(documents.latency.sendToFirst01).toMatchObject({ count: 2 });
    // The statuses of 16 July are packages of 16 July: the second 01 and the late one.
    expect(folded.figures('D2025-07-16|N', 's', { kinds: ['s'], lanes: ['n'] }).statuses).toEqual({ '01': 2 });
  });

  it('puts each latency in its fixed bucket', () => {
    const latency = folded.figures(NATIONAL, 's', { kinds: ['d'], lanes: ['n'] }).latency;
    expect(latency.sendToFetchable.buckets?.map((b) => b.count)).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0]);
    // 4 s and 2 h.
    expect(latency.sendToFetched.buckets?.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(latency.sendToFetched.meanSeconds).toBe((4 + 7200) / 2);
    // 20 min and 24 h.
    expect(latency.sendToFirst01.buckets?.map((b) => b.count)).toEqual([0, 0, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('rolls each fact up to the agency, its level-1 subtree and the country, for every period', () => {
    for (const key of ['D2025-07-15', 'W2025-W29', 'M2025-07', 'Q2025-Q3', 'Y2025']) {
      // A subtree keeps days, months and years; its weeks and quarters are summed from them when read.
      const stored = storedKeys('T:H53', key).map((k) => `${k}|T:H53`);
      expect(stored.length).toBe(key.startsWith('W') ? 7 : key.startsWith('Q') ? 3 : 1);
      const headline = sumOf(stored.map((id) => folded.doc('headline', id)));
      const detail = sumOf(stored.map((id) => folded.doc('detail', id)));
      expect(figuresOf(headline, detail, 'r', { kinds: ['d'], lanes: ['n'] }).delivered).toBe(2);
      if (!key.startsWith('W') && !key.startsWith('Q')) expect(folded.doc('headline', `${key}|T:H53`)).not.toEqual({});
      else expect(folded.doc('headline', `${key}|T:H53`)).toEqual({});
      // Three copies of the document and the copies of its statuses (two of the 15th, two of the 16th, in the same week, month…).
      expect(folded.figures(`${key}|N`, 'r').delivered).toBe(key.startsWith('D') ? 5 : 7);
    }
    // Own figures: day, month and year (weeks and quarters are summed from them when read).
    expect(folded.figures('M2025-07|A:H53.32.20', 'r').delivered).toBe(1);
    expect(folded.doc('headline', 'W2025-W29|A:H53.32.20')).toEqual({});
    // The subtree of Tây Ninh is the sum of its agencies' own documents, which hold the
    // breakdowns too: its headline and detail documents together.
    const own = folded.sum('headline', (id) => id.startsWith('D2025-07-15|A:H53'));
    expect(own).toEqual(sumOf([folded.doc('headline', 'D2025-07-15|T:H53'), folded.doc('detail', 'D2025-07-15|T:H53')]));
    expect(Object.keys(folded.doc('detail', 'D2025-07-15|T:H53')).length).toBeGreaterThan(0);
    expect(folded.sum('detail', (id) => id.includes('|A:'))).toEqual({});
    expect(folded.figures('D2025-07-15|A:H53', 'r', { kinds: ['d'], lanes: ['n'] }).latency.sendToFetched.buckets?.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
    // The country is the sum of its level-1 subtrees, headline and breakdowns alike.
    expect(sumOf([...['G22', 'H53', 'H40'].map((l1) => folded.doc('headline', `D2025-07-15|T:${l1}`))])).toEqual(folded.sum('headline', (id) => id === 'D2025-07-15|N'));
    expect(sumOf([...['G22', 'H53', 'H40'].map((l1) => folded.doc('detail', `D2025-07-15|T:${l1}`))])).toEqual(folded.doc('detail', 'D2025-07-15|N'));
    expect(folded.figures('D2025-07-15|A:H53.32', 'r')).toMatchObject({ delivered: 0 });
    expect(folded.doc('headline', 'D2025-07-15|A:H53.32')).toEqual({});
    expect(FINANCE).toBe('000.00.32.H53');
  });

  it('counts the findings of a carried package once per code, on the sender side', () => {
    expect(qualityOfTally(folded.doc('quality', 'M2025-07|A:G22'))).toEqual({ refused: 0, flawed: 1, refusals: {}, findings: { 'EDXML.INVALID_DATE': 1, 'EDXML.TOO_LONG': 1 } });
  });

  it('decides a redelivered event as it did the first time: the guards then skip its writes', () => {
    const first01 = folded.log.find((l) => l.event.type === DeliveryStatusRecordedEvent.type && (l.event.payload as { code: string }).code === '01')!;
    const again = folded.fold(first01.event, first01.position);
    expect(again.filter((w) => w.model === 'headline').length).toBeGreaterThan(0);
    expect(again.find((w) => w.model === 'deliveries')?.update).toEqual({ $min: { o01: Number(first01.position.offset) } });
  });
});

describe('foldEvent: refusals, urgent documents, unroutable recipients', () => {
  it('counts refusals per code on the sender side, and an unknown sender nationally only', () => {
    const folded = new Folded().feed([refusedPackage('r1', TAY_NINH, 'EXCHANGE.INVALID_PACKAGE', ['EDXML.MISSING_FIELD'], AT), refusedPackage('r2', null, 'EDXML.MALFORMED_XML', [], AT)]);
    expect(qualityOfTally(folded.doc('quality', 'D2025-07-15|A:H53'))).toEqual({ refused: 1, flawed: 1, refusals: { 'EXCHANGE.INVALID_PACKAGE': 1 }, findings: { 'EDXML.MISSING_FIELD': 1 } });
    expect(qualityOfTally(folded.doc('quality', 'Y2025|N'))).toEqual({ refused: 2, flawed: 1, refusals: { 'EXCHANGE.INVALID_PACKAGE': 1, 'EDXML.MALFORMED_XML': 1 }, findings: { 'EDXML.MISSING_FIELD': 1 } });
  });

  it('keeps urgent documents apart, and counts recipients routing could not reach on both sides', () => {
    const folded = new Folded().feed(
      documentLife({ packageId: 'u1', documentId: 'doc-u1', sender: TAY_NINH, acceptedAt: AT, priority: '3', copies: [{ recipient: VPCP, fetchedAfterMs: 1000, ack: 'done' }], unroutable: [{ code: '000.00.99.H53', errorCode: 'ROUTING.UNKNOWN_RECIPIENT' }] }),
    );
    const day = 'D2025-07-15|N';
    expect(folded.figures(day, 's', { kinds: ['d'], lanes: ['u'] })).toMatchObject({ accepted: 1, delivered: 1, fetched: 1, unroutable: 1 });
    expect(folded.figures(day, 's', { kinds: ['d'], lanes: ['n'] })).toMatchObject({ accepted: 0, delivered: 0 });
    expect(folded.figures('D2025-07-15|A:H53.99', 'r', { kinds: ['d'], lanes: ['u'] })).toMatchObject({ accepted: 1, unroutable: 1, delivered: 0 });
    expect(folded.figures(day, 's').signatures.notPerformed).toBe(1);
  });

  it('reports an event whose delivery it never saw queued, and counts nothing for it', () => {
    const life = documentLife({ packageId: 'x', documentId: 'doc-x', sender: VPCP, acceptedAt: AT, copies: [{ recipient: HCM, fetchedAfterMs: 10 }] });
    const folded = new Folded().feed(life.filter((e) => e.event.type !== DeliveryQueuedEvent.type));
    expect(folded.missing).toEqual(['x/000.00.00.H40']);
    expect(folded.figures('D2025-07-15|N', 'r').fetched).toBe(0);
  });
});

describe('foldEvent: the directory', () => {
  const directoryEvent = <P, T extends EventType>(def: EventDefinition<P, T>, code: string, payload: P, seq: number): LifeEvent => ({
    source: 'directory',
    urgent: false,
    key: code,
    event: createEvent(def, { aggregateId: code, aggregateSeq: seq, payload, actor: { kind: 'operator', id: 'ops' }, correlationId: code, occurredAt: AT }),
  });
  const register = (code: string, parentCode: string | null) => directoryEvent(AgencyRegisteredEvent, code, { code, name: `Cơ quan ${code}`, parentCode, email: null, inCharge: null, validFrom: AT.toISOString() }, 1);
  const connect = (code: string, systemId: string, seq: number) => directoryEvent(AgencyConnectedEvent, code, { code, systemId, credentialFingerprint: 'f'.repeat(64), endpoint: null }, seq);

  it('counts agencies and connected agencies per level, a rebinding or a second system once, retirements and suspensions', () => {
    const folded = new Folded().feed([
      register(TAY_NINH, null),
      register(HCM, null),
      register(FINANCE, TAY_NINH),
      register(UNIT, FINANCE),
      connect(TAY_NINH, 'qlvb-tn', 2),
      connect(TAY_NINH, 'qlvb-tn', 3),
      connect(TAY_NINH, 'qlvb-tn-2', 4),
      connect(FINANCE, 'qlvb-stc', 2),
      directoryEvent(AgencySuspendedEvent, UNIT, { code: UNIT, reason: 'sáp nhập' }, 2),
      directoryEvent(AgencyRetiredEvent, UNIT, { code: UNIT, successorCode: FINANCE, validTo: AT.toISOString(), reason: 'sáp nhập' }, 3),
      directoryEvent(AgencyRetiredEvent, FINANCE, { code: FINANCE, successorCode: null, validTo: AT.toISOString(), reason: 'giải thể' }, 3),
    ]);
    expect(folded.missing).toEqual([]);
    expect(levelsOfTally(folded.doc('directory', 'N'))).toEqual([
      { level: 1, agencies: 2, connected: 1, suspended: 0, retired: 0 },
      { level: 2, agencies: 0, connected: 0, suspended: 0, retired: 1 },
      { level: 3, agencies: 0, connected: 0, suspended: 0, retired: 1 },
      { level: 4, agencies: 0, connected: 0, suspended: 0, retired: 0 },
    ]);
    expect(levelsOfTally(folded.doc('directory', 'T:H40'))[0]).toEqual({ level: 1, agencies: 1, connected: 0, suspended: 0, retired: 0 });
    // The offset of its first connection (the fifth directory event), kept by $min.
    expect(folded.doc('agencies', TAY_NINH)).toEqual({ name: `Cơ quan ${TAY_NINH}`, level: 1, c0: 4 });
  });
});

describe('foldEvent: a re-validated signature verdict', () => {
  const life = documentLife({ packageId: 'pkg-r', documentId: `${VPCP},2025/07/15,7/VPCP-TKBT`, sender: VPCP, acceptedAt: AT, cryptographic: 'unknown', decree30: false, copies: [{ recipient: TAY_NINH, fetchedAfterMs: 4000, ack: 'done' }] });
  const verified = life.find((l) => l.event.type === SignatureVerifiedEvent.type)!;
  const ref = (verified.event.payload as { package: PackageRef }).package;
  const recheck = (cryptographic: string, decree30: boolean, previousCryptographic: string, previousDecree30: boolean): LifeEvent => ({
    ...verified,
    event: createEvent(SignatureRecheckedEvent, {
      aggregateId: ref.packageId,
      aggregateSeq: 2,
      actor: { kind: 'operator', id: 'root' },
      correlationId: verified.event.correlationId,
      causationId: verified.event.eventId,
      occurredAt: new Date(AT.getTime() + 86_400_000),
      payload: { package: ref, checks: [{ name: 'decree30', result: decree30 ? 'passed' : 'failed', detail: '' }], cryptographic, verifier: 'cryptographic/1', supersedes: verified.event.eventId, previousCryptographic, previousDecree30, operator: 'cli:root' },
    }),
  });
  const signatures = (f: Folded, direction: 's' | 'r') => f.figures('D2025-07-15|N', direction, { kinds: ['d'], lanes: ['n'] }).signatures;

  it('moves the package from its previous verdict to the new one, on both sides and on the day it was sent', () => {
    const folded = new Folded().feed(life);
    expect(signatures(folded, 's')).toMatchObject({ validBoth: 0, indeterminate: 1 });
    folded.feed([recheck('valid', true, 'unknown', false)]);
    for (const direction of ['s', 'r'] as const) expect(signatures(folded, direction)).toMatchObject({ validBoth: 1, validPartial: 0, indeterminate: 0, signedShare: 1 });
    expect(folded.figures('D2025-07-15|A:H53', 'r', { kinds: ['d'], lanes: ['n'] }).signatures).toMatchObject({ validBoth: 1, indeterminate: 0 });
  });

  it('counts nothing when the verdict stays in its bucket', () => {
    expect(new Folded().fold(recheck('unknown', false, 'unknown', false).event, { topic: 'vdx.signature.events.v1', partition: 0, offset: '9' })).toEqual([]);
  });
});
