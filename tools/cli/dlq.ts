// `vdx dlq topics` and `vdx dlq replay <group>`: the Kafka dead-letter topics `vdx.dlq.<group>`
// where consumers park poison messages: what they hold, and sending chosen ones back to their
// source topic. Dead-lettered *deliveries* (pushes that gave up) are `vdx deliveries`.
import { CodedError } from '@vdx/contracts/errors';
import {
  DLQ_REPLAYS_TOPIC,
  DeadLetterError,
  inspectDeadLetters,
  replayDeadLetters,
  replayedText,
  type DeadLetterGroupReport,
  type InspectDeadLettersOptions,
  type InspectedPoisonMessage,
  type KafkaSettings,
  type ReplayDeadLettersOptions,
  type ReplayDeadLettersResult,
  type ReplayOutcome,
} from '@vdx/messaging';
import { InvalidArgumentError, Option, type Command } from 'commander';

/** A usage error of `vdx dlq` itself (the library's refusals are `DeadLetterError`). */
export class DlqCommandError extends CodedError<'DLQ.COMMAND_MOVED'> {
  override readonly name = 'DlqCommandError';
  constructor(message: string) {
    super('DLQ.COMMAND_MOVED', message);
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One poison message as `vdx dlq topics` prints it; the id is what `--id` takes. */
export function poisonLine(m: InspectedPoisonMessage): string {
  const from = m.source ? `from ${m.source.topic}/${m.source.partition}/${m.source.offset}` : 'NO SOURCE (cannot be replayed)';
  const why = `${m.code ?? 'no code'}${m.attempts === null ? '' : ` after ${plural(m.attempts, 'attempt')}`}: ${m.reason ?? 'no reason given'}`;
  const notes = [m.replayedFrom ? `failed again after the replay of ${m.replayedFrom}` : null, m.replay ? replayedText(m.replay) : null].filter((n) => n !== null);
  return [`  ${m.id}`, `at ${m.at ?? '?'}`, `key ${m.key ?? '(none)'}`, from, why, ...notes.map((n) => `[${n}]`)].join('  ');
}

/** The text of `vdx dlq topics`: a line per topic, its messages under it, then the totals. */
export function topicsLines(reports: readonly DeadLetterGroupReport[]): string[] {
  if (reports.length === 0) return ['no dead-letter topics (vdx.dlq.*): no consumer has started, or this is not the right cluster (--brokers)'];
  const lines: string[] = [];
  for (const r of reports) {
    const count = r.count === 0 ? 'no poison messages' : `${plural(r.count, 'poison message')}${r.replayed > 0 ? `, ${r.replayed} replayed` : ''}`;
    lines.push(`${r.topic}: ${count}`);
    lines.push(...r.messages.map(poisonLine));
    if (r.count > r.messages.length) lines.push(`  … and ${r.count - r.messages.length} more (--limit)`);
  }
  const total = reports.reduce((n, r) => n + r.count, 0);
  lines.push(total === 0 ? `no poison messages in ${plural(reports.length, 'dead-letter topic')}` : `${plural(total, 'poison message')} in ${plural(reports.filter((r) => r.count > 0).length, 'dead-letter topic')} (of ${reports.length})`);
  return lines;
}

/** `vdx dlq topics --json`: one object per topic, its messages inside. */
export function topicsJson(reports: readonly DeadLetterGroupReport[]): string[] {
  return reports.map((r) => JSON.stringify(r));
}

/** One handled message of `vdx dlq replay`. */
export function outcomeLine(o: ReplayOutcome, json: boolean): string {
  if (json) {
    return JSON.stringify(
      o.status === 'replayed'
        ? { id: o.message.id, topic: o.message.topic, status: o.status, to: o.to, key: o.message.key, marker: o.marker }
        : { id: o.message.id, topic: o.message.topic, status: o.status, code: o.code, reason: o.reason },
    );
  }
  return o.status === 'replayed' ? `${o.message.id}  replayed to ${o.to.topic}/${o.to.partition} (key ${o.message.key ?? '(none)'})` : `${o.message.id}  skipped, ${o.code}: ${o.reason}`;
}

export function replaySummaryLine(r: ReplayDeadLettersResult): string {
  return `replayed ${plural(r.replayed, 'poison message')} of ${r.topic} to their source topics${r.skipped > 0 ? ` (${r.skipped} skipped)` : ''}; ${DLQ_REPLAYS_TOPIC} records them`;
}

export function replayProgressLine(topic: string, handled: number, total: number, perSecond: number): string {
  const pct = total === 0 ? 100 : Math.floor((handled / total) * 100);
  return `replaying ${topic}: ${handled}/${total} (${pct}%), ${Math.round(perSecond)} messages/s`;
}

/** A refusal with the command that shows what to choose from; other errors pass unchanged. */
export function withDlqHint(err: unknown, group: string): unknown {
  if (!(err instanceof DeadLetterError)) return err;
  const hint = err.code === 'DLQ.UNKNOWN_GROUP' ? '`vdx dlq topics` lists the dead-letter topics' : err.code === 'DLQ.NOT_FOUND' ? `\`vdx dlq topics --group ${group}\` shows the ids` : null;
  return hint ? new DeadLetterError(err.code, `${err.message} — ${hint}`, { path: err.path }) : err;
}

const LINE_EVERY_MS = 2000;

/** Progress on stderr every ~2 s: a replay that ends sooner prints none. */
function progressLines(topic: string): (handled: number, total: number) => void {
  const began = Date.now();
  let last = began;
  return (handled, total) => {
    const t = Date.now();
    if (t - last < LINE_EVERY_MS) return;
    last = t;
    process.stderr.write(`${replayProgressLine(topic, handled, total, (handled * 1000) / Math.max(1, t - began))}\n`);
  };
}

const wholeNumber = (min: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number, ${min} or more`);
  return n;
};

const settingsOf = (brokers: string): KafkaSettings => ({ brokers, clientId: 'vdx-cli' });

/** What the commands run; tests pass their own. */
export interface DlqDeps {
  readonly inspect: (settings: KafkaSettings, opts: InspectDeadLettersOptions) => Promise<DeadLetterGroupReport[]>;
  readonly replay: (settings: KafkaSettings, opts: ReplayDeadLettersOptions) => Promise<ReplayDeadLettersResult>;
}

const KAFKA_DEPS: DlqDeps = { inspect: inspectDeadLetters, replay: replayDeadLetters };

interface TopicsOptions {
  brokers: string;
  group?: string;
  limit: number;
  json: boolean;
}

interface ReplayOptions {
  brokers: string;
  id?: string[];
  all: boolean;
  again: boolean;
  operator: string;
  replicationFactor: number;
  json: boolean;
  progress: boolean;
}

/** Registers `vdx dlq topics|replay`, and points the old `dlq list|redrive` to `vdx deliveries`. */
export function registerDlqCommands(program: Command, deps: DlqDeps = KAFKA_DEPS): void {
  const dlq = program.command('dlq').description('the Kafka dead-letter topics vdx.dlq.<group>: list their poison messages, replay them to their source topic');
  const brokers = () => new Option('--brokers <host:port,...>', 'Kafka bootstrap servers').default(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092');
  dlq
    .command('topics')
    .description('list the dead-letter topics and, per group, its poison messages (read to the end, nothing committed)')
    .option('--group <group>', 'only this consumer group (or its topic vdx.dlq.<group>)')
    .option('--limit <n>', 'at most this many messages per group (counts are complete)', wholeNumber(0), 100)
    .option('--json', 'one JSON object per topic, its messages inside', false)
    .addOption(brokers())
    .action(async (o: TopicsOptions) => {
      const reports = await deps.inspect(settingsOf(o.brokers), { limit: o.limit, ...(o.group !== undefined ? { group: o.group } : {}) }).catch((err: unknown) => {
        throw withDlqHint(err, o.group ?? '');
      });
      const lines = o.json ? topicsJson(reports) : topicsLines(reports);
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    });
  dlq
    .command('replay')
    .description('send poison messages back to their source topic with their original key, value and headers; each is recorded, and not replayed twice unless --again')
    .argument('<group>', 'the consumer group (or its topic vdx.dlq.<group>)')
    .option('--id <ids...>', 'the messages: <offset> or <partition>:<offset>, as `vdx dlq topics` shows them')
    .option('--all', 'every message of the group not replayed yet', false)
    .option('--again', 'replay messages that were replayed already', false)
    .option('--operator <name>', 'recorded with each replay', process.env['USER'] ?? 'operator')
    .option('--json', 'one JSON object per message', false)
    .option('--no-progress', 'no progress lines on stderr')
    .addOption(new Option('--replication-factor <n>', `of ${DLQ_REPLAYS_TOPIC} if it must be created`).argParser(wholeNumber(1)).default(Number(process.env['TOPIC_REPLICATION_FACTOR'] ?? 1)))
    .addOption(brokers())
    .action(async (group: string, o: ReplayOptions) => {
      const result = await deps.replay(settingsOf(o.brokers), {
        group,
        ids: o.id ?? [],
        all: o.all,
        again: o.again,
        operator: o.operator,
        replicationFactor: o.replicationFactor,
        onOutcome: (outcome) => process.stdout.write(`${outcomeLine(outcome, o.json)}\n`),
        ...(o.progress ? { onProgress: progressLines(group) } : {}),
      }).catch((err: unknown) => {
        throw withDlqHint(err, group);
      });
      if (!o.json) process.stdout.write(`${replaySummaryLine(result)}\n`);
    });
  // Hidden: an operator's `vdx dlq list` gets told where it went rather than "unknown command".
  for (const [old, now] of [
    ['list', 'deliveries dead'],
    ['redrive', 'deliveries redrive'],
  ] as const) {
    dlq
      .command(old, { hidden: true })
      .argument('[args...]')
      .allowUnknownOption()
      .action(() => {
        throw new DlqCommandError(`\`vdx dlq ${old}\` (dead-lettered deliveries) is now \`vdx ${now}\`; \`vdx dlq\` is for the Kafka dead-letter topics (topics, replay)`);
      });
  }
}
