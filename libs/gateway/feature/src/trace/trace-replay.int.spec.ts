import {
  PackageAcceptedEvent,
  PackageRejectedEvent,
  PackageRoutedEvent,
  RoutingRejectedEvent,
  SignatureRejectedEvent,
  SignatureVerifiedEvent,
  createEvent,
  documentKey,
  eventTopic,
  type EventDefinition,
  type EventType,
  type PackageRef,
  withLanes,
} from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { replayProjection } from '@vdx/event-sourcing';
import { expectReplayedAsLive, replayBed } from '@vdx/event-sourcing/test-fixtures';
import type { Outgoing } from '@vdx/messaging';
import { dumpCollection, uniqueName } from '@vdx/testing';
import type { Document } from 'mongodb';
import { traceProjection, type TraceStage, type TraceTopics } from './trace.projection';

const T0 = Date.parse('2026-07-01T01:00:00Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const checks = [
  { name: 'body-hash', result: 'passed', detail: 'SHA-256 matches' },
  { name: 'signatures', result: 'not-performed', detail: 'certificate-chain verification not configured' },
];
const unroutable = [{ requestedCode: '000.00.00.Z99', errorCode: 'ROUTING.UNKNOWN_RECIPIENT', reason: 'no agency 000.00.00.Z99 in the directory' }];

/** How far each package got, and so the stages its trace must show. */
type Path = 'routed' | 'partlyUnroutable' | 'signatureRejected' | 'rejected' | 'routingRejected' | 'inFlight' | 'status';
const PATHS: readonly Path[] = ['routed', 'partlyUnroutable', 'signatureRejected', 'rejected', 'routingRejected', 'inFlight', 'status'];
const STAGES: Readonly<Record<Path, readonly TraceStage[]>> = {
  routed: ['accepted', 'routed', 'verified'],
  partlyUnroutable: ['accepted', 'routed', 'verified'],
  signatureRejected: ['accepted', 'signatureRejected'],
  rejected: ['rejected'],
  routingRejected: ['accepted', 'routingRejected', 'verified'],
  inFlight: ['accepted'],
  status: ['accepted', 'routed', 'verified'],
};

function ref(run: string, i: number, path: Path): PackageRef {
  const status = path === 'status';
  return packageRefWith({
    packageId: `${run}-pkg-${i}`,
    kind: status ? 'status' : 'edoc',
    senderCode: status ? '000.00.00.H53' : '000.00.00.G22',
    systemId: status ? 'qlvb-tay-ninh' : 'demo-vpcp',
    recipientCodes: status ? ['000.00.00.G22'] : path === 'partlyUnroutable' ? ['000.00.00.H53', '000.00.00.Z99'] : ['000.00.00.H53'],
    // A status is about an earlier document; it travels under that document's key.
    documentId: status ? `${run}-doc-0` : `${run}-doc-${i}`,
    businessDocType: status ? null : '0',
    statusCode: status ? '03' : null,
    subject: status ? null : `Công văn số ${i}/VPCP`,
    priority: status ? null : '0',
    bodySha256: (i % 16).toString(16).repeat(64),
    bodySize: 40_000 + i,
    acceptedAt: at(i).toISOString(),
  });
}

