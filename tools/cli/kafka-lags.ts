// `vdx kafka lags`: where every consumer group stands on the axis's topics, read from the broker
// (committed offsets beside each partition's end), not from the services' own metrics: a step
// that has stopped taking batches stops updating its lag gauge, but not the broker's offsets.
import { behindBy, consumerLags, formatLags, type GroupLag, type KafkaSettings } from '@vdx/messaging';
import { Option, type Command } from 'commander';

/** What the command runs; tests pass their own. */
export interface KafkaLagsDeps {
  readonly lags: (settings: KafkaSettings, prefix: string) => Promise<GroupLag[]>;
}

const KAFKA_DEPS: KafkaLagsDeps = { lags: consumerLags };

interface LagsOptions {
  brokers: string;
  prefix: string;
  behind: boolean;
  json: boolean;
}

/** The groups more than one record behind on some partition. */
export function behindGroups(lags: readonly GroupLag[]): Set<string> {
  return new Set(lags.filter((l) => behindBy(l) > 1).map((l) => l.group));
}

/**
 * The lines of `vdx kafka lags`: {@link formatLags}'s, only the groups with a partition more than
 * one record behind when `behind`, and a last line saying how many groups are behind and by how
 * many records in all.
 */
export function lagsLines(lags: readonly GroupLag[], prefix: string, behind: boolean): string[] {
  if (lags.length === 0) return [`no consumer group has committed offsets on topics starting with ${prefix} (is this the right cluster, --brokers, and prefix, --prefix?)`];
  const groupsBehind = behindGroups(lags);
  const shown = behind ? lags.filter((l) => groupsBehind.has(l.group)) : lags;
  const lines = shown.length > 0 ? formatLags(shown).split('\n') : [];
  const records = lags.filter((l) => behindBy(l) > 1).reduce((n, l) => n + behindBy(l), 0);
  const groups = new Set(lags.map((l) => l.group)).size;
  lines.push(groupsBehind.size === 0 ? `${groups === 1 ? 'the one group' : `all ${groups} groups`} caught up (* more than one record behind, ~ one: often a transaction's end marker)` : `${groupsBehind.size} of ${groups} groups behind by ${records} records in all (* more than one record behind, ~ one: often a transaction's end marker)`);
  return lines;
}

/** Registers `vdx kafka lags`. */
export function registerKafkaCommands(program: Command, deps: KafkaLagsDeps = KAFKA_DEPS): void {
  const kafka = program.command('kafka').description("the axis's Kafka topics as the broker sees them");
  kafka
    .command('lags')
    .description("each consumer group's committed offset beside the end of every partition of the axis's topics (from the broker, nothing joined or committed)")
    .option('--prefix <prefix>', 'only topics whose name starts with this', 'vdx.')
    .option('--behind', 'only the groups more than one record behind on some partition (all their partitions shown)', false)
    .option('--json', 'one JSON object per group and partition: group, topic, partition, offset, end', false)
    .addOption(new Option('--brokers <host:port,...>', 'Kafka bootstrap servers').default(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092'))
    .action(async (o: LagsOptions) => {
      const lags = await deps.lags({ brokers: o.brokers, clientId: 'vdx-cli' }, o.prefix);
      const behind = behindGroups(lags);
      const lines = o.json ? lags.filter((l) => !o.behind || behind.has(l.group)).map((l) => JSON.stringify(l)) : lagsLines(lags, o.prefix, o.behind);
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    });
}
