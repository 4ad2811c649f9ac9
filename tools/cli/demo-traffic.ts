// `vdx demo traffic`: provisions the demo agencies and their systems (idempotent), then plays a
// plan of traffic (demo-plan.ts) through the real axis: the senders' systems send over
// exchange.v1 with their own certificates, the recipients' systems list their inboxes, fetch,
// acknowledge and send statuses back, and the issuers' systems fetch those statuses. Nothing
// is written around the axis: every figure the console shows comes from the axis's own events.
import { Semaphore } from '@vdx/concurrency';
import { workingDayDeadline } from '@vdx/delivery-domain';
import { DirectoryCallError, DirectoryClient } from '@vdx/directory-client';
import { ExchangeCallError, ExchangeClient, type InboxItem, type SendReceipt } from '@vdx/exchange-client';
import { certificateFingerprint, DEFAULT_OPERATOR, issueSystemInDirectory, loadCredentialFiles, pkiPaths } from '@vdx/pki';
import { existsSync } from 'node:fs';
import {
  DEMO_SYSTEMS,
  DEMO_TRAFFIC_AGENCIES,
  DemoError,
  documentBody,
  documentIdOf,
  planTraffic,
  refusalBody,
  statusBody,
  type BodyContext,
  type BuiltSend,
  type PlannedCopy,
  type PlannedDocument,
  type PlannedSend,
  type TrafficOptions,
  type TrafficPlan,
} from './demo-plan';

/** Where the axis is and how hard to drive it. */
export interface DemoTrafficSettings {
  /** The gateway's exchange.v1 (mutual TLS), `host:port`. */
  readonly gatewayUrl: string;
  /** The directory's directory.v1 (mutual TLS), `host:port`. */
  readonly directoryUrl: string;
  /** The sandbox PKI: the CA (to issue the demo systems' certificates), the operator's identity. */
  readonly pkiDir: string;
  readonly traffic: TrafficOptions;
  /** Sends per second within a burst (documents and refusals; statuses follow the fetches). */
  readonly rate: number;
  /** How long to wait after the last send for the recipients and issuers to finish (default 60 s). */
  readonly settleTimeoutMs?: number;
  /** How often each system lists its inbox besides watching it (default 10 s). */
  readonly pollMs?: number;
  /** Pause between two bursts (default 400 ms). */
  readonly burstGapMs?: number;
  /** How long the gateway may take to authorise the demo systems (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** One line of progress at a time; none when absent. */
  readonly progress?: (line: string) => void;
  /** Keeps this run's DocumentIds apart from other runs' (default: from the clock). */
  readonly runTag?: string;
  readonly now?: () => Date;
}

export interface ProvisionResult {
  /** Agencies registered by this run / found registered already. */
  readonly registered: readonly string[];
  readonly existing: readonly string[];
  /** Systems whose certificate this run issued (the others had one in the PKI directory). */
  readonly certificatesIssued: readonly string[];
  /** Systems whose connection this run recorded (the others were connected with the same certificate). */
  readonly connected: readonly string[];
}

export interface DemoSummary {
  readonly runTag: string;
  readonly seed: number;
  readonly days: number;
  readonly durationMs: number;
  /** Every copy taken in, every status fetched by its issuer, before the settle deadline. */
  readonly complete: boolean;
  readonly provisioning: ProvisionResult;
  readonly sent: { readonly documents: number; readonly refused: number; readonly statuses: number };
  readonly documents: { readonly accepted: number; readonly urgent: number; readonly invalidSignature: number; readonly unsigned: number };
  /** Refused sends by the code the gateway answered. */
  readonly refusedByCode: Readonly<Record<string, number>>;
  /** Status packages accepted, by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly copies: { readonly planned: number; readonly acknowledgedDone: number; readonly acknowledgedFailed: number; readonly late: number; readonly pending: number };
  readonly statusesFetchedByIssuers: number;
  /** Copies left unfetched, with no 01: counted as not taken in once their Decree 30 deadline (17:00 Vietnam time of the working day) has passed. */
  readonly late: { readonly copies: number; readonly deadline: string };
  /** What did not go as planned: a refusal with another code, a document or status refused, a call that failed. */
  readonly unexpected: readonly { readonly what: string; readonly expected: string; readonly got: string }[];
}

