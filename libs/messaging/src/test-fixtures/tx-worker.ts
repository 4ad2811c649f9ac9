// A transactional consume–produce worker run as its own process by transactional.int.spec.ts.
// It maps each input probe to one output probe; with CRASH_ON_BATCH=n it exits hard after the
// n-th batch's outputs and offsets are sent to the transaction but before the commit.
import { ProbeRecordedEvent, createEvent, isEvent } from '@vdx/contracts';
import { loadConfig } from '@vdx/config';
import { z } from 'zod';
import { TransactionalProcessor, createKafka } from '../index';

const env = loadConfig(
  'tx-worker',
  z.object({
    KAFKA_BROKERS: z.string(),
    IN_TOPIC: z.string(),
    OUT_TOPIC: z.string(),
    GROUP_ID: z.string(),
    CRASH_ON_BATCH: z.coerce.number().int().default(0),
  }),
);
let batches = 0;
const processor = new TransactionalProcessor(
  createKafka({ brokers: env.KAFKA_BROKERS, clientId: 'tx-worker' }),
  async ({ event }) => {
    if (!isEvent(ProbeRecordedEvent, event)) return [];
    const out = createEvent(ProbeRecordedEvent, {
      aggregateId: event.aggregateId,
      aggregateSeq: event.aggregateSeq,
      payload: { ...event.payload, note: `out-of-${event.eventId}` },
      actor: { kind: 'system', id: 'tx-worker' },
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
    return [{ topic: env.OUT_TOPIC, event: out }];
  },
  {
    groupId: env.GROUP_ID,
    topics: [env.IN_TOPIC],
    transactionalId: `${env.GROUP_ID}-0`,
    sessionTimeoutMs: 6000,
    maxBatchSize: 100,
    beforeCommit: async ({ outputs }) => {
      batches += 1;
      process.stdout.write(`batch ${batches} sent ${outputs} output(s)\n`);
      if (env.CRASH_ON_BATCH > 0 && batches === env.CRASH_ON_BATCH) {
        process.stdout.write('crashing before commit\n');
        process.exit(137);
      }
    },
  },
);
processor.start().then(
  () => process.stdout.write('worker started\n'),
  (err: unknown) => {
    process.stderr.write(`worker failed: ${String(err)}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => void processor.stop().then(() => process.exit(0)));
