// `npm run bench:legacy`: the legacy VXP HTTP edge next to the gRPC edge (exchange.v1), on the
// same running axis (directory, gateway, signature, routing, delivery, legacy edge; started with
// `startAxis`), with the documents of `npm run bench`: ~50 KB, one attachment, three recipients.
// For each edge in turn, on an empty inbox:
//   1. sends: BENCH_LEGACY_DOCS documents (default 60), BENCH_LEGACY_CONCURRENCY in flight
//      (default 8): SendPackage, or sendEdoc through the reference client (one client object per
//      worker, as deployed clients keep one each) → sends/s from the first send to the last receipt;
//   2. once every delivery is queued: each recipient system takes its documents in one at a time,
//      as the reference client's loop does, each cycle a list (ListInbox / getReceivedEdocList),
//      a get of the first listed (FetchPackage / getEdoc) and its acknowledgement (Acknowledge /
//      updateStatus done); the three systems run side by side → cycles/s;
//   3. correctness: every (document, recipient) taken in, the bytes as sent.
// Prints one JSON object; exits 1 when a send or a cycle failed, a delivery was missing, or a
// recipient got other bytes than were sent.
// Uses KAFKA_BROKERS / MONGO_URL when set, else the `test` profile (started and stopped if it was
// not running). Stops by itself (watchdog) within 5 minutes.
import { ReferenceClient } from '@vdx/legacy-edge-feature/testing';
import { LocalInfra, PROFILES } from '@vdx/local-infra';
import { AXIS_START_TIMEOUT_MS, PIPELINE, startAxis, type Axis } from '@vdx/testing/axis';
import { MongoClient } from 'mongodb';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { issueSystemSecret } from '../cli/system-secret';
import { RECIPIENTS, SENDER, documentBodies, envNumber, spread } from './exchange-kit';

const DOCS = Math.round(envNumber('BENCH_LEGACY_DOCS', 60));
const CONCURRENCY = Math.round(envNumber('BENCH_LEGACY_CONCURRENCY', 8));
const WATCHDOG_MS = 300_000;
const VISIBLE_WITHIN_MS = 120_000;