const DEFAULT_SETTLE_MS = 60_000;
const MAX_IN_FLIGHT = 8;
const PER_SYSTEM_IN_FLIGHT = 2;
/** How often a system lists its inbox besides watching it. */
const SAFETY_POLL_MS = 10_000;
const RETRIES = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const codeOf = (err: unknown): string => (err instanceof ExchangeCallError || err instanceof DirectoryCallError ? err.code : err instanceof Error ? err.message : String(err));
/** Nobody answers at the address (gRPC UNAVAILABLE: connection refused, TLS handshake failed). */
const unreachable = (err: unknown): boolean => err instanceof ExchangeCallError && err.code === 'GRPC.14';

/** `yyyy/MM/dd` of an instant in Vietnam time (UTC+7). */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '/');
}

/** Fails with `DEMO.PKI_MISSING` unless the CA and the operator's identity are in `pkiDir`. */
export function checkPki(pkiDir: string): void {
  const paths = pkiPaths(pkiDir);
  const operator = paths.operator(DEFAULT_OPERATOR);
  for (const [what, file] of [
    ['the axis CA', paths.ca.certPath],
    ['the axis CA key', paths.ca.keyPath],
    ["the operator's certificate", operator.certPath],
  ] as const) {
    if (!existsSync(file)) throw new DemoError('DEMO.PKI_MISSING', `${what} is not in ${paths.dir} (${file}): run npm start, which creates the sandbox PKI, or pass --pki <dir>`, { path: 'pki' });
  }
}

/**
 * Registers the demo agencies, issues their systems' certificates when the PKI directory has
 * none and connects them, as the local operator. Idempotent: an agency registered already, a
 * certificate on file and a connection with the same certificate are kept as they are.
 */
