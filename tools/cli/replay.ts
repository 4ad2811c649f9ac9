// `vdx replay <model>`: rebuilds a read model from offset zero of its Kafka topics into fresh
// collections and swaps them in, resuming an interrupted replay; `vdx replay --list`.
import { eventTopic } from '@vdx/contracts';
import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';
import { deliveryReadModelsProjection } from '@vdx/delivery-feature';
import { agencyProjection } from '@vdx/directory-feature';
import { ReplayError, replayProjection, type Projection, type ReplayPlan, type ReplayResult } from '@vdx/event-sourcing';
import { receiptsProjection, traceProjection } from '@vdx/gateway-feature';
import { routingDocumentsProjection } from '@vdx/routing-feature';
import { statisticsProjection } from '@vdx/statistics-feature';
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { MongoClient } from 'mongodb';

/** A read model the operator may rebuild, with the projection its service runs in production. */
export interface ReplayModel {
  /** What the operator types: `vdx replay <name>`. */
  readonly name: string;
  readonly description: string;
  /** The service whose instances run the live projection; they must be stopped during a replay. */
  readonly service: string;
  /** The projection with the production topics, name (and so consumer group) and collections. */
  readonly projection: () => Projection;
}

/**
 * Every read model `vdx replay` knows. The factories are called with the defaults each service
 * uses when it runs on the production topics, so the replay's consumer group check, topics and
 * collections are the live ones.
 */
export const REPLAY_MODELS: readonly ReplayModel[] = [
  {
    name: 'delivery-state',
    description: "each delivery's transport state (delivery_state), each agency's open inbox (delivery_inbox) and the dead letters (delivery_dead), from the delivery service's events",
    service: 'delivery',
    projection: () => deliveryReadModelsProjection(eventTopic('delivery')),
  },
  {
    name: 'exchange-traces',
    description: "the sender's view of each package before delivery (exchange_traces), from the gateway, signature and routing events",
    service: 'gateway',
    projection: () => traceProjection({ gateway: eventTopic('gateway'), signature: eventTopic('signature'), routing: eventTopic('routing') }),
  },
  {
    name: 'directory',
    description: 'the agencies of the identifier directory (directory_agencies), from the directory events',
    service: 'directory',
    projection: () => agencyProjection(),
  },
  {
    name: 'routing-documents',
    description: "what routing knows of each document: issuer, recipients, their progress (routing_documents), from routing's DocumentChanged events",
    service: 'routing',
    projection: () => routingDocumentsProjection(eventTopic('routing')),
  },
  {
    name: 'gateway-receipts',
    description: 'the receipt of every accepted package by idempotency key (gateway_receipts), from the gateway events',
    service: 'gateway',
    projection: () => receiptsProjection(eventTopic('gateway')),
  },
  {
    name: 'statistics',
    description: "the central office's reports (statistics_headline, statistics_detail, statistics_quality, statistics_directory, statistics_tree), the facts they are folded with (statistics_agencies, statistics_deliveries) and the document lookup (statistics_documents), from every event topic",
    service: 'statistics',
    projection: () => statisticsProjection(),
  },
];

/** The codes of `vdx replay` itself (`ERROR_CODES.REPLAY`; the others are `ReplayError`'s, of the replay). */
export type ReplayCommandErrorCode = Extract<ErrorCodeOf<'REPLAY'>, 'REPLAY.UNKNOWN_MODEL' | 'REPLAY.MODEL_REQUIRED' | 'REPLAY.BAD_ARGUMENTS' | 'REPLAY.STORE_UNREACHABLE'>;

