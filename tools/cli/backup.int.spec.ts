import { createBlobStore, openBlobStore } from '@vdx/blob-store';
import { AgencyRegisteredEvent, AgencySuspendedEvent, AgencyUpdatedEvent, createEvent, DeliveryAcknowledgedEvent, DeliveryAttemptFailedEvent, DeliveryCommandSubmittedEvent, DeliveryDeadLetteredEvent, DeliveryFetchedEvent, DeliveryQueuedEvent, documentKey, encodeAgencySnapshot, type EventDefinition, type EventType, laneOf, laneTopic, PackageAcceptedEvent, type PackageRef, PackageRejectedEvent, PackageRoutedEvent, REPLY_TOPIC_CONFIG, SignatureRejectedEvent, SignatureVerifiedEvent, withLanes } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { deliveryReadModelsProjection } from '@vdx/delivery-feature';
import { agencyProjection } from '@vdx/directory-feature';
import { ProjectionRunner, replayProjection, type Projection } from '@vdx/event-sourcing';
import { traceProjection } from '@vdx/gateway-feature';
import {
  EventProducer,
  TransactionalAppender,
  committedGroupOffsets,
  compactedTopicSpec,
  createKafka,
  deadLetterTopicSpec,
  describeTopics,
  ensureTopics,
  eventTopicSpec,
  recordSpans,
  type Kafka,
  type Outgoing,
  type RawRecord,
} from '@vdx/messaging';
import { dumpCollection, testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient, type Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackup, runRestore, type BackupSummary, type RestoreOptions } from './backup';
import { BackupError, MANIFEST_FILE, blobFileName, type BackupManifest } from './backup-format';
import { nameAfter, readAll, restoredOffsets, translated } from './test-fixtures/backup-drill';

// The drill of docs/runbooks/backup.md on real Kafka and FerretDB: traffic on a set of topics of
// their own (prefix A), read models projected live, `vdx backup`, `vdx restore` under another
// prefix (B) into another database, replays there, and the read models compared with the live
// ones; then the refusals: a flipped byte, a target that is not empty.