export async function provisionDemo(pkiDir: string, directoryUrl: string): Promise<ProvisionResult> {
  checkPki(pkiDir);
  const directory = new DirectoryClient(directoryUrl, loadCredentialFiles(pkiDir, `operators/${DEFAULT_OPERATOR}`));
  try {
    try {
      await directory.waitForReady(5000);
    } catch (err) {
      throw new DemoError('DEMO.AXIS_UNREACHABLE', `the directory at ${directoryUrl} does not answer: is the axis running? To start it, run npm start (or pass --directory-url)`, { path: 'directoryUrl', cause: err });
    }
    const registered: string[] = [];
    const existing: string[] = [];
    const certificatesIssued: string[] = [];
    const connected: string[] = [];
    const refused = (what: string) => (err: unknown): never => {
      if (err instanceof DirectoryCallError && (err.code === 'GRPC.14' || err.code === 'GRPC.4')) {
        throw new DemoError('DEMO.AXIS_UNREACHABLE', `the directory at ${directoryUrl} stopped answering (${err.code}): run npm start`, { path: 'directoryUrl', cause: err });
      }
      throw new DemoError('DEMO.SETUP_FAILED', `the directory refused to ${what}: ${codeOf(err)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    };
    for (const a of DEMO_TRAFFIC_AGENCIES) {
      try {
        await directory.rpc('RegisterAgency', { code: a.code, name: a.name });
        registered.push(a.code);
      } catch (err) {
        if (err instanceof DirectoryCallError && err.code === 'DIRECTORY.DUPLICATE_CODE') existing.push(a.code);
        else refused(`register ${a.code}`)(err);
      }
    }
    for (const s of DEMO_SYSTEMS) {
      const paths = pkiPaths(pkiDir).system(s.systemId);
      let fingerprint: string;
      if (existsSync(paths.certPath)) fingerprint = certificateFingerprint(loadCredentialFiles(pkiDir, `systems/${s.systemId}`).certPem);
      else {
        fingerprint = (await issueSystemInDirectory(pkiDir, s.systemId)).fingerprint;
        certificatesIssued.push(s.systemId);
      }
      const result = await directory.rpc('ConnectSystem', { code: s.code, systemId: s.systemId, credentialFingerprint: fingerprint }).catch(refused(`connect ${s.systemId} to ${s.code}`));
      if ((result.events ?? []).length > 0) connected.push(s.systemId);
    }
    return { registered, existing, certificatesIssued, connected };
  } finally {
    directory.close();
  }
}

/** One client per demo system, closed together. */
class Systems {
  private readonly clients = new Map<string, ExchangeClient>();

  constructor(
    private readonly gatewayUrl: string,
    private readonly pkiDir: string,
  ) {}

  get(systemId: string): ExchangeClient {
    let c = this.clients.get(systemId);
    if (!c) {
      c = new ExchangeClient(this.gatewayUrl, loadCredentialFiles(this.pkiDir, `systems/${systemId}`));
      this.clients.set(systemId, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}

/** Fails with `DEMO.AXIS_UNREACHABLE` unless the gateway answers, then waits until it lets every demo system act for its agencies. */
async function awaitGateway(systems: Systems, gatewayUrl: string, timeoutMs: number): Promise<void> {
  const first = systems.get(DEMO_SYSTEMS[0]!.systemId);
  try {
    await first.checkHealth(5000);
  } catch (err) {
    // Here no answer in time (DEADLINE_EXCEEDED) is no axis either.
    if (unreachable(err) || (err instanceof ExchangeCallError && err.code === 'GRPC.4')) throw new DemoError('DEMO.AXIS_UNREACHABLE', `the gateway at ${gatewayUrl} does not answer (${codeOf(err)}): is the axis running? To start it, run npm start (or pass --url)`, { path: 'url', cause: err });
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  const waiting = new Set(DEMO_TRAFFIC_AGENCIES.map((a) => a.code));
  let last = '';
  while (waiting.size > 0) {
    for (const code of [...waiting]) {
      const a = DEMO_TRAFFIC_AGENCIES.find((x) => x.code === code)!;
      try {
        await systems.get(a.servedBy).listInbox({ agencyCode: code, pageSize: 1 }, 5000);
        waiting.delete(code);
      } catch (err) {
        if (unreachable(err)) throw new DemoError('DEMO.AXIS_UNREACHABLE', `the gateway at ${gatewayUrl} stopped answering (${codeOf(err)}): run npm start`, { path: 'url', cause: err });
        last = `${a.servedBy} for ${code}: ${codeOf(err)}`;
      }
    }
    if (waiting.size === 0) break;
    if (Date.now() > deadline) {
      throw new DemoError('DEMO.AXIS_NOT_READY', `the gateway at ${gatewayUrl} did not authorise the demo systems within ${timeoutMs} ms (still waiting for ${[...waiting].join(', ')}; last: ${last}); is its directory cache following the directory at this address?`);
    }
    await sleep(250);
  }
}

/** Refusals that say "not now": the gateway busy, the store or a partition owner briefly failing, a call past its deadline. */
const TRANSIENT = new Set(['EXCHANGE.OVERLOADED', 'EXCHANGE.SEND_IN_PROGRESS', 'EXCHANGE.UNAVAILABLE', 'EXCHANGE.INTERNAL', 'DELIVERY.UNAVAILABLE', 'DELIVERY.INTERNAL', 'GRPC.4']);

/**
 * Calls `fn` again after a transient refusal, a few times with a growing pause. Safe for every
 * call the demo makes: a send carries its `client_ref` (a resend gets the first receipt), and a
 * fetch or an acknowledgement repeated changes nothing.
 */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ExchangeCallError && TRANSIENT.has(err.code)) || attempt >= RETRIES) throw err;
      await sleep(250 * 2 ** attempt);
    }
  }
}

/** Sends one package with its `client_ref`, trying again after a transient refusal. */
function send(client: ExchangeClient, built: BuiltSend, clientRef: string): Promise<SendReceipt> {
  return retrying(() => client.sendPackage(built.body, { senderCode: built.senderCode, kind: built.kind, clientRef }, 60_000));
}

const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * Runs a demo: checks the PKI, provisions the demo agencies, waits for the gateway, plays the
 * plan, and resolves with what the axis answered. Throws a `DemoError` when the axis is not
 * there or not ready; what goes wrong with single sends is in `unexpected`.
 */
export async function runDemoTraffic(settings: DemoTrafficSettings): Promise<DemoSummary> {
  const now = settings.now ?? (() => new Date());
  const started = Date.now();
  const plan = planTraffic(settings.traffic);
  if (!Number.isFinite(settings.rate) || settings.rate <= 0) throw new DemoError('DEMO.BAD_ARGUMENTS', `rate must be a positive number of sends per second (got ${String(settings.rate)})`, { path: 'rate' });
  const progress = settings.progress ?? (() => undefined);
  const runTag = settings.runTag ?? Date.now().toString(36).toUpperCase();
  if (!/^[A-Z0-9]{1,10}$/.test(runTag)) throw new DemoError('DEMO.BAD_ARGUMENTS', `runTag must be 1 to 10 capital letters or digits (got ${runTag})`, { path: 'runTag' });
  const ctx: BodyContext = { runTag, date: vietnamDate(now()) };

  const provisioning = await provisionDemo(settings.pkiDir, settings.directoryUrl);
  progress(
    `demo agencies: ${provisioning.registered.length} registered, ${provisioning.existing.length} there already; systems: ${provisioning.certificatesIssued.length} certificates issued, ${provisioning.connected.length} connections recorded`,
  );
  const systems = new Systems(settings.gatewayUrl, settings.pkiDir);
  try {
    await awaitGateway(systems, settings.gatewayUrl, settings.readyTimeoutMs ?? 30_000);
    progress(`the gateway at ${settings.gatewayUrl} authorises the ${DEMO_SYSTEMS.length} demo systems; ${describePlan(plan)}`);
    return await play(plan, ctx, settings, systems, progress, provisioning, started, now);
  } finally {
    systems.close();
  }
}

/** One line about a plan. */
export function describePlan(plan: TrafficPlan): string {
  const t = plan.totals;
  return `plan (seed ${plan.seed}): ${t.documents} documents over ${plan.days} day(s) of office hours in ${plan.bursts.length} bursts, ${t.copies} copies (${t.late} left late, ${t.failed} acknowledged fail), ${t.statuses} statuses back, ${t.refusals} refused sends, ${t.urgent} urgent, ${t.invalidSignature} with an invalid signature block`;
}

interface Tally {
  documentsAccepted: number;
  refused: number;
  statusesAccepted: number;
  refusedByCode: Record<string, number>;
  statuses: Record<string, number>;
  done: number;
  failed: number;
  statusesFetched: number;
  unexpected: { what: string; expected: string; got: string }[];
}

async function play(
  plan: TrafficPlan,
  ctx: BodyContext,
  settings: DemoTrafficSettings,
  systems: Systems,
  progress: (line: string) => void,
  provisioning: ProvisionResult,
  started: number,
  now: () => Date,
): Promise<DemoSummary> {
  const tally: Tally = { documentsAccepted: 0, refused: 0, statusesAccepted: 0, refusedByCode: {}, statuses: {}, done: 0, failed: 0, statusesFetched: 0, unexpected: [] };
  const byDocumentId = new Map(plan.documents.map((d) => [documentIdOf(d, ctx), d]));
  const handled = new Set<string>();
  const copiesToHandle = plan.totals.copies - plan.totals.late;
  let copiesHandled = 0;
  let sendingDone = false;

  const unexpected = (what: string, expected: string, got: string) => tally.unexpected.push({ what, expected, got });

  // A recipient takes a copy in: fetch, acknowledge, then its statuses in order.
  const takeIn = async (client: ExchangeClient, item: InboxItem, doc: PlannedDocument, copy: PlannedCopy) => {
    await retrying(() => client.fetchPackage(item.deliveryId));
    if (copy.fate === 'failed') {
      await retrying(() => client.acknowledge(item.deliveryId, 'fail', 'Tệp đính kèm không mở được'));
      tally.failed += 1;
      return;
    }
    await retrying(() => client.acknowledge(item.deliveryId, 'done'));
    tally.done += 1;
    for (const code of copy.statuses) {
      const receipt = await send(client, statusBody(doc, copy.recipient, code, ctx), `demo-${ctx.runTag}-${doc.seq}-${copy.recipient}-${code}`);
      if (receipt.outcome === 'accepted') {
        tally.statusesAccepted += 1;
        tally.statuses[code] = (tally.statuses[code] ?? 0) + 1;
      } else unexpected(`status ${code} of ${copy.recipient} on document ${doc.seq}`, 'accepted', receipt.errorCode);
    }
  };

  // Every system that receives something in this plan reads its inbox until the run settles.
  const readers = new Set(plan.documents.flatMap((d) => [...d.copies.filter((c) => c.fate !== 'late').map((c) => c.system), ...(d.copies.some((c) => c.statuses.length > 0) ? [d.system] : [])]));
  const settled = () => sendingDone && copiesHandled >= copiesToHandle && tally.statusesFetched >= tally.statusesAccepted;
  let stopReading = false;
  // One item of an inbox: a status to its issuer, or a copy to take in (or leave, when late).
  const handle = async (client: ExchangeClient, item: InboxItem, doc: PlannedDocument): Promise<void> => {
    if (item.kind === 'status') {
      await retrying(() => client.fetchPackage(item.deliveryId));
      await retrying(() => client.acknowledge(item.deliveryId, 'done'));
      tally.statusesFetched += 1;
      return;
    }
    const copy = doc.copies.find((c) => c.recipient === item.recipientCode);
    if (!copy) return void unexpected(`a copy of document ${doc.seq} for ${item.recipientCode}`, `one of ${doc.recipients.join(', ')}`, item.recipientCode);
    if (copy.fate === 'late') return; // left in the inbox: not taken in today
    try {
      await takeIn(client, item, doc, copy);
    } finally {
      copiesHandled += 1;
    }
  };
  // Each system watches its inbox (WatchInbox) and takes a couple of items in side by side,
  // each copy's statuses in order; a listing now and then is the safety net, as the reference
  // agent does. Listing often costs: ListInbox is not answered by _id (about a second on a
  // sandbox store that has seen a few runs), and more calls at once only load the store (SQLite
  // under FerretDB: SQLITE_BUSY), they do not go faster.
  const read = async (systemId: string) => {
    const client = systems.get(systemId);
    const limit = new Semaphore(PER_SYSTEM_IN_FLIGHT);
    const work = new Set<Promise<void>>();
    let failure: unknown = null;
    const take = (item: InboxItem) => {
      if (handled.has(item.deliveryId) || item.state !== 'queued') return;
      const doc = byDocumentId.get(item.documentId);
      if (!doc) return; // not this run's
      handled.add(item.deliveryId);
      const task: Promise<void> = limit
        .run(() => handle(client, item, doc))
        .catch((err: unknown) => {
          if (unreachable(err)) failure ??= err;
          else unexpected(`${systemId} taking in ${item.deliveryId}`, 'no error', codeOf(err));
        })
        .finally(() => work.delete(task));
      work.add(task);
    };
    let watchError: string | null = null;
    const watch = client.watchInbox({ includeExisting: true }, take, (err) => {
      watchError = err.code;
    });
    try {
      while (!stopReading && !settled() && failure === null) {
        try {
          let pageToken = '';
          do {
            const page = await retrying(() => client.listInbox({ state: 'queued', pageSize: 200, pageToken }));
            for (const item of page.items) take(item);
            pageToken = page.nextPageToken;
          } while (pageToken !== '' && !stopReading);
        } catch (err) {
          if (unreachable(err)) failure ??= err;
          else unexpected(`${systemId} reading its inbox`, 'no error', codeOf(err));
        }
        // Listed again soon when the watch broke; else only as the safety net.
        const until = Date.now() + (watchError === null ? (settings.pollMs ?? SAFETY_POLL_MS) : 500);
        while (Date.now() < until && !stopReading && !settled() && failure === null) await sleep(100);
      }
    } finally {
      watch.cancel();
    }
    await Promise.all(work);
    if (failure !== null) {
      throw new DemoError('DEMO.AXIS_UNREACHABLE', `the gateway at ${settings.gatewayUrl} stopped answering (${codeOf(failure)}): run npm start`, { path: 'url', cause: failure });
    }
  };
  const readersDone = Promise.all([...readers].map(read));
  readersDone.catch(() => undefined); // awaited below; a failure also stops the sends

  // The senders: burst after burst, at the rate asked for, a few sends in flight at once.
  const interval = 1000 / settings.rate;
  const inFlight = new Set<Promise<void>>();
  const sendOne = async (s: PlannedSend) => {
    const built = s.type === 'document' ? documentBody(s, ctx) : refusalBody(s, ctx);
    try {
      const receipt = await send(systems.get(s.system), built, `demo-${ctx.runTag}-${s.seq}`);
      if (s.type === 'document') {
        if (receipt.outcome === 'accepted') tally.documentsAccepted += 1;
        else unexpected(`document ${s.seq} from ${s.sender}`, 'accepted', receipt.errorCode);
      } else if (receipt.outcome === 'rejected') {
        tally.refused += 1;
        tally.refusedByCode[receipt.errorCode] = (tally.refusedByCode[receipt.errorCode] ?? 0) + 1;
        if (receipt.errorCode !== s.code) unexpected(`refused send ${s.seq}`, s.code, receipt.errorCode);
      } else unexpected(`refused send ${s.seq}`, s.code, 'accepted');
    } catch (err) {
      if (unreachable(err)) throw new DemoError('DEMO.AXIS_UNREACHABLE', `the gateway at ${settings.gatewayUrl} stopped answering (${codeOf(err)}): run npm start`, { path: 'url', cause: err });
      unexpected(`send ${s.seq} from ${s.sender}`, s.type === 'document' ? 'accepted' : s.code, codeOf(err));
    }
  };
  const sendFailures: unknown[] = [];
  try {
    for (const [b, burst] of plan.bursts.entries()) {
      const burstStart = Date.now();
      for (const [i, s] of burst.sends.entries()) {
        const due = burstStart + i * interval;
        if (due > Date.now()) await sleep(due - Date.now());
        while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
        const p: Promise<void> = sendOne(s)
          .catch((err: unknown) => void sendFailures.push(err))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (sendFailures.length > 0) throw sendFailures[0];
      }
      await Promise.all(inFlight);
      if (sendFailures.length > 0) throw sendFailures[0];
      const refused = burst.sends.filter((s) => s.type === 'refusal').length;
      progress(
        `day ${burst.day} ${hourLabel(burst.hour)} burst ${b + 1}/${plan.bursts.length}: ${burst.sends.length} sent (${burst.sends.length - refused} documents, ${refused} bad packages); ` +
          `so far ${tally.documentsAccepted} accepted, ${tally.refused} refused; recipients took in ${tally.done + tally.failed}/${copiesToHandle} copies and sent ${tally.statusesAccepted} statuses`,
      );
      if (b < plan.bursts.length - 1) await sleep(settings.burstGapMs ?? 400);
    }
  } catch (err) {
    stopReading = true;
    await readersDone.catch(() => undefined);
    throw err;
  }
  sendingDone = true;

  // Settle: the recipients finish taking copies in, the issuers fetch the statuses.
  const settleBy = Date.now() + (settings.settleTimeoutMs ?? DEFAULT_SETTLE_MS);
  let lastLine = Date.now();
  while (!settled() && Date.now() < settleBy) {
    await Promise.race([readersDone, sleep(250)]);
    if (Date.now() - lastLine >= 3000) {
      lastLine = Date.now();
      progress(`settling: ${copiesHandled}/${copiesToHandle} copies taken in, ${tally.statusesFetched}/${tally.statusesAccepted} statuses fetched by their issuers`);
    }
  }
  const complete = settled();
  stopReading = true;
  await readersDone;

  const t = plan.totals;
  return {
    runTag: ctx.runTag,
    seed: plan.seed,
    days: plan.days,
    durationMs: Date.now() - started,
    complete,
    provisioning,
    sent: { documents: t.documents, refused: t.refusals, statuses: tally.statusesAccepted },
    documents: { accepted: tally.documentsAccepted, urgent: t.urgent, invalidSignature: t.invalidSignature, unsigned: t.unsigned },
    refusedByCode: sortKeys(tally.refusedByCode),
    statuses: sortKeys(tally.statuses),
    copies: { planned: t.copies, acknowledgedDone: tally.done, acknowledgedFailed: tally.failed, late: t.late, pending: Math.max(0, copiesToHandle - copiesHandled) },
    statusesFetchedByIssuers: tally.statusesFetched,
    late: { copies: t.late, deadline: workingDayDeadline(now()).toISOString() },
    unexpected: tally.unexpected,
  };
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The summary as lines of text. */
export function summaryLines(s: DemoSummary, consoleUrl: string): string[] {
  const codes = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const deadline = new Date(s.late.deadline);
  const local = new Date(deadline.getTime() + 7 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16);
  return [
    `demo traffic ${s.runTag} (seed ${s.seed}, ${s.days} day(s) of pattern) in ${(s.durationMs / 1000).toFixed(1)} s${s.complete ? '' : ' — NOT COMPLETE: the axis had not finished when the settle time ran out'}`,
    `  documents sent   ${s.sent.documents} (${s.documents.accepted} accepted; ${s.documents.urgent} urgent; ${s.documents.unsigned} unsigned, ${s.documents.invalidSignature} with an invalid signature block)`,
    `  refused          ${s.sent.refused}: ${codes(s.refusedByCode)}`,
    `  copies           ${s.copies.planned}: ${s.copies.acknowledgedDone} taken in, ${s.copies.acknowledgedFailed} acknowledged fail, ${s.copies.late} left late${s.copies.pending > 0 ? `, ${s.copies.pending} still pending` : ''}`,
    `  statuses back    ${s.sent.statuses}: ${codes(s.statuses)}; ${s.statusesFetchedByIssuers} fetched by their issuers`,
    `  late             ${s.late.copies} copies not fetched and with no 01: missed at ${local} Vietnam time (Decree 30 deadline)`,
    ...(s.unexpected.length > 0 ? [`  unexpected       ${s.unexpected.length}:`, ...s.unexpected.slice(0, 10).map((u) => `    ${u.what}: expected ${u.expected}, got ${u.got}`)] : []),
    `open ${consoleUrl} to see it (the statistics count every package on the day the gateway accepted it: today)`,
  ];
}
