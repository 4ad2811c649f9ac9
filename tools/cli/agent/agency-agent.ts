// The reference loop of an agency's adapter: watch the inbox, list it as a safety net, and for
// each open delivery fetch → save → parse → acknowledge → (for a document) report statuses back
// to its issuer. No clock and no file system here: the caller drives `poll()` on its own timer
// (rarely while every watch runs, often while one is down: see {@link pollDelay}) and passes a
// `save` callback, so the loop can be tested with a fake client.
import { createHash } from 'node:crypto';
import { statusPackage } from '@vdx/edxml';
import type { InboxItem } from '@vdx/exchange-client';
import type { AgentEvent, AgentStep, AgentSummary, ItemSource } from './agent-events';
import { listAllInbox, type AgentExchange, type InboxWatch } from './agent-exchange';
import { readBody } from './read-body';

/** How the agent works and where its output goes. */
export interface AgencyAgentOptions {
  /** The agencies whose inboxes to serve; empty for everything the system receives. */
  readonly agencies: readonly string[];
  /** Status codes to send back for each document taken in (default 01 arrived, 03 accepted). */
  readonly statuses?: readonly string[];
  /** Keeps a fetched body (e.g. writes it under `--out-dir`); resolves with where it went. */
  readonly save?: (deliveryId: string, body: Buffer) => Promise<string>;
  /** Receives one event per step. */
  readonly log: (event: AgentEvent) => void;
}

/** How often `vdx agent run` lists the inbox: while every watch runs, and while one is down. */
export interface PollIntervals {
  /** While every watch runs: the listing only reconciles what a stream may have missed. */
  readonly reconcileMs: number;
  /** While a watch is down (or none opened yet): the listing is how items arrive. */
  readonly pollMs: number;
}

/** The pause before the next listing: long while the watches push items, short while one is down. */
export function pollDelay(watching: boolean, intervals: PollIntervals): number {
  return watching ? intervals.reconcileMs : Math.min(intervals.pollMs, intervals.reconcileMs);
}

/** The default statuses sent for a document: 01 (arrived) and 03 (accepted). */
export const DEFAULT_STATUSES: readonly string[] = ['01', '03'];

// A delivery in one of these states still waits for this system's acknowledgement: queued, or
// fetched by an earlier run that stopped before acknowledging (fetching again is allowed, and
// acknowledging the same result again is a no-op).
const OPEN_STATES = new Set(['queued', 'fetched']);
// Errors after which trying the same delivery again cannot help.
const FINAL_CODES = new Set(['DELIVERY.WITHDRAWN', 'DELIVERY.ALREADY_ACKNOWLEDGED', 'DELIVERY.UNKNOWN_DELIVERY']);
const MAX_CLIENT_REF = 128;

/** The file name a delivery's body is saved under: its id with `/` replaced by `_`, `.edxml`. */
export function inboxFileName(deliveryId: string): string {
  return `${deliveryId.replace(/\//g, '_')}.edxml`;
}

/** The client reference of a status reply: a resend (after a restart) returns the first receipt. */
export function statusClientRef(deliveryId: string, statusCode: string): string {
  const ref = `vdx-agent/${deliveryId}/${statusCode}`;
  return ref.length <= MAX_CLIENT_REF ? ref : `vdx-agent/${createHash('sha256').update(ref).digest('hex')}`;
}

const errorInfo = (err: unknown): { code: string; message: string } => {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'AGENT.UNEXPECTED', message: String(e?.message ?? err) };
};

/**
 * Processes an agency's inbox one delivery at a time, each delivery once: items offered by the
 * watch and by the poll are de-duplicated by delivery id. An item whose processing fails before
 * it is acknowledged is forgotten, so the next poll offers it again.
 */
export class AgencyAgent {
  private readonly statuses: readonly string[];
  private readonly queue: { item: InboxItem; source: ItemSource }[] = [];
  /** Offered and not yet finished (queued here or in flight). */
  private readonly pending = new Set<string>();
  /** Acknowledged (or beyond help): never processed again. */
  private readonly handled = new Set<string>();
  private readonly watches = new Map<string, InboxWatch | null>();
  private worker: Promise<void> | undefined;
  private stopping = false;
  private readonly counts: AgentSummary = { processed: 0, done: 0, failed: 0, statusesSent: 0, errors: 0 };

  constructor(
    private readonly client: AgentExchange,
    private readonly options: AgencyAgentOptions,
  ) {
    this.statuses = options.statuses ?? DEFAULT_STATUSES;
  }

  private get scopes(): readonly string[] {
    return this.options.agencies.length > 0 ? this.options.agencies : [''];
  }

  /** Counts so far. */
  get summary(): AgentSummary {
    return { ...this.counts };
  }

  /** Whether a watch runs on every inbox served (items then arrive without a listing). */
  get watching(): boolean {
    return this.scopes.every((agencyCode) => Boolean(this.watches.get(agencyCode)));
  }

  /** Opens a watch (with the items already there) on each inbox that has none running. */
  watch(): void {
    if (this.stopping) return;
    for (const agencyCode of this.scopes) {
      if (this.watches.get(agencyCode)) continue;
      const req = { ...(agencyCode ? { agencyCode } : {}), includeExisting: true };
      const handle = this.client.watchInbox(
        req,
        (item) => this.offer(item, 'watch'),
        (err) => {
          this.watches.set(agencyCode, null); // reopened by the next poll
          this.options.log({ event: 'watch-error', agencyCode, code: err.code, message: err.message });
        },
      );
      this.watches.set(agencyCode, handle);
    }
  }