/** The gateway, signature and routing events of `count` packages along every path, each keyed by its document. */
function exchangeLog(run: string, topics: TraceTopics, count: number): { items: Outgoing[]; expected: Map<string, readonly TraceStage[]> } {
  const items: Outgoing[] = [];
  const expected = new Map<string, readonly TraceStage[]>();
  const event = <P, T extends EventType>(topic: string, def: EventDefinition<P, T>, p: PackageRef, payload: P, second: number): Outgoing => ({
    topic,
    key: documentKey(p),
    event: createEvent(def, { aggregateId: p.packageId, aggregateSeq: 1, payload, actor: { kind: 'system', id: 'tests' }, correlationId: `corr-${p.packageId}`, occurredAt: at(second) }),
  });
  for (let i = 0; i < count; i += 1) {
    const path = PATHS[i % PATHS.length]!;
    const p = ref(run, i, path);
    expected.set(p.packageId, STAGES[path]);
    if (path === 'rejected') {
      items.push(
        event(topics.gateway, PackageRejectedEvent, p, {
          packageId: p.packageId,
          senderCode: p.senderCode,
          systemId: p.systemId,
          errorCode: 'EXCHANGE.INVALID_PACKAGE',
          reason: 'the package has 1 error(s)',
          findings: [{ code: 'EDXML.REQUIRED', path: 'edXML/Header/MessageHeader/Subject', severity: 'error', message: 'Subject is required' }],
          bodySha256: p.bodySha256,
          bodySize: p.bodySize,
          clientRef: `client-${i}`,
        }, i),
      );
      continue;
    }
    const { acceptedAt: _acceptedAt, ...facts } = p;
    items.push(
      event(topics.gateway, PackageAcceptedEvent, p, {
        ...facts,
        attachments: [{ contentId: 'att1', name: 'phu-luc.pdf', contentType: 'application/pdf', size: 1024, sha256: 'a'.repeat(64) }],
        warnings: i % 2 === 0 ? [] : [{ code: 'EDXML.DEPRECATED', path: 'edXML/Header/MessageHeader/SteeringType', severity: 'warning', message: 'SteeringType is deprecated' }],
        idempotencyKey: `idem-${p.packageId}`,
        clientRef: null,
      }, i),
    );
    if (path === 'inFlight') continue;
    if (path === 'signatureRejected') {
      items.push(event(topics.signature, SignatureRejectedEvent, p, { package: p, checks: [{ name: 'body-hash', result: 'failed', detail: 'SHA-256 differs' }], errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', reason: 'the body was altered', verifier: 'integrity/1' }, i + 1));
      continue;
    }
    items.push(event(topics.signature, SignatureVerifiedEvent, p, { package: p, checks, cryptographic: 'not-performed', verifier: 'integrity/1' }, i + 1));
    if (path === 'routingRejected') {
      items.push(event(topics.routing, RoutingRejectedEvent, p, { package: p, errorCode: 'ROUTING.NO_RECIPIENT', reason: 'no recipient could be reached', unroutable }, i + 2));
      continue;
    }
    const deliveries = p.recipientCodes
      .filter((c) => c !== '000.00.00.Z99')
      .map((c) => ({ deliveryId: `${p.packageId}/${c}`, requestedCode: c, recipientCode: c, deliverToCode: c, systemId: 'qlvb', endpoint: null, route: 'direct', via: [] }));
    items.push(event(topics.routing, PackageRoutedEvent, p, { package: p, deliveries, unroutable: path === 'partlyUnroutable' ? unroutable : [] }, i + 2));
  }
  return { items, expected };
}

describe('exchange-traces: a replay rebuilds what the live projection built (real Kafka and store)', () => {
  const bed = replayBed('trace');

  it('replays the gateway, signature and routing events of every path into a collection identical to the live one', async () => {
    const run = uniqueName('t');
    const topics = { gateway: eventTopic(uniqueName('gateway')), signature: eventTopic(uniqueName('signature')), routing: eventTopic(uniqueName('routing')) };
    const { items, expected } = exchangeLog(run, topics, 35);
    await bed.publish(withLanes(Object.values(topics)), items, 25);

    const { db, settings } = bed;
    const collection = bed.collectionName('exchange_traces');
    const projection = traceProjection(topics, uniqueName('exchange-traces'), collection);
    const stagesOf = (doc: Document) => Object.keys((doc['stages'] as object | undefined) ?? {}).sort();
    // Each package shows every stage it reached, from all three topics: the live runner has applied everything.
    await bed.runLive(projection, 'the live projection to apply every gateway, signature and routing event', async () => {
      const docs = await db.collection(collection).find({}, { projection: { stages: 1 } }).toArray();
      return docs.length === expected.size && docs.every((d) => stagesOf(d).join() === expected.get(String(d['_id']))?.join());
    });
    const live = await dumpCollection(db, collection);
    const byId = new Map(live.map((d) => [String(d['_id']), d]));
    expect(byId.get(`${run}-pkg-1`)?.['stages']?.['routed']?.['detail']).toBe('1 delivery(ies), 1 unroutable');
    expect(byId.get(`${run}-pkg-2`)).toMatchObject({ errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', reason: 'the body was altered' });
    expect(byId.get(`${run}-pkg-3`)?.['stages']?.['rejected']?.['detail']).toBe('EXCHANGE.INVALID_PACKAGE: the package has 1 error(s)');
    expect(byId.get(`${run}-pkg-4`)).toMatchObject({ errorCode: 'ROUTING.NO_RECIPIENT', unroutable });
    expect(byId.get(`${run}-pkg-6`)).toMatchObject({ kind: 'status', statusCode: '03', documentId: `${run}-doc-0` });
    // Three topics of three partitions: the guard tracks each source partition a document heard from.
    expect(new Set(live.flatMap((d) => Object.keys(d['_pos'] as object))).size).toBeGreaterThan(3);

    const result = await bed.replay(projection);
    expect(result).toMatchObject({ events: items.length, undecodable: 0, swapped: false });
    await expectReplayedAsLive(db, result.built[collection]!, live);

    // Over three topics too, a replay interrupted after its first batch resumes into the same model.
    let applied = 0;
    const interrupted = replayProjection(settings, db, projection, {
      swap: false,
      refuseWhileRunning: false,
      batchSize: 10,
      onProgress: (read) => {
        if (read === 0) return;
        applied = read;
        throw new Error('interrupted');
      },
    });
    await expect(interrupted).rejects.toThrow('interrupted');
    expect(applied).toBeGreaterThan(0);
    const resumed = await replayProjection(settings, db, projection, { swap: false, refuseWhileRunning: false, batchSize: 10 });
    expect(resumed).toMatchObject({ resumed: true, events: items.length - applied });
    expect(await dumpCollection(db, resumed.built[collection]!)).toStrictEqual(live);
  });
});
