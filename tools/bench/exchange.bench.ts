// `npm run bench`: the whole exchange axis end to end (gateway → signature → routing → delivery,
// with the directory; started with `startAxis`, as the e2e suites start it), on this machine. One
// sender agency sends ~50 KB documents (one attachment) to three recipient agencies, each its own
// connected system.
//   1. warm-up: 10 documents, all 30 deliveries visible. Each recipient runs as the reference
//      agent does: WatchInbox, plus a safety-net listing every BENCH_RECONCILE_MS (default
//      30000) while the watch runs, every BENCH_POLL_MS (default 2000) while it is down;
//   2. latency at fixed offered loads: BENCH_RATES docs/s (default 10,50,100), each for
//      BENCH_SECONDS (default 10), sends on a fixed timetable; latency = first time a delivery
//      is seen (watched or listed) − the start of its document's send (fetch + acknowledge run apart),
//      and apart the part of it before the gateway answered the send (with the gateway's mean per
//      stage of it: body, claim, append, complete); CPU seconds per process
//      (the clients' own process too), the cores they kept busy and CPU ms per document;
//      A load not carried within the 60 s grace ends the series;
//   3. throughput at saturation: BENCH_BURST documents (default 300), BENCH_CONCURRENCY sends in
//      flight (default 64: many agencies sending at once, below the gateway's limit), until all 3×N
//      deliveries are visible, with one hỏa tốc document sent halfway (how long it took, and how
//      much of the burst it overtook); meanwhile CPU seconds per process, events/s and the
//      largest consumer lag per stage, and the store's operations (FerretDB's metrics);
//   4. the broker's raw ceiling from Kafka's own producer perf tool (1 KB records, acks=all),
//      and the share of it the pipeline used: (documents/s × records per document) ÷ records/s;
//   5. correctness: every (document, recipient) exactly once, over all inbox states.
// Prints one JSON object; exits 1 when a delivery was lost or duplicated. Uses KAFKA_BROKERS /
// MONGO_URL when set, else the `test` profile. BENCH_INSTANCES (default 1) runs that many
// instances of the gateway, signature, routing and delivery (senders and pollers spread over the
// gateways). BENCH_BODIES=store keeps package bodies in the document store instead of files
// (BLOB_DIR). BENCH_DATABASES=per-service gives the gateway, signature, routing and delivery a
// database each instead of one for all (on the local store, a SQLite file and write lock each).
// BENCH_CPU_PROFILE_DIR makes each service write a V8 CPU profile there when it
// stops. BENCH_KEEP_DB=1 leaves the run's database in the store, to look at its read models.
// Stops by itself (watchdog) within 15 minutes.
import { ExchangeCallError, type ExchangeClient, type SendReceipt } from '@vdx/exchange-client';
import { LocalInfra, PROFILES } from '@vdx/local-infra';
import { AXIS_START_TIMEOUT_MS, PIPELINE, startAxis, type Axis, type AxisInstance } from '@vdx/testing/axis';
import { uniqueDbName } from '@vdx/testing';
import { laneTopics } from '@vdx/contracts';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pollLoop } from '../cli/agent/poll-loop';
import { CpuMeter, StageMonitor, kafkaProducerCeiling, sendStageMeans, sendStages, storeDelta, storeOperations } from './bench-probes';
import { RECIPIENTS, SENDER, documentBodies, envNumber, ms, percentile } from './exchange-kit';

const WARMUP_DOCS = 10;
/** Sends in flight during the throughput burst (BENCH_CONCURRENCY). */
const BURST_CONCURRENCY = Math.max(1, Math.round(envNumber('BENCH_CONCURRENCY', 64)));
/** The safety-net listing of the reference agent while its watch runs (`vdx agent run --reconcile-ms`). */
const RECONCILE_EVERY_MS = envNumber('BENCH_RECONCILE_MS', 30_000);
/** Its listing while the watch is down (`--poll-ms`); each such listing reopens the watch. */
const POLL_EVERY_MS = envNumber('BENCH_POLL_MS', 2000);
/** `files` (default): bodies under a temporary BLOB_DIR; `store`: in the document store. */
const BODIES = process.env['BENCH_BODIES'] === 'store' ? 'store' : 'files';
/**
 * `shared` (default): every service in one database, as deployed. `per-service`: the gateway,
 * signature, routing and delivery each in a database of its own. On the local store a database is
 * one SQLite file with one writer at a time, so this shows what the services' writes cost each
 * other. Needs BENCH_BODIES=files: the bodies are the one thing services share through the store.
 */
const DATABASES = process.env['BENCH_DATABASES'] === 'per-service' ? 'per-service' : 'shared';
const PER_SERVICE_DB = ['gateway', 'signature', 'routing', 'delivery'] as const;
/** When set, each service writes a V8 CPU profile there when it stops (cpu-profile.preload.ts). */
const CPU_PROFILE_DIR = process.env['BENCH_CPU_PROFILE_DIR'] ?? '';
const FETCH_CONCURRENCY = 4;
/** How long the axis's CPU at rest is measured before the burst. */
const IDLE_MS = 5000;
const GRACE_MS = 60_000;
const WATCHDOG_MS = 900_000;
/** Records the broker's own perf tool sends for the raw ceiling (1 KB each). */
const RAW_RECORDS = 200_000;