  /**
   * Lists every inbox (all pages) and offers each open item; reopens a watch that ended. Resolves
   * once the listing is done (not the processing: see {@link idle}).
   */
  async poll(): Promise<void> {
    if (this.stopping) return;
    if (this.watches.size > 0) this.watch();
    const listed = new Set<string>();
    let complete = true;
    for (const agencyCode of this.scopes) {
      try {
        for (const item of await listAllInbox(this.client, agencyCode ? { agencyCode } : {})) {
          listed.add(item.deliveryId);
          this.offer(item, 'poll');
        }
      } catch (err) {
        complete = false;
        this.options.log({ event: 'poll-error', agencyCode, ...errorInfo(err) });
      }
    }
    // What the axis no longer lists is acknowledged for good: forget it, so memory stays flat.
    if (complete) for (const id of this.handled) if (!listed.has(id)) this.handled.delete(id);
  }

  /** Takes an item from the watch or the poll; an open item not seen before is queued. */
  offer(item: InboxItem, source: ItemSource): void {
    const id = item.deliveryId;
    if (this.stopping || !OPEN_STATES.has(item.state) || this.pending.has(id) || this.handled.has(id)) return;
    this.pending.add(id);
    this.queue.push({ item, source });
    this.pump();
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** `--once`: processes what the inboxes hold now, and resolves with the counts. */
  async runOnce(): Promise<AgentSummary> {
    await this.poll();
    await this.idle();
    return this.summary;
  }

  /** Cancels the watches, drops what is queued (the next run gets it) and finishes the item in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const w of this.watches.values()) w?.cancel();
    this.watches.clear();
    for (const { item } of this.queue.splice(0)) this.pending.delete(item.deliveryId);
    await this.idle();
  }

  private pump(): void {
    if (this.worker) return;
    this.worker = (async () => {
      for (let next = this.queue.shift(); next && !this.stopping; next = this.queue.shift()) await this.process(next.item, next.source);
    })().finally(() => {
      this.worker = undefined;
      if (this.queue.length > 0 && !this.stopping) this.pump();
    });
  }

  private async process(item: InboxItem, source: ItemSource): Promise<void> {
    const id = item.deliveryId;
    const log = this.options.log;
    let step: AgentStep = 'fetch';
    let acknowledged = false;
    this.counts.processed += 1;
    try {
      log({ event: 'item', deliveryId: id, source, kind: item.kind, senderCode: item.senderCode, recipientCode: item.recipientCode });
      const body = await this.client.fetchPackage(id);
      log({ event: 'fetched', deliveryId: id, bytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
      if (this.options.save) {
        step = 'save';
        log({ event: 'saved', deliveryId: id, file: await this.options.save(id, body) });
      }
      step = 'parse';
      const read = readBody(body);
      if (read.ok) log({ event: 'parsed', deliveryId: id, kind: read.kind, documentId: read.documentId, fromCode: read.fromCode, statusCode: read.statusCode, errorFindings: read.errorFindings });
      else log({ event: 'unreadable', deliveryId: id, code: read.code, message: read.message });

      step = 'acknowledge';
      const result = read.ok ? 'done' : 'fail';
      const reason = read.ok ? '' : read.code;
      const ack = await this.client.acknowledge(id, result, reason);
      acknowledged = true;
      this.counts[read.ok ? 'done' : 'failed'] += 1;
      log({ event: 'acknowledged', deliveryId: id, result, state: ack.state, reason });

      if (read.ok && read.kind === 'edoc') {
        step = 'status';
        await this.sendStatuses(item, read.documentId, read.fromCode);
      }
    } catch (err) {
      const info = errorInfo(err);
      const final = acknowledged || FINAL_CODES.has(info.code);
      this.counts.errors += 1;
      log({ event: 'error', deliveryId: id, step, ...info, willRetry: !final });
      if (final) acknowledged = true;
    } finally {
      this.pending.delete(id);
      if (acknowledged) this.handled.add(id);
    }
  }

  // Each status is sent on its own: one refused or failed does not hold back the next.
  private async sendStatuses(item: InboxItem, documentId: string, issuer: string): Promise<void> {
    const id = item.deliveryId;
    const log = this.options.log;
    if (this.statuses.length === 0) return;
    if (!documentId || !issuer) {
      this.counts.errors += 1;
      log({ event: 'error', deliveryId: id, step: 'status', code: 'AGENT.NO_DOCUMENT_ID', message: 'the document has no DocumentId or From/OrganId: no status can answer it', willRetry: false });
      return;
    }
    for (const statusCode of this.statuses) {
      try {
        const xml = statusPackage({ from: item.recipientCode, documentId, documentIssuer: issuer, statusCode }).xml;
        const r = await this.client.sendPackage(Buffer.from(xml), { senderCode: item.recipientCode, kind: 'status', clientRef: statusClientRef(id, statusCode) });
        if (r.outcome === 'accepted') this.counts.statusesSent += 1;
        else this.counts.errors += 1;
        log({ event: 'status-sent', deliveryId: id, statusCode, documentId, issuer, packageId: r.packageId, outcome: r.outcome, duplicate: r.duplicate, errorCode: r.errorCode, reason: r.reason });
      } catch (err) {
        this.counts.errors += 1;
        log({ event: 'error', deliveryId: id, step: 'status', ...errorInfo(err), willRetry: false });
      }
    }
  }
}