const T0 = Date.parse('2026-07-01T01:00:00Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const actor = { kind: 'system', id: 'tests' } as const;
const PARTITIONS = 3;
const BULK = 20_000;
/**
 * The drill: a backup of every topic and collection (the BULK commands among them), a restore and
 * a replay of each read model, about 40 s on a loaded two-core machine.
 */
const DRILL_TEST_TIMEOUT_MS = 180_000;

/** The topics of the drill under `prefix`, by what they are. */
function topicsOf(prefix: string) {
  return {
    gateway: `${prefix}gateway.events.v1`,
    signature: `${prefix}signature.events.v1`,
    routing: `${prefix}routing.events.v1`,
    delivery: `${prefix}delivery.events.v1`,
    commands: `${prefix}delivery.commands.v1`,
    replies: `${prefix}delivery.replies.v1`,
    directory: `${prefix}directory.events.v1`,
    snapshot: `${prefix}directory.snapshot.v1`,
    dlq: `${prefix}dlq.delivery`,
  };
}
type Topics = ReturnType<typeof topicsOf>;

type Path = 'routed' | 'signatureRejected' | 'rejected' | 'inFlight';
const PATHS: readonly Path[] = ['routed', 'routed', 'signatureRejected', 'rejected', 'inFlight', 'routed'];

function ref(run: string, i: number): PackageRef {
  return packageRefWith({
    packageId: `${run}-pkg-${i}`,
    senderCode: '000.00.00.G22',
    systemId: 'demo-vpcp',
    recipientCodes: i % 2 === 0 ? ['000.00.00.H53'] : ['000.00.00.H53', '000.00.00.H40'],
    documentId: i % 4 === 3 ? null : `${run}-doc-${i}`,
    businessDocType: '0',
    subject: `Công văn số ${i}/VPCP`,
    // Every fifth is hỏa tốc: its events travel the urgent lanes.
    priority: i % 5 === 0 ? '3' : '0',
    bodySha256: (i % 16).toString(16).repeat(64),
    bodySize: 40_000 + i,
    acceptedAt: at(i).toISOString(),
  });
}

/** The exchange of `count` packages: gateway, signature, routing and delivery events, each in its package's lane, keyed by its document. */
function exchangeLog(run: string, t: Topics, count: number): { items: Outgoing[]; traces: number; stages: number; deliveries: Map<string, number>; open: Set<string> } {
  const items: Outgoing[] = [];
  const deliveries = new Map<string, number>();
  // The open deliveries (queued, fetched, dead): one inbox entry each.
  const open = new Set<string>();
  let stages = 0;
  const event = <P, T extends EventType>(topic: string, def: EventDefinition<P, T>, p: PackageRef, aggregateId: string, seq: number, payload: P, second: number, lane = true): Outgoing => ({
    topic: lane ? laneTopic(topic, laneOf(p.priority)) : topic,
    key: documentKey(p),
    event: createEvent(def, { aggregateId, aggregateSeq: seq, payload, actor, correlationId: `corr-${p.packageId}`, occurredAt: at(second) }),
  });
  for (let i = 0; i < count; i += 1) {
    const path = PATHS[i % PATHS.length]!;
    const p = ref(run, i);
    stages += path === 'routed' ? 3 : path === 'signatureRejected' ? 2 : 1;
    if (path === 'rejected') {
      items.push(
        event(t.gateway, PackageRejectedEvent, p, p.packageId, 1, {
          packageId: p.packageId,
          senderCode: p.senderCode,
          systemId: p.systemId,
          errorCode: 'EXCHANGE.INVALID_PACKAGE',
          reason: 'the package has 1 error(s)',
          findings: [{ code: 'EDXML.REQUIRED', path: 'edXML/Header/MessageHeader/Subject', severity: 'error', message: 'Subject is required' }],
          bodySha256: p.bodySha256,
          bodySize: p.bodySize,
          clientRef: `client-${i}`,
        }, i, false),
      );
      continue;
    }
    const { acceptedAt: _acceptedAt, ...facts } = p;
    items.push(event(t.gateway, PackageAcceptedEvent, p, p.packageId, 1, { ...facts, attachments: [], warnings: [], idempotencyKey: `idem-${p.packageId}`, clientRef: null }, i));
    if (path === 'inFlight') continue;
    if (path === 'signatureRejected') {
      items.push(event(t.signature, SignatureRejectedEvent, p, p.packageId, 1, { package: p, checks: [{ name: 'body-hash', result: 'failed', detail: 'SHA-256 differs' }], errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', reason: 'the body was altered', verifier: 'integrity/1' }, i + 1));
      continue;
    }
    items.push(event(t.signature, SignatureVerifiedEvent, p, p.packageId, 1, { package: p, checks: [{ name: 'body-hash', result: 'passed', detail: 'SHA-256 matches' }], cryptographic: 'not-performed', verifier: 'integrity/1' }, i + 1));
    const routed = p.recipientCodes.map((c) => ({ deliveryId: `${p.packageId}/${c}`, requestedCode: c, recipientCode: c, deliverToCode: c, systemId: 'qlvb', endpoint: null, route: 'direct', via: [] }));
    items.push(event(t.routing, PackageRoutedEvent, p, p.packageId, 1, { package: p, deliveries: routed, unroutable: [] }, i + 2));
    routed.forEach((r, j) => {
      const d = r.deliveryId;
      const steps: { def: EventDefinition<never, EventType>; payload: unknown }[] = [
        { def: DeliveryQueuedEvent as EventDefinition<never, EventType>, payload: { deliveryId: d, package: p, recipientCode: r.recipientCode, deliverToCode: r.deliverToCode, route: 'direct', via: [], systemId: 'qlvb', endpoint: null, deadline: at(3600).toISOString() } },
      ];
      const scenario = (i + j) % 4;
      if (scenario >= 1) steps.push({ def: DeliveryFetchedEvent as EventDefinition<never, EventType>, payload: { deliveryId: d, systemId: 'qlvb', via: 'fetch' } });
      if (scenario === 2) steps.push({ def: DeliveryAcknowledgedEvent as EventDefinition<never, EventType>, payload: { deliveryId: d, systemId: 'qlvb', result: 'done', reason: null } });
      if (scenario === 3) {
        steps.push({ def: DeliveryAttemptFailedEvent as EventDefinition<never, EventType>, payload: { deliveryId: d, attempt: 1, error: 'UNAVAILABLE: push refused', nextAttemptAt: null } });
        steps.push({ def: DeliveryDeadLetteredEvent as EventDefinition<never, EventType>, payload: { deliveryId: d, attempts: 1, lastError: 'UNAVAILABLE: push refused' } });
      }
      steps.forEach((s, k) => items.push(event(t.delivery, s.def, p, d, k + 1, s.payload as never, i + 3 + k)));
      deliveries.set(d, steps.length);
      if (scenario !== 2) open.add(d);
    });
  }
  return { items, traces: count, stages, deliveries, open };
}

const AGENCIES = ['000.00.00.G22', '000.00.00.H53', '000.00.32.H53', '000.00.00.H40', '000.01.00.H40', '000.00.00.A01'];

/** The directory's writes: registrations, an update, a suspension, each with the agency's snapshot, in transactions. */
type Snapshot = { topic: string; key: string; value: Buffer; headers: Record<string, string> };

function directoryLog(t: Topics): { batches: { events: Outgoing[]; snapshots: Snapshot[] }[]; versions: Map<string, number> } {
  const versions = new Map<string, number>();
  const batches: { events: Outgoing[]; snapshots: Snapshot[] }[] = [];
  const snapshot = (code: string, name: string, status: 'active' | 'suspended', version: number): Snapshot => {
    const { value, headers } = encodeAgencySnapshot({ code, name, parentCode: null, email: null, inCharge: null, status, validFrom: at(0).toISOString(), validTo: null, successorCode: null, systems: [], version });
    return { topic: t.snapshot, key: code, value, headers };
  };
  const ev = <P, T extends EventType>(def: EventDefinition<P, T>, code: string, seq: number, payload: P): Outgoing => ({ topic: t.directory, key: code, event: createEvent(def, { aggregateId: code, aggregateSeq: seq, payload, actor: { kind: 'operator', id: 'ops' }, correlationId: `dir-${code}`, occurredAt: at(seq) }) });
  for (let b = 0; b < 2; b += 1) {
    const codes = AGENCIES.slice(b * 3, b * 3 + 3);
    batches.push({
      events: codes.map((code) => ev(AgencyRegisteredEvent, code, 1, { code, name: `Cơ quan ${code}`, parentCode: null, email: null, inCharge: null, validFrom: at(0).toISOString() })),
      snapshots: codes.map((code) => snapshot(code, `Cơ quan ${code}`, 'active', 1)),
    });
    for (const code of codes) versions.set(code, 1);
  }
  batches.push({
    events: [ev(AgencyUpdatedEvent, AGENCIES[1]!, 2, { code: AGENCIES[1]!, name: 'Văn phòng UBND tỉnh Tây Ninh', email: 'vp@tayninh.gov.vn', inCharge: null }), ev(AgencySuspendedEvent, AGENCIES[3]!, 2, { code: AGENCIES[3]!, reason: 'bảo trì' })],
    snapshots: [snapshot(AGENCIES[1]!, 'Văn phòng UBND tỉnh Tây Ninh', 'active', 2), snapshot(AGENCIES[3]!, `Cơ quan ${AGENCIES[3]}`, 'suspended', 2)],
  });
  versions.set(AGENCIES[1]!, 2);
  versions.set(AGENCIES[3]!, 2);
  return { batches, versions };
}

const codeOf = (err: unknown): unknown => (err instanceof BackupError ? { code: err.code, file: err.file, message: err.message } : err);

describe('vdx backup and vdx restore: the drill (real Kafka and store)', () => {
  const env = testEnv();
  const settings = { brokers: env.kafkaBrokers, clientId: 'backup-int' };
  const A = `${uniqueName('bk')}.vdx.`;
  const B = `${uniqueName('rs')}.vdx.`;
  const tA = topicsOf(A);
  const tB = topicsOf(B);
  const dbNames = { a: uniqueDbName('backup_src'), b: uniqueDbName('backup_dst'), c: uniqueDbName('backup_other') };
  let kafka: Kafka;
  let mongo: MongoClient;
  let dbA: Db;
  let dbB: Db;
  let work: string;
  let producer: EventProducer;
  let appender: TransactionalAppender;

  beforeAll(async () => {
    kafka = createKafka(settings);
    mongo = await MongoClient.connect(env.mongoUrl);
    dbA = mongo.db(dbNames.a);
    dbB = mongo.db(dbNames.b);
    work = await mkdtemp(join(tmpdir(), 'vdx-backup-int-'));
    producer = new EventProducer(kafka);
    await producer.connect();
    appender = new TransactionalAppender(kafka, `${tA.directory}.writer`);
    await appender.connect();
  });

  afterAll(async () => {
    await appender.disconnect();
    await producer.disconnect();
    for (const name of Object.values(dbNames)) await mongo.db(name).dropDatabase().catch(() => undefined);
    await mongo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('backs up real traffic, restores it beside the original, and the replayed read models equal the live ones; a flipped byte and a non-empty target are refused', async () => {
    const run = uniqueName('p');
    // The topics as the services create them: both lanes, the compacted snapshot, a dead-letter topic, commands and replies.
    await ensureTopics(kafka, [
      ...withLanes([tA.gateway, tA.signature, tA.routing, tA.delivery]).map((t) => eventTopicSpec(t, PARTITIONS, 1)),
      eventTopicSpec(tA.commands, PARTITIONS, 1),
      { name: tA.replies, partitions: PARTITIONS, replicationFactor: 1, config: REPLY_TOPIC_CONFIG },
      eventTopicSpec(tA.directory, PARTITIONS, 1),
      compactedTopicSpec(tA.snapshot, PARTITIONS, 1),
      deadLetterTopicSpec(tA.dlq, 1),
    ]);

    // Traffic: the exchange (idempotent producer), the directory (transactions, so its topics have markers between records),
    // raw records with repeated headers and old timestamps on the commands, a tombstone on the snapshot, a dead letter, replies.
    const exchange = exchangeLog(run, tA, 48);
    for (let i = 0; i < exchange.items.length; i += 40) await producer.publish(exchange.items.slice(i, i + 40));
    const directory = directoryLog(tA);
    for (const b of directory.batches) await appender.append(b.events, b.snapshots);
    const raw = kafka.producer();
    await raw.connect();
    // A volume worth timing: BULK commands of 300 bytes, as an operator's redrive of a backlog would leave.
    for (let from = 0; from < BULK; from += 2000) {
      await raw.send({
        topic: tA.commands,
        messages: Array.from({ length: Math.min(2000, BULK - from) }, (_, j) => {
          const i = from + j;
          return { key: `${run}-doc-${i % 97}`, value: randomBytes(300), timestamp: String(T0 + i), headers: { 'vdx-type': DeliveryCommandSubmittedEvent.type, 'x-hop': [`a${i}`, `b${i}`] } };
        }),
      });
    }
    await raw.send({ topic: tA.snapshot, messages: [{ key: '000.99.99.Z99', value: null }] });
    await raw.send({ topic: tA.dlq, messages: [{ key: null, value: Buffer.from([0xde, 0xad]), headers: { 'vdx-dlq-code': 'MESSAGING.UNDECODABLE', 'vdx-dlq-source': `${tA.delivery}/1/4` } }] });
    await raw.send({ topic: tA.replies, messages: [{ key: 'delivery-1', value: Buffer.from('answer') }] });
    await raw.disconnect();

    // Bodies where the services put them: inline documents, GridFS (over 1 MiB), files of a BLOB_DIR.
    const blobDirA = join(work, 'blobs-a');
    const bodies = [randomBytes(2_000), randomBytes(40_000), Buffer.from('<edXML>công văn</edXML>'), randomBytes(1_300_000), randomBytes(3_000), randomBytes(70_000)];
    const refs = [];
    for (const [i, body] of bodies.entries()) {
      const store = i < 4 ? createBlobStore(dbA) : openBlobStore(dbA, { dir: blobDirA });
      refs.push(await store.put(Readable.from([body]), { contentType: i % 2 === 0 ? 'application/xml' : 'application/pdf' }));
    }
    expect(await dbA.collection('blobs.inline').countDocuments()).toBe(3);
    expect(await dbA.collection('blobs.files').countDocuments()).toBe(1);

    // The read models, projected live from A.
    const projectionsOf = (t: Topics, db: string): Projection[] => [
      traceProjection({ gateway: t.gateway, signature: t.signature, routing: t.routing }, `${db}-exchange-traces`, 'exchange_traces'),
      deliveryReadModelsProjection(t.delivery, `${db}-delivery-state`, { state: 'delivery_state', inbox: 'delivery_inbox', dead: 'delivery_dead' }),
      agencyProjection(`${db}-directory-agencies`, t.directory, 'directory_agencies'),
    ];
    const runners = projectionsOf(tA, dbNames.a).map((p) => new ProjectionRunner(kafka, dbA, p, { sessionTimeoutMs: 6000 }));
    for (const r of runners) await r.start();
    try {
      await waitUntil('the live projections to apply every event', async () => {
        const traces = await dbA.collection('exchange_traces').find({}, { projection: { stages: 1 } }).toArray();
        const states = await dbA.collection('delivery_state').find({}, { projection: { version: 1 } }).toArray();
        const inbox = await dbA.collection('delivery_inbox').find({}, { projection: { version: 1 } }).toArray();
        const agencies = await dbA.collection('directory_agencies').find({}, { projection: { version: 1 } }).toArray();
        // An inbox entry's id is `<recipient>|<lane>|<deliveryId>`.
        const deliveryOf = (id: unknown) => String(id).split('|').slice(2).join('|');
        return traces.length === exchange.traces &&
          traces.reduce((n, d) => n + Object.keys((d['stages'] as object | undefined) ?? {}).length, 0) === exchange.stages &&
          states.length === exchange.deliveries.size &&
          states.every((d) => d['version'] === exchange.deliveries.get(String(d['_id']))) &&
          inbox.length === exchange.open.size &&
          inbox.every((d) => exchange.open.has(deliveryOf(d['_id'])) && d['version'] === exchange.deliveries.get(deliveryOf(d['_id']))) &&
          agencies.length === AGENCIES.length &&
          agencies.every((d) => d['version'] === directory.versions.get(String(d['_id'])))
          ? true
          : undefined;
      }, { timeoutMs: 90_000 });
    } finally {
      for (const r of runners) await r.stop();
    }
    const collections = ['exchange_traces', 'delivery_state', 'delivery_inbox', 'directory_agencies'];
    const live = new Map(await Promise.all(collections.map(async (c) => [c, await dumpCollection(dbA, c)] as const)));
    expect(live.get('delivery_inbox')!.length).toBeGreaterThan(0);
    const before = await readAll(settings, A, [...withLanes([tA.gateway, tA.signature, tA.routing, tA.delivery]), tA.commands, tA.directory, tA.snapshot, tA.dlq]);

    // Back up.
    const backupDir = join(work, 'backup');
    const backedUp: BackupSummary = await runBackup(backupDir, { brokers: env.kafkaBrokers, prefix: A, blobs: true, mongoUrl: env.mongoUrl, db: dbNames.a, blobDir: blobDirA, progress: 'none' });
    const manifest = JSON.parse(await readFile(join(backupDir, MANIFEST_FILE), 'utf8')) as BackupManifest;
    const produced = [...before.values()].reduce((n, rs) => n + rs.length, 0);
    expect(backedUp.groups).toBeGreaterThanOrEqual(3);
    expect(backedUp).toMatchObject({ topics: 12, partitions: 11 * PARTITIONS + 1, records: produced, blobs: bodies.length, skipped: [{ topic: tA.replies, reason: expect.stringMatching(/waited at most 30 s/) }] });
    expect(manifest.topics.map((t) => t.name)).toEqual(
      [
        'delivery.commands.v1',
        'delivery.events.v1',
        'delivery.events.v1.urgent',
        'directory.events.v1',
        'directory.snapshot.v1',
        'dlq.delivery',
        'gateway.events.v1',
        'gateway.events.v1.urgent',
        'routing.events.v1',
        'routing.events.v1.urgent',
        'signature.events.v1',
        'signature.events.v1.urgent',
      ],
    );
    for (const t of manifest.topics) {
      expect(t.files.reduce((n, f) => n + f.records, 0)).toBe([...before].filter(([k]) => k.startsWith(`${t.name}/`)).reduce((n, [, rs]) => n + rs.length, 0));
      expect(t.partitions).toBe(t.name === 'dlq.delivery' ? 1 : PARTITIONS);
    }
    expect(manifest.topics.find((t) => t.name === 'directory.snapshot.v1')).toMatchObject({ kind: 'compacted', config: { 'cleanup.policy': 'compact' } });
    expect(manifest.topics.find((t) => t.name === 'gateway.events.v1.urgent')!.files.reduce((n, f) => n + f.records, 0)).toBeGreaterThan(0);
    expect(manifest.blobs).toMatchObject({ count: bodies.length, bytes: bodies.reduce((n, b) => n + b.length, 0), sources: ['files', 'blobs.inline', 'blobs.files'] });

    // Restore under B into another database (no BLOB_DIR there: the bodies go to its documents).
    const restoreOpts: RestoreOptions = { brokers: env.kafkaBrokers, prefix: B, force: false, replicationFactor: 1, mongoUrl: env.mongoUrl, db: dbNames.b, progress: 'none' };
    const restored = await runRestore(backupDir, restoreOpts);
    expect(restored).toMatchObject({ prefix: B, topics: 12, created: 12, records: produced, blobs: bodies.length, blobsExisted: 0 });
    expect((await describeTopics(settings, B)).map((l) => [nameAfter(B, l.topic), l.partitions])).toEqual(manifest.topics.map((t) => [t.name, t.partitions]));

    // Record for record: same partitions, same order, keys, values, headers (repeated ones too) and timestamps; new offsets, dense.
    const after = await readAll(settings, B, manifest.topics.map((t) => `${B}${t.name}`));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const offsets = restoredOffsets(before);
    let gaps = 0;
    for (const [k, rs] of before) {
      const got = after.get(k)!;
      const strip = (r: RawRecord) => JSON.stringify([r.key?.toString('base64') ?? null, r.value?.toString('base64') ?? null, r.headers.map((h) => [h.name, h.value?.toString('base64') ?? null]), r.timestamp]);
      expect(got.map(strip)).toEqual(rs.map(strip));
      expect(got.map((r) => Number(r.offset))).toEqual(got.map((_, i) => i));
      if (rs.some((r, i) => Number(r.offset) !== i)) gaps += 1;
    }
    // The transactional directory writes left markers between the original records: the offsets did change.
    expect(gaps).toBeGreaterThan(0);
    expect(after.get('delivery.commands.v1/0')!.concat(after.get('delivery.commands.v1/1')!, after.get('delivery.commands.v1/2')!).every((r) => r.headers.filter((h) => h.name === 'x-hop').length === 2 && r.timestamp >= T0 && r.timestamp < T0 + BULK)).toBe(true);
    expect([...after].filter(([k]) => k.startsWith('directory.snapshot.v1/')).flatMap(([, rs]) => rs).find((r) => r.key?.toString() === '000.99.99.Z99')?.value).toBeNull();
    expect(after.get('dlq.delivery/0')![0]).toMatchObject({ key: null, value: Buffer.from([0xde, 0xad]) });

    // Each consumer group resumes at the same record: its committed offset, translated to the new offsets, on the restored topics.
    const liveGroups = manifest.groups.filter((g) => g.group.startsWith(`projection.${dbNames.a}-`));
    expect(new Set(liveGroups.map((g) => g.group))).toEqual(new Set(projectionsOf(tA, dbNames.a).map((p) => `projection.${p.name}`)));
    const restoredGroups = (await committedGroupOffsets(settings, manifest.topics.map((t) => `${B}${t.name}`))).filter((g) => g.group.startsWith(`projection.${dbNames.a}-`));
    expect(restoredGroups.map((g) => [g.group, nameAfter(B, g.topic), g.partition, Number(g.offset)]).sort()).toEqual(
      liveGroups.map((g) => [g.group, g.name, g.partition, before.get(`${g.name}/${g.partition}`)!.filter((r) => BigInt(r.offset) < BigInt(g.offset)).length]).sort(),
    );
    // The live runners had read everything: their offsets were the ends, and are the ends again.
    expect(restoredGroups.every((g) => Number(g.offset) === after.get(`${nameAfter(B, g.topic)}/${g.partition}`)!.length)).toBe(true);

    // The bodies, byte for byte, with their content types.
    const storeB = createBlobStore(dbB);
    for (const [i, r] of refs.entries()) {
      const chunks: Buffer[] = [];
      for await (const c of (await storeB.get(r.sha256)) as AsyncIterable<Buffer>) chunks.push(c);
      expect(Buffer.concat(chunks).equals(bodies[i]!)).toBe(true);
      expect((await storeB.stat(r.sha256))?.contentType).toBe(i % 2 === 0 ? 'application/xml' : 'application/pdf');
    }

    // `vdx replay` of each model on the restored topics, swapped in: equal to the live models, but for the new topics and offsets.
    for (const p of projectionsOf(tB, dbNames.b)) {
      const result = await replayProjection(settings, dbB, p, { swap: true, refuseWhileRunning: false });
      expect(result.undecodable).toBe(0);
    }
    for (const c of collections) {
      const rebuilt = await dumpCollection(dbB, c);
      const expected = live.get(c)!.map((d) => translated(d, A, B, manifest.topics.map((t) => t.name), offsets, 'directory.events.v1'));
      expect(rebuilt.map((d) => d['_id'])).toEqual(expected.map((d) => d['_id']));
      rebuilt.forEach((d, i) => expect(d).toStrictEqual(expected[i]));
    }

    // A target that holds records, or blobs, is refused, and nothing is written.
    const notEmpty = await runRestore(backupDir, restoreOpts).catch(codeOf);
    expect(notEmpty).toMatchObject({ code: 'BACKUP.TARGET_NOT_EMPTY', message: expect.stringContaining(`topics that hold records: ${B}`) });
    expect((notEmpty as { message: string }).message).toContain(`a blob store that holds blobs: ${dbNames.b}.blobs.inline, ${dbNames.b}.blobs.files`);
    const C = `${uniqueName('rc')}.vdx.`;
    const blobsOnly = await runRestore(backupDir, { ...restoreOpts, prefix: C }).catch(codeOf);
    expect(blobsOnly).toMatchObject({ code: 'BACKUP.TARGET_NOT_EMPTY', message: expect.not.stringContaining('topics that hold records') });
    expect(await describeTopics(settings, C)).toEqual([]);

    // A flipped byte anywhere is refused before anything is written, naming the file and why.
    const flip = async (file: string, at: number, expectation: RegExp) => {
      const path = join(backupDir, file);
      const bytes = await readFile(path);
      const pos = Math.min(at, bytes.length - 1);
      bytes[pos] = bytes[pos]! ^ 0x01;
      await writeFile(path, bytes);
      try {
        const refused = await runRestore(backupDir, { ...restoreOpts, prefix: C, db: dbNames.c }).catch(codeOf);
        expect(refused).toMatchObject({ code: 'BACKUP.CORRUPT', file, message: expect.stringMatching(expectation) });
      } finally {
        bytes[pos] = bytes[pos]! ^ 0x01;
        await writeFile(path, bytes);
      }
    };
    const busiest = manifest.topics.flatMap((t) => t.files).sort((x, y) => y.bytes - x.bytes)[0]!;
    await flip(busiest.file, Math.floor(busiest.bytes / 2), /has SHA-256 [0-9a-f]{64}, but the manifest says/);
    await flip(blobFileName(refs[3]!.sha256), 1_000_000, /its bytes are not the blob it is named after/);
    await flip(MANIFEST_FILE, 40, /manifest\.json has SHA-256 [0-9a-f]{64}, but manifest\.json\.sha256 says/);
    expect(await describeTopics(settings, C)).toEqual([]);
    expect((await mongo.db(dbNames.c).listCollections().toArray()).length).toBe(0);

    // --force appends to what is there: every partition grows by its records, the blobs are there already.
    const forced = await runRestore(backupDir, { ...restoreOpts, force: true });
    expect(forced).toMatchObject({ created: 0, records: produced, blobsExisted: bodies.length });
    const spans = await recordSpans(settings, [`${B}gateway.events.v1`]);
    expect(spans.reduce((n, s) => n + Number(s.high), 0)).toBe(2 * manifest.topics.find((t) => t.name === 'gateway.events.v1')!.files.reduce((n, f) => n + f.records, 0));

    process.stdout.write(`backup drill: ${produced} records, ${bodies.length} blobs; backup ${backedUp.recordsPerSecond} records/s exporting (${backedUp.seconds} s in all, blobs included), restore ${restored.recordsPerSecond} records/s writing (${restored.seconds} s in all, verification and blobs included)\n`);
  }, DRILL_TEST_TIMEOUT_MS);

  it('refuses a backup into a directory that is not empty, a directory that is no backup, and a prefix that matches nothing', async () => {
    const dir = join(work, 'busy');
    await writeFile(join(work, 'placeholder'), 'x');
    await expect(runBackup(work, { brokers: env.kafkaBrokers, prefix: A, blobs: false, mongoUrl: env.mongoUrl, db: dbNames.a, progress: 'none' }).catch(codeOf)).resolves.toMatchObject({ code: 'BACKUP.DIR_NOT_EMPTY' });
    await expect(runRestore(join(work, 'nothing-here'), { brokers: env.kafkaBrokers, force: false, replicationFactor: 1, mongoUrl: env.mongoUrl, db: dbNames.c, progress: 'none' }).catch(codeOf)).resolves.toMatchObject({ code: 'BACKUP.NOT_A_BACKUP', file: MANIFEST_FILE });
    await expect(runBackup(dir, { brokers: env.kafkaBrokers, prefix: `${uniqueName('none')}.vdx.`, blobs: false, mongoUrl: env.mongoUrl, db: dbNames.a, progress: 'none' }).catch(codeOf)).resolves.toMatchObject({ code: 'BACKUP.NOTHING_TO_BACK_UP' });
    expect(await readdir(work)).not.toContain('busy');
  });
});