const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));


interface Seen {
  readonly deliveryId: string;
  readonly packageId: string;
  readonly recipientCode: string;
  /** performance.now() when the listing that first showed it came back. */
  readonly at: number;
}

/**
 * One recipient system, as the reference agent runs: a `WatchInbox` stream (items pushed as they
 * are queued) and, as a safety net, a listing of queued deliveries every RECONCILE_EVERY_MS
 * (every POLL_EVERY_MS while the stream is down, each listing reopening it). Each
 * delivery's first sighting by either is when it became fetchable to this client; a fetch +
 * acknowledge pump (≤ 4 in flight) works through what was seen, so the inbox does not grow
 * without bound.
 */
class RecipientPoller {
  readonly seen = new Map<string, Seen>();
  /** `${packageId}|${recipientCode}` → delivery ids seen for it. */
  readonly pairs = new Map<string, Set<string>>();
  listErrors = 0;
  fetchErrors = 0;
  /** How long each safety-net listing (all its pages) took, in ms. */
  readonly pollMs: number[] = [];
  acknowledged = 0;
  /** Items first seen by the watch, and by the listing. */
  byWatch = 0;
  /** Fetches refused because the delivery service's read model did not know the delivery yet. */
  notYetKnown = 0;
  /** When each delivery's fetch first succeeded. */
  readonly fetchedAt = new Map<string, number>();
  byListing = 0;
  firstError = '';
  private readonly queue: string[] = [];
  private inFlight = 0;
  private stopped = false;
  private pumping = true;
  private loop: Promise<void> | undefined;
  private watch: { cancel(): void } | null = null;

  constructor(
    readonly client: ExchangeClient,
    readonly agencyCode: string,
  ) {}

  /** Times the watch broke (each reopened by the next listing). */
  watchBreaks = 0;

