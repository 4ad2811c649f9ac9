import {
  DIRECTORY_SNAPSHOT_TOPIC,
  EventCodec,
  catalogue,
  createEvent,
  encodeAgencySnapshot,
  type Actor,
  type AgencySnapshot,
  type EventEnvelope,
} from '@vdx/contracts';
import {
  AGENCY_EVENT_DEFINITIONS,
  DirectoryError,
  decide,
  evolve,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyState,
} from '@vdx/directory-domain';
import { TransactionalAppender, readLogFromStart, type Kafka, type KafkaSettings, type KeyedRecord } from '@vdx/messaging';
import { DIRECTORY_EVENTS_TOPIC } from '../read-model/agency.projection';

/** What became of one command. */
export type CommandOutcome =
  | { readonly ok: true; readonly code: string; readonly events: readonly AgencyEvent[]; readonly created: boolean; readonly version: number }
  | { readonly ok: false; readonly code: string; readonly error: DirectoryError };

/** A command chosen against the agency's current state (an import registers or updates). */
export type CommandFor = (state: AgencyState | null) => AgencyCommand;

export interface CommandMeta {
  readonly actor: Actor;
  readonly correlationId: string;
}

export interface AgencyWriterOptions {
  readonly topic?: string;
  readonly snapshotTopic?: string;
  readonly transactionalId?: string;
  readonly clock?: () => Date;
  readonly onProgress?: (read: number, total: number) => void;
}

export function toSnapshot(state: NonNullable<AgencyState>): AgencySnapshot {
  return {
    code: state.code,
    name: state.name,
    parentCode: state.parentCode,
    email: state.email,
    inCharge: state.inCharge,
    status: state.status,
    validFrom: state.validFrom,
    validTo: state.validTo,
    successorCode: state.successorCode,
    systems: state.systems.map((s) => ({ systemId: s.systemId, credentialFingerprint: s.credentialFingerprint, endpoint: s.endpoint })),
    version: state.version,
  };
}

/**
 * The directory's command side and the only writer of `vdx.directory.events.v1`. At start it
 * folds its own topic into the current state of every agency; then it decides commands one
 * batch at a time (serialised, so each decision sees every earlier one) and appends the
 * batch's events with the agencies' new snapshots in one transaction. State changes in memory
 * only after the commit. Its transactional id fences an older instance that is still running.
 */
export class AgencyWriter {
  private readonly states = new Map<string, NonNullable<AgencyState>>();
  private readonly appender: TransactionalAppender;
  private readonly topic: string;
  private readonly snapshotTopic: string;
  private readonly clock: () => Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly opts: AgencyWriterOptions = {},
  ) {
    this.topic = opts.topic ?? DIRECTORY_EVENTS_TOPIC;
    this.snapshotTopic = opts.snapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC;
    this.clock = opts.clock ?? (() => new Date());
    // One transactional id per events topic: a second writer of the same topic fences the first.
    this.appender = new TransactionalAppender(kafka, opts.transactionalId ?? `${this.topic}.writer`);
  }

  /** Loads every agency from the log; returns how many events were folded. */
  async start(): Promise<number> {
    // Connecting first fences an older writer, so nothing is appended after the log is read.
    await this.appender.connect();
    const codec = new EventCodec(catalogue);
    let events = 0;
    await readLogFromStart(
      { ...this.settings, clientId: `${this.settings.clientId}-writer-load` },
      [this.topic],
      async (records) => {
        for (const record of records) {
          if (!record.value) continue;
          const envelope = codec.decode(record.value, record.headers);
          const event = { type: envelope.type, payload: envelope.payload } as AgencyEvent;
          const next = evolve(this.states.get(envelope.aggregateId) ?? null, event);
          if (next) this.states.set(envelope.aggregateId, next);
          events += 1;
        }
      },
      { ...(this.opts.onProgress ? { onProgress: this.opts.onProgress } : {}) },
    );
    return events;
  }

  stop(): Promise<void> {
    return this.appender.disconnect();
  }

  get size(): number {
    return this.states.size;
  }

  state(code: string): AgencyState | null {
    return this.states.get(code) ?? null;
  }

  /** Decides and appends one command. */
  async execute(command: AgencyCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const [outcome] = await this.executeMany([{ code: command.code, command: () => command }], meta);
    return outcome!;
  }

  /**
   * Decides every command in order, each against the state the earlier ones left, and appends
   * all resulting events in one transaction. A refused command leaves the others unaffected.
   */
  executeMany(items: readonly { code: string; command: CommandFor }[], meta: CommandMeta): Promise<CommandOutcome[]> {
    const run = this.queue.then(() => this.decideAndAppend(items, meta));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async decideAndAppend(items: readonly { code: string; command: CommandFor }[], meta: CommandMeta): Promise<CommandOutcome[]> {
    const overlay = new Map<string, NonNullable<AgencyState>>();
    const lookup = (code: string): AgencyState | null => overlay.get(code) ?? this.states.get(code) ?? null;
    const now = this.clock();
    const envelopes: EventEnvelope[] = [];
    const outcomes: CommandOutcome[] = [];
    for (const item of items) {
      let state: AgencyState | null = null;
      try {
        state = lookup(item.code);
        const command = item.command(state);
        const events = decide(command, state, { now, agency: lookup });
        let next = state;
        for (const event of events) {
          next = evolve(next, event);
          envelopes.push(
            createEvent(AGENCY_EVENT_DEFINITIONS[event.type] as never, {
              aggregateId: command.code,
              aggregateSeq: next!.version,
              payload: event.payload,
              actor: meta.actor,
              correlationId: meta.correlationId,
              occurredAt: now,
            }),
          );
        }
        if (next && events.length > 0) overlay.set(next.code, next);
        outcomes.push({ ok: true, code: next?.code ?? item.code, events, created: state === null && events.length > 0, version: next?.version ?? 0 });
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        outcomes.push({ ok: false, code: item.code, error: err });
      }
    }
    const snapshots: KeyedRecord[] = [...overlay.values()].map((s) => ({ topic: this.snapshotTopic, key: s.code, ...encodeAgencySnapshot(toSnapshot(s)) }));
    await this.appender.append(
      envelopes.map((event) => ({ topic: this.topic, event })),
      snapshots,
    );
    for (const [code, s] of overlay) this.states.set(code, s);
    return outcomes;
  }
}
