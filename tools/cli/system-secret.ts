// `vdx system secret issue <systemId>`: a connected system's HMAC secret for the legacy VXP
// HTTP API, appended sealed to vdx.legacy-edge.events.v1 and printed once.
import { createKafka, ensureTopics, eventTopicSpec } from '@vdx/messaging';
import { appendSecretEvent, issueSecret, LEGACY_EDGE_EVENTS_TOPIC, SecretCipher, SecretRecord } from '@vdx/legacy-edge-feature';
import { InvalidArgumentError, Option, type Command } from 'commander';

const hours = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 24 * 365) throw new InvalidArgumentError('expected a number of hours from 0 to 8760');
  return n;
};

export interface IssueOptions {
  readonly brokers: string;
  readonly topic: string;
  readonly key: string;
  readonly overlapHours: number;
  readonly operator: string;
  readonly partitions: number;
}

/** Issues (or rotates) a system's secret; resolves with the secret, which is shown once and kept nowhere in clear. */
export async function issueSystemSecret(systemId: string, o: IssueOptions): Promise<{ secret: string; secretId: string; previousValidUntil: string }> {
  const cipher = SecretCipher.fromText(o.key);
  const kafka = createKafka({ brokers: o.brokers, clientId: 'vdx-cli-system-secret' });
  await ensureTopics(kafka, [eventTopicSpec(o.topic, o.partitions, 1)]);
  const record = new SecretRecord({ brokers: o.brokers, clientId: 'vdx-cli-system-secret' }, cipher, o.topic);
  await record.start();
  try {
    const { secret, event } = issueSecret(record.book, cipher, systemId, { now: new Date(), overlapMs: o.overlapHours * 3600_000, operator: o.operator });
    await appendSecretEvent(kafka, event, o.topic);
    return { secret, secretId: event.payload.secretId, previousValidUntil: event.payload.previousValidUntil };
  } finally {
    await record.stop();
  }
}

export function registerSystemCommands(program: Command): void {
  const system = program.command('system').description('connected systems');
  const secret = system.command('secret').description("a system's secret for the legacy VXP HTTP API");
  secret
    .command('issue')
    .description('issue a new HMAC secret (a rotation when the system has one: the old one stays valid for the overlap); printed once')
    .argument('<systemId>', 'the connected system (its XroadVnpt-systemid)')
    .addOption(new Option('--brokers <host:port,...>', 'Kafka bootstrap servers').default(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092'))
    .addOption(new Option('--key <key>', 'the legacy edge\'s LEGACY_SECRET_KEY (64 hex digits or base64 of 32 bytes)').env('LEGACY_SECRET_KEY').makeOptionMandatory())
    .option('--topic <topic>', 'the secrets\' record', process.env['LEGACY_EDGE_EVENTS_TOPIC'] ?? LEGACY_EDGE_EVENTS_TOPIC)
    .option('--overlap-hours <h>', 'how long the previous secret stays valid (0 ends it at once)', hours, 24)
    .option('--partitions <n>', 'partitions of the record if it has to be created', (v) => Number(v), Number(process.env['TOPIC_PARTITIONS'] ?? 6))
    .option('--operator <name>', 'recorded with the event', process.env['USER'] ?? 'operator')
    .action(async (systemId: string, o: IssueOptions) => {
      const issued = await issueSystemSecret(systemId, o);
      process.stdout.write(`secret of ${systemId} (shown once; give it to the system's operator):\n${issued.secret}\n`);
      process.stderr.write(`secret id ${issued.secretId}; earlier secrets valid until ${issued.previousValidUntil}\n`);
    });
}