  /** Every delivery seen so far fetched and acknowledged (or given up): nothing of this recipient in flight. */
  get settled(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  start(): void {
    this.openWatch();
    this.loop = this.pollLoop();
  }

  private openWatch(): void {
    this.watch = this.client.watchInbox(
      { agencyCode: this.agencyCode, includeExisting: false },
      (item) => {
        if (this.note(item, performance.now())) this.byWatch += 1;
        this.pump();
      },
      (err) => {
        this.watch = null;
        this.watchBreaks += 1;
        this.firstError ||= `watchInbox: ${errorText(err)}`;
      },
    );
  }

  /** Records a first sighting; false when the delivery was seen before. */
  private note(item: { deliveryId: string; packageId: string; recipientCode: string }, at: number): boolean {
    if (this.seen.has(item.deliveryId)) return false;
    this.seen.set(item.deliveryId, { deliveryId: item.deliveryId, packageId: item.packageId, recipientCode: item.recipientCode, at });
    const key = `${item.packageId}|${item.recipientCode}`;
    const ids = this.pairs.get(key) ?? new Set<string>();
    ids.add(item.deliveryId);
    this.pairs.set(key, ids);
    this.queue.push(item.deliveryId);
    return true;
  }

  /** The reference agent's schedule (`vdx agent run`), driving this recipient's listings. */
  private pollLoop(): Promise<void> {
    const clock = {
      now: () => performance.now(),
      // In steps of 100 ms, so a stop is seen at once.
      sleep: async (ms: number) => {
        const until = performance.now() + ms;
        while (!this.stopped && performance.now() < until) await sleep(Math.min(100, until - performance.now()));
      },
    };
    const watching = (): boolean => this.watch !== null;
    const recipient = {
      get watching() {
        return watching();
      },
      poll: () => this.listQueued(),
    };
    return pollLoop(recipient, { reconcileMs: RECONCILE_EVERY_MS, pollMs: POLL_EVERY_MS }, clock, () => this.stopped);
  }

  /** One safety-net listing (all pages); a watch that broke is reopened first. */
  private async listQueued(): Promise<void> {
    const began = performance.now();
    if (this.watch === null) this.openWatch();
    try {
      let pageToken = '';
      do {
        const page = await this.client.listInbox({ agencyCode: this.agencyCode, state: 'queued', pageSize: 500, pageToken });
        const at = performance.now();
        for (const item of page.items) if (this.note(item, at)) this.byListing += 1;
        pageToken = page.nextPageToken;
      } while (pageToken !== '' && !this.stopped);
      this.pollMs.push(performance.now() - began);
      this.pump();
    } catch (err) {
      this.listErrors += 1;
      this.firstError ||= `listInbox: ${errorText(err)}`;
    }
  }

  private pump(): void {
    while (this.pumping && this.inFlight < FETCH_CONCURRENCY && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.inFlight += 1;
      void this.fetchAndAck(id).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /**
   * Fetches and acknowledges one delivery. The watch can announce a delivery before the delivery
   * service's read model knows it (DELIVERY.UNKNOWN_DELIVERY): that is retried, as the reference
   * agent does at its next poll, and counted apart from errors.
   */
  private async fetchAndAck(deliveryId: string): Promise<void> {
    const giveUpAt = performance.now() + 120_000;
    for (;;) {
      try {
        await this.client.fetchPackage(deliveryId, 30_000);
        this.fetchedAt.set(deliveryId, performance.now());
        await this.client.acknowledge(deliveryId, 'done');
        this.acknowledged += 1;
        return;
      } catch (err) {
        if (/UNKNOWN_DELIVERY/.test(`${(err as { code?: string }).code ?? ''} ${errorText(err)}`) && performance.now() < giveUpAt && !this.stopped) {
          this.notYetKnown += 1;
          await sleep(200);
          continue;
        }
        this.fetchErrors += 1;
        this.firstError ||= `fetch/ack ${deliveryId}: ${errorText(err)}`;
        return;
      }
    }
  }

  /** Stops listing; lets the fetch/ack backlog drain for up to `drainMs`, then drops the rest and waits for what is in flight. */
  async stop(drainMs: number): Promise<{ dropped: number }> {
    this.stopped = true;
    this.watch?.cancel();
    this.watch = null;
    await this.loop;
    const deadline = Date.now() + drainMs;
    while ((this.queue.length > 0 || this.inFlight > 0) && Date.now() < deadline) await sleep(100);
    this.pumping = false;
    const dropped = this.queue.length;
    this.queue.length = 0;
    while (this.inFlight > 0) await sleep(50);
    return { dropped };
  }

  /** Every delivery of this agency over queued, fetched and acknowledged, page by page. */
  async listAll(): Promise<{ deliveryId: string; packageId: string; recipientCode: string }[]> {
    const all: { deliveryId: string; packageId: string; recipientCode: string }[] = [];
    for (const state of ['queued', 'fetched', 'acknowledged']) {
      let pageToken = '';
      do {
        // Closed states are still a filter on delivery_state, which the local store scans: a page
        // of them may take long once tens of thousands of deliveries are held.
        const page = await this.client.listInbox({ agencyCode: this.agencyCode, state, pageSize: 500, pageToken }, 180_000);
        for (const i of page.items) all.push({ deliveryId: i.deliveryId, packageId: i.packageId, recipientCode: i.recipientCode });
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
    }
    return all;
  }
}

async function main(): Promise<number> {
  const rates = (process.env['BENCH_RATES'] ?? '10,50,100').split(',').map((v) => Number(v.trim())).filter((v) => Number.isFinite(v) && v > 0);
  const seconds = envNumber('BENCH_SECONDS', 10);
  const burst = Math.round(envNumber('BENCH_BURST', 300));
  const instances = Math.round(envNumber('BENCH_INSTANCES', 1));

  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, log);
  const blobDir = BODIES === 'files' ? mkdtempSync(join(tmpdir(), 'vdx-bench-blobs-')) : '';
  const pollers: RecipientPoller[] = [];
  let axis: Axis | undefined;
  let stopping = false;
  let serviceFailure = '';
  let cleaned: Promise<void> | undefined;
  /** Every instance the axis runs, each under its id (`gateway-0`, …). */
  /** The services' own databases under BENCH_DATABASES=per-service. */
  const ownDbs: Partial<Record<(typeof PER_SERVICE_DB)[number], string>> = {};
  const running = (): AxisInstance[] => (axis ? PIPELINE.flatMap((s) => axis!.instances(s)) : []);

  const cleanup = () =>
    (cleaned ??= (async () => {
      stopping = true;
      if (axis) {
        // Closes the clients, stops every instance (SIGTERM, then SIGKILL), removes its PKI.
        await axis.stop();
        const mongo = await MongoClient.connect(axis.mongoUrl, { serverSelectionTimeoutMS: 5000 }).catch(() => undefined);
        if (!process.env['BENCH_KEEP_DB']) {
          for (const name of [axis.db, ...Object.values(ownDbs)]) await mongo?.db(name).dropDatabase().catch(() => undefined);
        }
        await mongo?.close();
      }
      await infra.stopStarted();
      if (blobDir) rmSync(blobDir, { recursive: true, force: true });
    })());
  const watchdog = setTimeout(() => {
    log(`watchdog: still running after ${WATCHDOG_MS / 1000} s; stopping`);
    void Promise.race([cleanup(), sleep(15_000)]).finally(() => {
      // Whatever the orderly stop did not reach in time is killed: no service outlives the bench.
      for (const i of running()) if (i.process.child.exitCode === null && i.process.child.signalCode === null) i.process.child.kill('SIGKILL');
      process.exit(1);
    });
  }, WATCHDOG_MS);
  watchdog.unref();

  /** Polls `check` until it holds, a deadline passes (returns false) or a service died (throws). */
  const waitFor = async (what: string, check: () => boolean, deadline: number, intervalMs = 100): Promise<boolean> => {
    for (;;) {
      if (serviceFailure) throw new Error(`while waiting for ${what}: ${serviceFailure}`);
      if (check()) return true;
      if (performance.now() > deadline) return false;
      await sleep(intervalMs);
    }
  };

  try {
    const ep = await infra.start();
    const agencies = [SENDER, ...RECIPIENTS];
    // BLOB_DIR: the package bodies, which the gateway writes and the others read.
    const blobEnv: Record<string, string> = blobDir ? { BLOB_DIR: blobDir } : {};
    if (DATABASES === 'per-service' && !blobDir) throw new Error('BENCH_DATABASES=per-service needs the bodies in files (not BENCH_BODIES=store): the services read them from the gateway');
    if (DATABASES === 'per-service') for (const s of PER_SERVICE_DB) ownDbs[s] = uniqueDbName(`bench_${s}`);
    const ownDb = (s: (typeof PER_SERVICE_DB)[number]): Record<string, string> => (ownDbs[s] ? { MONGO_DB: ownDbs[s] } : {});
    log(`starting the directory, then gateway, signature, routing, delivery (${instances} instance(s) each)`);
    axis = await startAxis({
      name: 'bench-exchange',
      kafkaBrokers: ep.kafkaBrokers,
      mongoUrl: ep.mongoUrl,
      instances: { gateway: instances, signature: instances, routing: instances, delivery: instances },
      partitions: Math.max(3, instances * 2),
      readyTimeoutMs: AXIS_START_TIMEOUT_MS,
      // No DELIVERY_PUSH_EVERY_MS: the default; no endpoint is registered, so nothing is pushed.
      env: Object.fromEntries(PER_SERVICE_DB.map((s) => [s, { ...blobEnv, ...ownDb(s) }])),
      agencies: agencies.map((a) => ({ code: a.code, name: a.name })),
      systems: agencies.map((a) => ({ systemId: a.system, code: a.code })),
      ...(CPU_PROFILE_DIR ? { nodeArgs: ['-r', join(__dirname, 'cpu-profile.preload.ts')] } : {}),
    });
    const { topics } = axis;
    for (const i of running()) {
      void i.process.exited.then((code) => {
        if (!stopping) serviceFailure ||= `${i.id} exited (${code}): ${i.output().slice(-2000)}`;
      });
    }

    // Senders and recipients spread over the gateways (each answered SERVING before startAxis returned).
    let nextGateway = 0;
    const client = (system: string) => axis!.client(system, nextGateway++ % instances);
    const senders = Array.from({ length: instances }, () => client(SENDER.system));
    let sendNo = 0;
    for (const r of RECIPIENTS) pollers.push(new RecipientPoller(client(r.system), r.code));
    // The inbox calls go through to the delivery service: wait until they answer for everyone.
    for (const p of pollers) {
      const readyBy = performance.now() + 120_000;
      for (;;) {
        if (serviceFailure) throw new Error(serviceFailure);
        const ok = await p.client.listInbox({ agencyCode: p.agencyCode, state: 'queued', pageSize: 1 }).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (performance.now() > readyBy) throw new Error(`the inbox of ${p.agencyCode} did not answer within 120 s`);
        await sleep(250);
      }
    }

    // Bodies: one attachment sized so the whole edXML body is ~50 KB.
    const bodies = documentBodies();
    const { attachmentBytes } = bodies;
    const makeBody = (priority = '0'): Buffer => bodies.make(priority);

    // Sends: packageId → send start; errors counted and their deliveries not expected.
    const sendStart = new Map<string, number>();
    /** How long each accepted send took to be answered (start → receipt), by package id. */
    const sendAnswered = new Map<string, number>();
    let sendErrors = 0;
    let firstSendError = '';
    /** Sends the gateway refused as over its in-flight limit (EXCHANGE.OVERLOADED): load shed, not failures. */
    let overloaded = 0;
    const send = async (body: Buffer, phase: string[]): Promise<void> => {
      const started = performance.now();
      let receipt: SendReceipt;
      try {
        receipt = await senders[sendNo++ % senders.length]!.sendPackage(body, { senderCode: SENDER.code, kind: 'edoc' }, 60_000);
      } catch (err) {
        if (err instanceof ExchangeCallError && err.code === 'EXCHANGE.OVERLOADED') {
          overloaded += 1;
          return;
        }
        sendErrors += 1;
        firstSendError ||= errorText(err);
        return;
      }
      if (receipt.outcome !== 'accepted') {
        sendErrors += 1;
        firstSendError ||= `${receipt.errorCode}: ${receipt.reason}`;
        return;
      }
      sendStart.set(receipt.packageId, started);
      sendAnswered.set(receipt.packageId, performance.now() - started);
      phase.push(receipt.packageId);
    };
    const seenPair = (packageId: string, code: string) => pollers.find((p) => p.agencyCode === code)!.pairs.has(`${packageId}|${code}`);
    const visible = (packageIds: readonly string[]) => packageIds.reduce((n, id) => n + RECIPIENTS.filter((r) => seenPair(id, r.code)).length, 0);
    const allVisible = (packageIds: readonly string[]) => visible(packageIds) === packageIds.length * RECIPIENTS.length;

    for (const p of pollers) p.start();

    // 1. Warm-up.
    const warm: string[] = [];
    const warmBodies = Array.from({ length: WARMUP_DOCS }, () => makeBody());
    const bodyBytes = warmBodies[0]!.byteLength;
    log(`warm-up: ${WARMUP_DOCS} documents of ${bodyBytes} bytes (attachment ${attachmentBytes} bytes) to ${RECIPIENTS.length} recipients`);
    await Promise.all(warmBodies.map((b) => send(b, warm)));
    if (warm.length === 0) throw new Error(`every warm-up send failed: ${firstSendError}`);
    if (!(await waitFor('the warm-up deliveries', () => allVisible(warm), performance.now() + 120_000, 200))) {
      throw new Error(`warm-up: only ${visible(warm)} of ${warm.length * RECIPIENTS.length} deliveries visible after 120 s`);
    }
    log(`warm-up done: ${visible(warm)} deliveries visible`);

    // Besides the clients: CPU per process, each stage's events and lag, the store's operations.
    const infraPids = new Map((await infra.status()).map((c) => [c.component, c.pid]));
    // The clients' own process too (senders, watches, listings, fetches): on this machine it shares the cores.
    const processes = () => new Map<string, number | null | undefined>([...running().map((i) => [i.id, i.process.child.pid] as const), ['kafka', infraPids.get('kafka')], ['ferretdb', infraPids.get('ferretdb')], ['bench-clients', process.pid]]);
    const cpu = new CpuMeter(processes);
    const stages = new StageMonitor(ep.kafkaBrokers, [
      { name: 'accepted (gateway → signature)', topics: laneTopics(topics.gateway), groups: [`signature-${topics.gateway}`] },
      { name: 'verified (signature → routing)', topics: laneTopics(topics.signature), groups: [`routing-${topics.signature}`] },
      { name: 'routed (routing → delivery)', topics: laneTopics(topics.routing), groups: [`delivery-${topics.routing}`] },
      { name: 'delivery events (→ read models)', topics: laneTopics(topics.delivery), groups: [`projection.delivery-state-${topics.delivery}`] },
    ]);
    const storeMetrics = infra.storeMetricsUrl;
    // Where the gateways' sends spend their time (vdx_edge_send_stage_seconds), per phase.
    const gatewayMetrics = running().filter((i) => i.service === 'gateway').map((i) => `http://127.0.0.1:${i.httpPort}/metrics`);

    // 2. Fixed offered loads: sends on a timetable, never waiting for the previous one; recipients
    // poll their inboxes every 100 ms as real clients do. A load that is not carried (its
    // deliveries not all visible within the grace) ends the series: a higher one would only queue.
    const loaded: string[] = [];
    const loads: Record<string, unknown>[] = [];
    for (const rate of rates) {
      const loadCount = Math.max(1, Math.round(rate * seconds));
      const overloadedBefore = overloaded;
      const loadBodies = Array.from({ length: loadCount }, () => makeBody());
      const phase: string[] = [];
      const loadSends: Promise<void>[] = [];
      let maxStartLagMs = 0;
      log(`load: ${rate} docs/s for ${seconds} s (${loadCount} documents)`);
      const loadCpu = new CpuMeter(processes);
      const loadStagesBefore = await sendStages(gatewayMetrics);
      loadCpu.start();
      const t0 = performance.now() + 50;
      let lastLog = t0;
      for (let i = 0; i < loadCount; i += 1) {
        const due = t0 + (i * 1000) / rate;
        await sleep(due - performance.now());
        maxStartLagMs = Math.max(maxStartLagMs, performance.now() - due);
        loadSends.push(send(loadBodies[i]!, phase));
        if (serviceFailure) throw new Error(serviceFailure);
        if (performance.now() - lastLog >= 5000) {
          lastLog = performance.now();
          log(`load ${rate}/s: ${i + 1}/${loadCount} sent, ${phase.length} accepted, ${visible(phase)} deliveries visible`);
        }
      }
      const sendsDone = performance.now();
      await Promise.all(loadSends);
      const loadLastSend = performance.now();
      log(`load ${rate}/s: all ${loadCount} sent (${phase.length} accepted, the last answered ${((loadLastSend - sendsDone) / 1000).toFixed(1)} s after the timetable ended); waiting for the deliveries`);
      const loadComplete = await waitFor('the load deliveries', () => allVisible(phase), loadLastSend + GRACE_MS);
      log(`load ${rate}/s: ${visible(phase)} of ${phase.length * RECIPIENTS.length} deliveries visible`);
      const loadCpuSeconds = loadCpu.stop();
      const loadWallSeconds = (performance.now() - t0) / 1000;
      const latencies: number[] = [];
      for (const p of pollers) {
        for (const s of p.seen.values()) {
          const started = phase.includes(s.packageId) ? sendStart.get(s.packageId) : undefined;
          if (started !== undefined) latencies.push(s.at - started);
        }
      }
      latencies.sort((x, y) => x - y);
      const fetched: number[] = [];
      for (const p of pollers) {
        for (const [id, at] of p.fetchedAt) {
          const pkg = p.seen.get(id)?.packageId;
          const started = pkg !== undefined && phase.includes(pkg) ? sendStart.get(pkg) : undefined;
          if (started !== undefined) fetched.push(at - started);
        }
      }
      fetched.sort((x, y) => x - y);
      const answered = phase.map((id) => sendAnswered.get(id)!).sort((x, y) => x - y);
      const loadStages = sendStageMeans(loadStagesBefore, await sendStages(gatewayMetrics));
      loaded.push(...phase);
      loads.push({
        offeredDocsPerSecond: rate,
        seconds,
        documents: phase.length,
        // Sends refused with EXCHANGE.OVERLOADED (the gateway's in-flight limit): shed, never accepted.
        refusedOverloaded: overloaded - overloadedBefore,
        deliveries: phase.length * RECIPIENTS.length,
        visible: visible(phase),
        complete: loadComplete,
        sendsAnsweredSecondsAfterTimetable: +((loadLastSend - sendsDone) / 1000).toFixed(1),
        maxStartLagMs: Math.round(maxStartLagMs),
        latencyMs: { p50: ms(percentile(latencies, 50)), p95: ms(percentile(latencies, 95)), p99: ms(percentile(latencies, 99)), max: ms(latencies[latencies.length - 1] ?? null) },
        // The part of that latency spent before the gateway answered the send (upload, parse, append).
        sendAnsweredMs: { p50: ms(percentile(answered, 50)), p95: ms(percentile(answered, 95)), p99: ms(percentile(answered, 99)) },
        // The gateway's own account of it: the mean of each stage (body stored and parsed, claim, append, receipt).
        sendStagesMs: loadStages,
        // Send → the recipient's first successful fetch (includes its own queue of fetches).
        fetchedMs: { count: fetched.length, p50: ms(percentile(fetched, 50)), p95: ms(percentile(fetched, 95)), p99: ms(percentile(fetched, 99)) },
        // From the first send until every delivery was visible: CPU per process, its cores in use, and per document.
        cpuSeconds: loadCpuSeconds,
        coresBusy: +(Object.values(loadCpuSeconds).reduce<number>((n, v) => n + (v ?? 0), 0) / loadWallSeconds).toFixed(2),
        cpuMsPerDocument: phase.length ? Object.fromEntries(Object.entries(loadCpuSeconds).map(([k, v]) => [k, v === null ? null : +((v * 1000) / phase.length).toFixed(2)])) : null,
      });
      if (!loadComplete) {
        log(`load ${rate}/s not carried: higher loads are not attempted; waiting up to 180 s for its deliveries before the burst`);
        await waitFor('the load backlog', () => allVisible(phase), performance.now() + 180_000, 500);
        break;
      }
    }

    // 3. Throughput: BENCH_CONCURRENCY sends in flight until all are sent, then until every delivery is visible.
    const burstBodies = Array.from({ length: burst }, () => makeBody());
    const burstIds: string[] = [];
    log(`throughput: ${burst} documents, ${BURST_CONCURRENCY} in flight`);
    // The axis's CPU at rest first (the recipients connected, watching and polling, nothing sent):
    // what every second of the burst costs besides its documents. The loads' fetches and
    // acknowledgements are let finish first, or their work would count as rest.
    if (!(await waitFor('the loads fetched and acknowledged', () => pollers.every((p) => p.settled), performance.now() + 120_000, 200))) log('the recipients are still fetching the loads after 120 s: the CPU at rest includes that work');
    cpu.start();
    await sleep(IDLE_MS);
    const idle = cpu.stop();
    const idleCoresPerProcess = Object.fromEntries(Object.entries(idle).map(([k, v]) => [k, v === null ? null : +(v / (IDLE_MS / 1000)).toFixed(3)]));
    const storeBefore = await storeOperations(storeMetrics);
    const burstStagesBefore = await sendStages(gatewayMetrics);
    cpu.start();
    await stages.start();
    const burstStart = performance.now();
    let nextBody = 0;
    // One hỏa tốc (Priority 3) document, sent when half the burst is in: how long it takes, and
    // how many of the burst's deliveries became visible before it.
    const urgentIds: string[] = [];
    let urgentSentAt = 0;
    let visibleAtUrgentSend = 0;
    await Promise.all(
      Array.from({ length: BURST_CONCURRENCY }, async () => {
        while (nextBody < burstBodies.length) {
          const body = burstBodies[nextBody]!;
          nextBody += 1;
          if (nextBody === Math.ceil(burstBodies.length / 2) && urgentSentAt === 0) {
            urgentSentAt = performance.now();
            visibleAtUrgentSend = visible(burstIds);
            await send(makeBody('3'), urgentIds);
          }
          await send(body, burstIds);
        }
      }),
    );
    const burstLastSend = performance.now();
    log(`throughput: all sent in ${((burstLastSend - burstStart) / 1000).toFixed(1)} s (${burstIds.length} accepted); waiting for the deliveries`);
    const progress = setInterval(() => log(`throughput: ${visible(burstIds)} of ${burstIds.length * RECIPIENTS.length} deliveries visible`), 5000);
    let burstComplete: boolean;
    try {
      burstComplete = await waitFor('the burst deliveries', () => allVisible(burstIds), burstLastSend + GRACE_MS, 20);
    } finally {
      clearInterval(progress);
    }
    let burstEnd = burstStart;
    for (const p of pollers) for (const s of p.seen.values()) if (burstIds.includes(s.packageId)) burstEnd = Math.max(burstEnd, s.at);
    const burstSeconds = (burstComplete ? burstEnd : performance.now()) - burstStart;
    const stageReport = await stages.stop();
    const cpuSeconds = cpu.stop();
    const storeAfter = await storeOperations(storeMetrics);
    const burstStages = sendStageMeans(burstStagesBefore, await sendStages(gatewayMetrics));
    await waitFor('the urgent document', () => allVisible(urgentIds), performance.now() + GRACE_MS);
    const urgentSeen = pollers.flatMap((p) => [...p.seen.values()].filter((x) => urgentIds.includes(x.packageId)));
    const urgentVisibleAt = urgentSeen.length === urgentIds.length * RECIPIENTS.length && urgentSeen.length > 0 ? Math.max(...urgentSeen.map((x) => x.at)) : null;
    const burstVisibleBeforeUrgent = urgentVisibleAt === null ? null : pollers.reduce((n, p) => n + [...p.seen.values()].filter((x) => burstIds.includes(x.packageId) && x.at <= urgentVisibleAt).length, 0);
    // Kafka records per document: everything the pipeline's topics took during the burst.
    const recordsPerDocument = burstIds.length > 0 ? +(Object.values(stageReport).reduce((n, r) => n + r.events, 0) / (burstIds.length + urgentIds.length)).toFixed(1) : null;
    log('measuring the raw Kafka ceiling (kafka-producer-perf-test, 1 KB records, acks=all)');
    const rawKafka = await kafkaProducerCeiling(ep.kafkaBrokers, RAW_RECORDS);
    log(`throughput: ${visible(burstIds)} deliveries visible after ${(burstSeconds / 1000).toFixed(2)} s`);

    // 4. Correctness: the loss deadline is 60 s after the last send (covering the load phase too).
    await waitFor('every delivery', () => allVisible(loaded) && allVisible(burstIds), burstLastSend + GRACE_MS);
    log('stopping the pollers, draining fetch/acknowledge');
    const dropped = (await Promise.all(pollers.map((p) => p.stop(20_000)))).reduce((n, d) => n + d.dropped, 0);
    // The inbox is a projection: the last events reach it a while after they are answered. Read
    // every state once it lists every expected delivery and holds still (two reads alike), or
    // after 180 s.
    const expected = [...loaded, ...burstIds, ...urgentIds];
    const pairsOf = (rows: readonly { packageId: string; recipientCode: string }[]) => new Set(rows.map((d) => `${d.packageId}|${d.recipientCode}`));
    let listed = (await Promise.all(pollers.map((p) => p.listAll()))).flat();
    const settleBy = performance.now() + 180_000;
    let settled = false;
    for (;;) {
      await sleep(1000);
      const again = (await Promise.all(pollers.map((p) => p.listAll()))).flat();
      const same = again.length === listed.length && again.every((d, i) => d.deliveryId === listed[i]!.deliveryId);
      listed = again;
      const present = pairsOf(listed);
      const complete = expected.every((id) => RECIPIENTS.every((r) => present.has(`${id}|${r.code}`)));
      settled = same && complete;
      if (settled || performance.now() > settleBy) break;
    }
    const expectedSet = new Set(expected);
    const idsOfPair = new Map<string, Set<string>>();
    const timesListed = new Map<string, number>();
    for (const d of listed) {
      if (!expectedSet.has(d.packageId)) continue;
      timesListed.set(d.deliveryId, (timesListed.get(d.deliveryId) ?? 0) + 1);
      const key = `${d.packageId}|${d.recipientCode}`;
      const ids = idsOfPair.get(key) ?? new Set<string>();
      ids.add(d.deliveryId);
      idsOfPair.set(key, ids);
    }
    let lost = 0;
    let duplicated = 0;
    for (const packageId of expected) {
      for (const r of RECIPIENTS) {
        const key = `${packageId}|${r.code}`;
        const polled = pollers.find((p) => p.agencyCode === r.code)!.pairs.get(key);
        const ids = new Set([...(idsOfPair.get(key) ?? []), ...(polled ?? [])]);
        if (!polled || !idsOfPair.has(key)) lost += 1;
        duplicated += Math.max(0, ids.size - 1);
      }
    }
    for (const n of timesListed.values()) duplicated += n - 1;
    log(`correctness: ${lost} lost, ${duplicated} duplicated`);

    const pollMs = pollers.flatMap((p) => p.pollMs).sort((a, b) => a - b);
    const burstDeliveries = burstIds.length * RECIPIENTS.length;
    const docsPerSecond = burstComplete ? burstIds.length / (burstSeconds / 1000) : null;
    const storeOps = storeBefore && storeAfter ? storeDelta(storeBefore, storeAfter) : null;
    const storeTotal = storeOps ? Object.values(storeOps).reduce((n, v) => n + v, 0) : null;
    const result = {
      bodyBytes,
      bodies: BODIES === 'files' ? 'files (BLOB_DIR)' : 'document store',
      databases: DATABASES,
      attachmentBytes,
      recipientsPerDocument: RECIPIENTS.length,
      instancesPerService: instances,
      loads,
      throughput: {
        documents: burstIds.length,
        deliveries: burstDeliveries,
        visible: visible(burstIds),
        complete: burstComplete,
        sendSeconds: +((burstLastSend - burstStart) / 1000).toFixed(2),
        seconds: +(burstSeconds / 1000).toFixed(2),
        // Only a complete burst has a rate; an incomplete one reports how far it got (visible).
        documentsPerSecond: docsPerSecond === null ? null : +docsPerSecond.toFixed(1),
        deliveriesPerSecond: burstComplete ? +(burstDeliveries / (burstSeconds / 1000)).toFixed(1) : null,
        stages: stageReport,
        sendStagesMs: burstStages,
        kafkaRecordsPerDocument: recordsPerDocument,
        cpuSeconds,
        // CPU seconds per document, less what the process spends at rest over as long (idleCores).
        cpuMsPerDocumentBeyondIdle: burstIds.length ? Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, v === null || idleCoresPerProcess[k] === null || idleCoresPerProcess[k] === undefined ? null : +(((v - idleCoresPerProcess[k]! * (burstSeconds / 1000)) * 1000) / burstIds.length).toFixed(2)])) : null,
        idleCores: idleCoresPerProcess,
        store: storeOps === null ? null : { operations: storeOps, operationsPerSecond: +((storeTotal ?? 0) / (burstSeconds / 1000)).toFixed(1), operationsPerDocument: burstIds.length ? +((storeTotal ?? 0) / burstIds.length).toFixed(1) : null },
      },
      urgent: {
        priority: '3',
        sentAfterBurstDocuments: Math.ceil(burst / 2) - 1,
        burstDeliveriesVisibleWhenSent: visibleAtUrgentSend,
        sendToVisibleMs: urgentVisibleAt === null ? null : Math.round(urgentVisibleAt - urgentSentAt),
        burstDeliveriesVisibleBeforeIt: burstVisibleBeforeUrgent,
      },
      rawKafka: {
        ...rawKafka,
        // (documents/s × Kafka records per document) ÷ the broker's raw records/s.
        pipelineShare: 'recordsPerSecond' in rawKafka && docsPerSecond !== null && recordsPerDocument !== null ? +((docsPerSecond * recordsPerDocument) / rawKafka.recordsPerSecond).toFixed(4) : null,
      },
      // Counted on the inbox read model; when it had not caught up within 180 s (settled false),
      // the counts include deliveries it had not listed yet or listed in two states at once.
      readModelSettled: settled,
      lost,
      duplicated,
      sendErrors,
      refusedOverloaded: overloaded,
      ...(firstSendError ? { firstSendError } : {}),
      inbox: {
        acknowledged: pollers.reduce((n, p) => n + p.acknowledged, 0),
        fetchAckErrors: pollers.reduce((n, p) => n + p.fetchErrors, 0),
        listErrors: pollers.reduce((n, p) => n + p.listErrors, 0),
        notFetchedAtEnd: dropped,
        firstSeenByWatch: pollers.reduce((n, p) => n + p.byWatch, 0),
        fetchesBeforeReadModelKnewIt: pollers.reduce((n, p) => n + p.notYetKnown, 0),
        firstSeenByListing: pollers.reduce((n, p) => n + p.byListing, 0),
        listingEveryMs: { whileWatching: RECONCILE_EVERY_MS, whileWatchDown: POLL_EVERY_MS },
        watchBreaks: pollers.reduce((n, p) => n + p.watchBreaks, 0),
        pollMs: { p50: ms(percentile(pollMs, 50)), p95: ms(percentile(pollMs, 95)), max: ms(pollMs[pollMs.length - 1] ?? null) },
        ...(pollers.some((p) => p.firstError) ? { firstError: pollers.find((p) => p.firstError)!.firstError } : {}),
      },
      store: ep.mongoUrl.includes(String(PROFILES.test.mongoPort)) ? 'FerretDB 1.24.2 (SQLite)' : ep.mongoUrl,
      machine: { cpus: cpus().length, node: process.version },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return lost === 0 && duplicated === 0 ? 0 : 1;
  } finally {
    for (const p of pollers) await p.stop(0).catch(() => undefined);
    await cleanup();
    clearTimeout(watchdog);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