/** A usage error of `vdx replay`, or a store that does not answer: raised before anything is read or written. */
export class ReplayCommandError extends CodedError<ReplayCommandErrorCode> {
  override readonly name = 'ReplayCommandError';
  constructor(code: ReplayCommandErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

const knownModels = (models: readonly ReplayModel[]): string => models.map((m) => m.name).join(', ');

/** The model called `name`; an unknown one is refused with the list of those that exist. */
export function findModel(name: string, models: readonly ReplayModel[] = REPLAY_MODELS): ReplayModel {
  const model = models.find((m) => m.name === name);
  if (!model) throw new ReplayCommandError('REPLAY.UNKNOWN_MODEL', `no read model called ${JSON.stringify(name)}; known: ${knownModels(models)}`);
  return model;
}

/** What the arguments ask for: the list, or one model's replay. */
export function planReplayCommand(model: string | undefined, list: boolean, models: readonly ReplayModel[] = REPLAY_MODELS): { readonly list: true } | { readonly list: false; readonly model: ReplayModel } {
  if (list) {
    if (model !== undefined) throw new ReplayCommandError('REPLAY.BAD_ARGUMENTS', '--list takes no model');
    return { list: true };
  }
  if (model === undefined) throw new ReplayCommandError('REPLAY.MODEL_REQUIRED', `name the read model to replay (${knownModels(models)}), or pass --list`);
  return { list: false, model: findModel(model, models) };
}

/** `vdx replay --list`: one line per model (a JSON object per line with `json`). */
export function listLines(json: boolean, models: readonly ReplayModel[] = REPLAY_MODELS): string[] {
  const rows = models.map((m) => {
    const p = m.projection();
    return { model: m.name, projection: p.name, service: m.service, topics: [...p.topics], collections: [...p.collections], description: m.description };
  });
  if (json) return rows.map((r) => JSON.stringify(r));
  const width = Math.max(...rows.map((r) => r.model.length));
  return rows.flatMap((r) => [`${r.model.padEnd(width)}  ${r.description}`, `${''.padEnd(width)}  ${r.collections.join(', ')} ← ${r.topics.join(', ')} (group projection.${r.projection}, run by the ${r.service} service)`]);
}

export interface ReplayCommandOptions {
  readonly brokers: string;
  readonly mongoUrl: string;
  readonly db: string;
  readonly fresh: boolean;
  readonly swap: boolean;
  readonly json: boolean;
  /** A bar on stderr (a terminal), a line on stderr every ~2 s (logs, CI), or nothing. */
  readonly progress: 'bar' | 'lines' | 'none';
}

/** The summary printed (or serialised with --json) once a replay has finished. */
export interface ReplaySummary {
  readonly model: string;
  readonly projection: string;
  readonly events: number;
  readonly undecodable: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly resumed: boolean;
  readonly swapped: boolean;
  readonly collections: readonly { readonly logical: string; readonly physical: string }[];
}

export function replaySummary(model: ReplayModel, projection: string, result: ReplayResult): ReplaySummary {
  return {
    model: model.name,
    projection,
    events: result.events,
    undecodable: result.undecodable,
    seconds: Math.round(result.seconds * 1000) / 1000,
    eventsPerSecond: Math.round(result.eventsPerSecond),
    resumed: result.resumed,
    swapped: result.swapped,
    collections: Object.entries(result.built).map(([logical, physical]) => ({ logical, physical })),
  };
}

export function summaryLines(s: ReplaySummary): string[] {
  return [
    `replayed ${s.model}${s.resumed ? ' (resumed)' : ''}: ${s.events} events, ${s.undecodable} undecodable, in ${s.seconds.toFixed(1)} s (${s.eventsPerSecond} events/s)`,
    ...s.collections.map((c) => (s.swapped ? `built ${c.physical} and swapped it in as ${c.logical}` : `built ${c.physical} beside ${c.logical} (not swapped in)`)),
  ];
}

export function startLine(model: ReplayModel, plan: ReplayPlan): string {
  const into = Object.values(plan.built).join(', ');
  return plan.resumed
    ? `resuming the replay of ${model.name} begun ${plan.startedAt.toISOString()} (${plan.done}/${plan.total} applied) into ${into}`
    : `replaying ${model.name} from offset zero into ${into} (${plan.total} records)`;
}

export function progressLine(model: string, read: number, total: number, eventsPerSecond: number): string {
  const pct = total === 0 ? 100 : Math.floor((read / total) * 100);
  return `replaying ${model}: ${read}/${total} (${pct}%), ${Math.round(eventsPerSecond)} events/s`;
}

/** A replay refusal with what the operator should do about it; other errors pass unchanged. */
export function withHint(err: unknown, model: ReplayModel): unknown {
  if (!(err instanceof ReplayError)) return err;
  const hint =
    err.code === 'REPLAY.PROJECTION_RUNNING'
      ? `they are the ${model.service} service: stop all its instances, then run \`vdx replay ${model.name}\` again (restarted, the service carries on from its committed offsets)`
      : err.code === 'REPLAY.CHECKPOINT_STALE' || err.code === 'REPLAY.CHECKPOINT_MISMATCH'
        ? `run \`vdx replay ${model.name} --fresh\``
        : null;
  return hint ? new ReplayError(err.code, `${err.message} — ${hint}`) : err;
}

const LINE_EVERY_MS = 2000;

/** Shows progress as a bar, as a line every ~2 s, or not at all; rates are of this run. */
function progressReporter(model: ReplayModel, mode: ReplayCommandOptions['progress']): { start(plan: ReplayPlan): void; update(read: number, total: number): void; stop(): void } {
  const bar = mode === 'bar' ? new SingleBar({ format: `replaying ${model.name} |{bar}| {value}/{total} · {rate} events/s · {eta_formatted} left`, hideCursor: true, stream: process.stderr }) : null;
  const began = Date.now();
  let from = 0;
  let lastLine = 0;
  const rate = (read: number) => ((read - from) * 1000) / Math.max(1, Date.now() - began);
  return {
    start(plan) {
      from = plan.done;
      if (mode !== 'none') process.stderr.write(`${startLine(model, plan)}\n`);
      bar?.start(plan.total, plan.done, { rate: 0 });
    },
    update(read, total) {
      bar?.update(read, { rate: Math.round(rate(read)) });
      if (mode !== 'lines' || (Date.now() - lastLine < LINE_EVERY_MS && read < total)) return;
      lastLine = Date.now();
      process.stderr.write(`${progressLine(model.name, read, total, rate(read))}\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** The store's client, connected (`mongo`: one not connected yet, a test's); `REPLAY.STORE_UNREACHABLE` when the store does not answer. */
export async function connectStore(mongoUrl: string, mongo = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000, appName: 'vdx-replay' })): Promise<MongoClient> {
  await mongo.connect().catch((err: unknown) => {
    throw new ReplayCommandError('REPLAY.STORE_UNREACHABLE', `cannot reach the store at ${mongoUrl} (${(err as Error).message}); is it running (npm start)?`, { cause: err });
  });
  return mongo;
}

/**
 * Replays `model` against the store and brokers of `opts`. Ctrl-C stops it like a crash: the
 * checkpoint keeps what was applied, and the same command run again resumes it.
 */
export async function runReplay(model: ReplayModel, opts: ReplayCommandOptions): Promise<ReplaySummary> {
  const projection = model.projection();
  const mongo = await connectStore(opts.mongoUrl);
  const progress = progressReporter(model, opts.progress);
  const onInterrupt = () => {
    progress.stop();
    process.stderr.write(`\nvdx: replay of ${model.name} interrupted; \`vdx replay ${model.name}\` resumes it, --fresh starts over\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const result = await replayProjection({ brokers: opts.brokers, clientId: 'vdx-cli' }, mongo.db(opts.db), projection, {
      swap: opts.swap,
      fresh: opts.fresh,
      onStart: (plan) => progress.start(plan),
      onProgress: (read, total) => progress.update(read, total),
    });
    return replaySummary(model, projection.name, result);
  } catch (err) {
    throw withHint(err, model);
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.stop();
    await mongo.close();
  }
}

export function printReplaySummary(summary: ReplaySummary, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(summary)}\n` : `${summaryLines(summary).join('\n')}\n`);
}

interface ParsedOptions {
  list: boolean;
  fresh: boolean;
  swap: boolean;
  json: boolean;
  progress: boolean;
  brokers: string;
  mongoUrl: string;
  db: string;
}

/** Registers `vdx replay`; `run` is the replay itself (tests pass their own). */
export function registerReplayCommand(program: Command, run: (model: ReplayModel, opts: ReplayCommandOptions) => Promise<ReplaySummary> = runReplay): void {
  program
    .command('replay')
    .description('rebuild a read model from offset zero of its topics into fresh collections and swap them in; an interrupted replay resumes where it stopped')
    .argument('[model]', `the read model (${knownModels(REPLAY_MODELS)})`)
    .option('--list', 'list the read models that can be replayed', false)
    .option('--fresh', 'start from offset zero, discarding what an interrupted replay built', false)
    .option('--no-swap', 'build beside the live collections and print their names, without swapping them in')
    .option('--json', 'print the summary (or the list) as JSON', false)
    .option('--no-progress', 'no progress output (a bar on a terminal, else a line every 2 s)')
    .addOption(new Option('--brokers <host:port,...>', 'Kafka bootstrap servers').default(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092'))
    .addOption(new Option('--mongo-url <url>', 'the store').default(process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27018/'))
    .addOption(new Option('--db <name>', 'the database of the read models').default(process.env['MONGO_DB'] ?? 'vdx'))
    .action(async (model: string | undefined, o: ParsedOptions) => {
      const plan = planReplayCommand(model, o.list);
      if (plan.list) {
        process.stdout.write(`${listLines(o.json).join('\n')}\n`);
        return;
      }
      const progress = !o.progress ? 'none' : process.stderr.isTTY ? 'bar' : 'lines';
      const summary = await run(plan.model, { brokers: o.brokers, mongoUrl: o.mongoUrl, db: o.db, fresh: o.fresh, swap: o.swap, json: o.json, progress });
      printReplaySummary(summary, o.json);
    });
}