const log = (l: string) => process.stderr.write(`[bench:legacy] ${l}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One edge as a system sees it: send a document, list what is to take in, get one, acknowledge it. */
interface Edge {
  readonly name: 'grpc' | 'legacy';
  /** Resolves with the package id (DocId). */
  send(worker: number, body: Buffer): Promise<string>;
  /** The delivery ids the recipient still has to take in. */
  list(recipient: number): Promise<string[]>;
  get(recipient: number, deliveryId: string): Promise<Buffer>;
  done(recipient: number, deliveryId: string): Promise<void>;
}

function grpcEdge(axis: Axis): Edge {
  const sender = axis.client(SENDER.system);
  const recipients = RECIPIENTS.map((r) => axis.client(r.system));
  return {
    name: 'grpc',
    async send(_worker, body) {
      const receipt = await sender.sendPackage(body, { senderCode: SENDER.code, kind: 'edoc' }, 60_000);
      if (receipt.outcome !== 'accepted') throw new Error(`${receipt.errorCode}: ${receipt.reason}`);
      return receipt.packageId;
    },
    async list(i) {
      return (await recipients[i]!.listInbox({ agencyCode: RECIPIENTS[i]!.code, kind: 'edoc', pageSize: 500 })).items.map((x) => x.deliveryId);
    },
    get: (i, id) => recipients[i]!.fetchPackage(id),
    async done(i, id) {
      await recipients[i]!.acknowledge(id, 'done');
    },
  };
}

function legacyEdge(axis: Axis, secrets: ReadonlyMap<string, string>): Edge {
  const client = (system: string) => new ReferenceClient(axis.legacyEndpoint, system, secrets.get(system)!);
  const senders = Array.from({ length: CONCURRENCY }, () => client(SENDER.system));
  const recipients = RECIPIENTS.map((r) => client(r.system));
  const ok = (what: string, json: Record<string, unknown>) => {
    if (json['status'] !== 'OK') throw new Error(`${what}: ${String(json['ErrorCode'])} ${String(json['ErrorDesc'])}`);
    return json;
  };
  return {
    name: 'legacy',
    async send(worker, body) {
      return ok('sendEdoc', (await senders[worker]!.sendEdoc(body, { from: SENDER.code, messagetype: 'edoc' })).json)['DocId'] as string;
    },
    async list(i) {
      return (ok('getReceivedEdocList', (await recipients[i]!.getReceivedEdocList('edoc')).json)['data'] as { docId: string }[]).map((r) => r.docId);
    },
    async get(i, id) {
      return Buffer.from(ok('getEdoc', (await recipients[i]!.getEdoc(id)).json)['data'] as string, 'base64');
    },
    async done(i, id) {
      ok('updateStatus', (await recipients[i]!.updateStatus(id, 'done')).json);
    },
  };
}

interface EdgeFigures {
  readonly edge: string;
  readonly documents: number;
  readonly sendsPerSecond: number;
  readonly sendMs: ReturnType<typeof spread>;
  /** From the first send until every delivery was queued in the recipients' inboxes. */
  readonly allQueuedSeconds: number;
  readonly cycles: number;
  readonly cyclesPerSecond: number;
  readonly cycleMs: ReturnType<typeof spread>;
  readonly listMs: ReturnType<typeof spread>;
  readonly getMs: ReturnType<typeof spread>;
  readonly doneMs: ReturnType<typeof spread>;
  readonly staleListings: number;
  readonly sendErrors: number;
  readonly cycleErrors: number;
  readonly missing: number;
  readonly wrongBytes: number;
  readonly firstError: string;
}

/** Sends, waits until everything is queued, then takes it all in through `edge`. */
async function runEdge(edge: Edge, watcher: Edge, bodies: ReturnType<typeof documentBodies>): Promise<EdgeFigures> {
  const files = Array.from({ length: DOCS }, () => bodies.make());
  const sentBodies = new Map<string, Buffer>();
  const sendMs: number[] = [];
  let sendErrors = 0;
  let firstError = '';
  let next = 0;
  log(`${edge.name}: sending ${DOCS} documents of ${files[0]!.length} bytes to ${RECIPIENTS.length} recipients, ${CONCURRENCY} in flight`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = next++; i < files.length; i = next++) {
        const t = performance.now();
        try {
          sentBodies.set(await edge.send(worker, files[i]!), files[i]!);
          sendMs.push(performance.now() - t);
        } catch (err) {
          sendErrors += 1;
          firstError ||= `send: ${errorText(err)}`;
        }
      }
    }),
  );
  const sendSeconds = (performance.now() - started) / 1000;

  // Queued everywhere (watched through the gRPC edge, which lists a page cheaply).
  const expected = new Set([...sentBodies.keys()].flatMap((p) => RECIPIENTS.map((r) => `${p}/${r.code}`)));
  const deadline = performance.now() + VISIBLE_WITHIN_MS;
  for (;;) {
    const listed = new Set((await Promise.all(RECIPIENTS.map((_, i) => watcher.list(i)))).flat());
    if ([...expected].every((id) => listed.has(id))) break;
    if (performance.now() > deadline) throw new Error(`${edge.name}: only ${[...expected].filter((id) => listed.has(id)).length} of ${expected.size} deliveries queued after ${VISIBLE_WITHIN_MS / 1000} s`);
    await sleep(250);
  }
  const allQueuedSeconds = (performance.now() - started) / 1000;

  log(`${edge.name}: ${expected.size} deliveries queued; taking them in (list, get, done), one cycle at a time per recipient`);
  const taken = new Set<string>();
  const cycleMs: number[] = [];
  const listMs: number[] = [];
  const getMs: number[] = [];
  const doneMs: number[] = [];
  let cycleErrors = 0;
  let wrongBytes = 0;
  /** Listings that showed only what the recipient had just acknowledged (the inbox read model catching up). */
  let staleListings = 0;
  const cyclesStarted = performance.now();
  await Promise.all(
    RECIPIENTS.map(async (r, i) => {
      const mine = [...expected].filter((id) => id.endsWith(`/${r.code}`));
      const tookHere = new Set<string>();
      let errorsInARow = 0;
      while (tookHere.size < mine.length) {
        const t = performance.now();
        try {
          // A system takes in what it has not taken in yet; the listing may still show what it just acknowledged.
          const id = (await edge.list(i)).find((d) => expected.has(d) && !tookHere.has(d));
          const listed = performance.now();
          listMs.push(listed - t);
          if (id === undefined) {
            staleListings += 1;
            if (staleListings > 10 * expected.size) throw new Error(`${r.code}: ${mine.length - tookHere.size} deliveries never listed again`);
            await sleep(20);
            continue;
          }
          const bytes = await edge.get(i, id);
          const got = performance.now();
          getMs.push(got - listed);
          if (!bytes.equals(sentBodies.get(id.slice(0, id.lastIndexOf('/')))!)) wrongBytes += 1;
          await edge.done(i, id);
          doneMs.push(performance.now() - got);
          tookHere.add(id);
          taken.add(id);
          cycleMs.push(performance.now() - t);
          errorsInARow = 0;
        } catch (err) {
          cycleErrors += 1;
          firstError ||= `cycle: ${errorText(err)}`;
          if (++errorsInARow >= 5) return;
        }
      }
    }),
  );
  const cycleSeconds = (performance.now() - cyclesStarted) / 1000;
  return {
    edge: edge.name,
    documents: sentBodies.size,
    sendsPerSecond: Math.round((sentBodies.size / sendSeconds) * 10) / 10,
    sendMs: spread(sendMs),
    allQueuedSeconds: Math.round(allQueuedSeconds * 10) / 10,
    cycles: cycleMs.length,
    cyclesPerSecond: Math.round((cycleMs.length / cycleSeconds) * 10) / 10,
    cycleMs: spread(cycleMs),
    listMs: spread(listMs),
    getMs: spread(getMs),
    doneMs: spread(doneMs),
    staleListings,
    sendErrors,
    cycleErrors,
    missing: [...expected].filter((id) => !taken.has(id)).length,
    wrongBytes,
    firstError,
  };
}

async function main(): Promise<number> {
  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, log);
  let axis: Axis | undefined;
  const watchdog = setTimeout(() => {
    log(`watchdog: still running after ${WATCHDOG_MS / 1000} s; stopping`);
    void Promise.race([axis?.stop(), sleep(30_000)]).finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  try {
    const ep = await infra.start();
    const secrets = new Map<string, string>();
    const systems = [SENDER, ...RECIPIENTS];
    log('starting the axis: directory, gateway, signature, routing, delivery, legacy edge');
    const bootStarted = performance.now();
    axis = await startAxis({
      name: 'bench-legacy',
      kafkaBrokers: ep.kafkaBrokers,
      mongoUrl: ep.mongoUrl,
      services: [...PIPELINE, 'legacy-edge'],
      partitions: 3,
      readyTimeoutMs: AXIS_START_TIMEOUT_MS,
      agencies: systems.map((a) => ({ code: a.code, name: a.name })),
      systems: systems.map((a) => ({ systemId: a.system, code: a.code })),
      // What an operator runs for each legacy system: `vdx system secret issue <systemId>`.
      seed: async (a) => {
        for (const s of systems) secrets.set(s.system, (await issueSystemSecret(s.system, { brokers: a.kafkaBrokers, topic: a.topics.legacyEdge, key: a.legacySecretKey, overlapHours: 0, operator: 'bench', partitions: 1 })).secret);
      },
    });
    const grpc = grpcEdge(axis);
    const legacy = legacyEdge(axis, secrets);
    // Up once the edge answers every system (it follows the secrets and the directory from offset 0).
    const upBy = performance.now() + 120_000;
    for (;;) {
      const answers = await Promise.all(systems.map((s) => new ReferenceClient(axis!.legacyEndpoint, s.system, secrets.get(s.system)!).countReceiveEdoc().then((r) => r.json['status'] === 'OK', () => false)));
      if (answers.every(Boolean)) break;
      if (performance.now() > upBy) throw new Error(`the legacy edge did not answer every system within 120 s:\n${axis.outputs(3000)}`);
      await sleep(500);
    }
    log(`axis up in ${Math.round((performance.now() - bootStarted) / 1000)} s`);

    const bodies = documentBodies(`VPCP-LEGACY-${Date.now().toString(36).toUpperCase()}`);
    // A warm-up through both edges (connections, compiled code paths), not counted: one
    // document each, queued everywhere, then taken in.
    const warm = [await grpc.send(0, bodies.make()), await legacy.send(0, bodies.make())].flatMap((p) => RECIPIENTS.map((r) => `${p}/${r.code}`));
    const warmBy = performance.now() + VISIBLE_WITHIN_MS;
    for (;;) {
      const listed = (await Promise.all(RECIPIENTS.map((_, i) => grpc.list(i)))).map((ids) => new Set(ids));
      if (warm.every((id) => listed.some((l) => l.has(id)))) break;
      if (performance.now() > warmBy) throw new Error(`warm-up: the deliveries were not queued within ${VISIBLE_WITHIN_MS / 1000} s`);
      await sleep(250);
    }
    for (const [i, r] of RECIPIENTS.entries()) {
      for (const id of warm.filter((d) => d.endsWith(`/${r.code}`))) {
        await (i % 2 === 0 ? legacy : grpc).get(i, id);
        await (i % 2 === 0 ? legacy : grpc).done(i, id);
      }
    }

    const grpcFigures = await runEdge(grpc, grpc, bodies);
    const legacyFigures = await runEdge(legacy, grpc, bodies);
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
    const result = {
      benchmark: 'legacy-edge',
      machine: { cpus: cpus().length, node: process.version },
      documentBytes: bodies.make().length,
      attachmentBytes: bodies.attachmentBytes,
      recipientsPerDocument: RECIPIENTS.length,
      documentsPerEdge: DOCS,
      sendConcurrency: CONCURRENCY,
      cycle: 'one recipient system: list (ListInbox / getReceivedEdocList), get the first listed (FetchPackage / getEdoc), acknowledge it (Acknowledge / updateStatus done); the three systems side by side',
      grpc: grpcFigures,
      legacy: legacyFigures,
      legacyOverGrpc: { sends: ratio(legacyFigures.sendsPerSecond, grpcFigures.sendsPerSecond), cycles: ratio(legacyFigures.cyclesPerSecond, grpcFigures.cyclesPerSecond) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const bad = [grpcFigures, legacyFigures].some((f) => f.sendErrors + f.cycleErrors + f.missing + f.wrongBytes > 0);
    return bad ? 1 : 0;
  } finally {
    if (axis) {
      const db = axis.db;
      await axis.stop();
      const mongo = await MongoClient.connect(axis.mongoUrl, { serverSelectionTimeoutMS: 5000 }).catch(() => undefined);
      await mongo?.db(db).dropDatabase().catch(() => undefined);
      await mongo?.close();
    }
    await infra.stopStarted();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:legacy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
