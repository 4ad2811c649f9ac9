import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { EventCodec, catalogue, deadLetterTopic } from '@vdx/contracts';
import { codeLabel, silentLogger, type Logger, type PipelineMetrics } from '@vdx/observability';
import { LaneGovernor } from './lane-governor';
import { RecordPipeline, recordsOf } from './batch-handling';
import { DLQ_HEADERS, type DeadLetter } from './dead-letter';
import { DURABLE_PRODUCER_CONFIG } from './event-producer';
import type { Kafka, KafkaConsumer, KafkaProducer } from './kafka-client';
import { nextOffset, type ConsumedEvent } from './records';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { deadLetterTopicSpec, ensureTopics } from './topic-admin';
import { inBatchSpan, inConsumerSpan, tracingEnabled } from './tracing';

/** What a consumer does with events. `handleBatch` is the fast path; `handle` isolates a failure. */
export interface EventHandler {
  handle(item: ConsumedEvent): Promise<void>;
  /** Optional: all decoded events of one partition batch at once; must be all-or-nothing idempotent. */
  handleBatch?(items: readonly ConsumedEvent[]): Promise<void>;
}

export interface EventConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly retry?: RetryPolicy;
  /** Where a new group starts: the log of record is read from its beginning unless told otherwise. */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly maxBatchSize?: number;
  readonly logger?: Logger;
  readonly metrics?: PipelineMetrics;
  /** Replication factor of the dead-letter topic if this consumer has to create it. */
  readonly replicationFactor?: number;
  /**
   * `range` gives one member the same partition number of every subscribed topic (co-partitioned
   * inputs, as a partition owner needs); the default is round robin.
   */
  readonly assignor?: 'range' | 'roundrobin';
  /** Told of every rebalance: the partitions given to this member, or taken from it. */
  readonly onRebalance?: (change: 'assigned' | 'revoked', partitions: readonly { topic: string; partition: number }[]) => void;
}

/**
 * Counts one committed partition batch: its records by outcome, its dead letters by code, the
 * time since `startedNs` and the partition's lag (from the high watermark the client already
 * holds for the batch: no request to the broker). Nothing is counted for a batch left undecided.
 */
export function observeBatch(metrics: PipelineMetrics | undefined, group: string, batch: KafkaJS.Batch, dead: readonly DeadLetter[], startedNs: bigint): void {
  if (!metrics) return;
  const { topic } = batch;
  metrics.batchSeconds.observe({ group, topic }, Number(process.hrtime.bigint() - startedNs) / 1e9);
  const handled = batch.messages.length - dead.length;
  if (handled > 0) metrics.consumed.inc({ topic, group, outcome: 'handled' }, handled);
  if (dead.length > 0) {
    metrics.consumed.inc({ topic, group, outcome: 'dead-lettered' }, dead.length);
    for (const d of dead) metrics.deadLettered.inc({ topic, group, code: codeLabel(d.headers[DLQ_HEADERS.code]) });
  }
  const high = Number(batch.highWatermark);
  const last = Number(batch.messages[batch.messages.length - 1]!.offset);
  if (Number.isSafeInteger(high) && high >= 0) metrics.setLag(group, topic, batch.partition, Math.max(0, high - last - 1));
}

const ASSIGN_PARTITIONS = -175;

/** Settings of every consumer: only committed transactional data, offsets committed by us after the work is done. */
export function consumerConfig(opts: EventConsumerOptions): KafkaJS.ConsumerConstructorConfig {
  const onRebalance = opts.onRebalance;
  return {
    'isolation.level': 'read_committed',
    'js.consumer.max.batch.size': opts.maxBatchSize ?? 500,
    ...(onRebalance
      ? {
          rebalance_cb: (err: { code: number }, assignment: { topic: string; partition: number }[]) =>
            onRebalance(err.code === ASSIGN_PARTITIONS ? 'assigned' : 'revoked', assignment.map(({ topic, partition }) => ({ topic, partition }))),
        }
      : {}),
    kafkaJS: {
      groupId: opts.groupId,
      fromBeginning: opts.fromBeginning ?? true,
      autoCommit: false,
      sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
      ...(opts.assignor ? { partitionAssigners: [opts.assignor as KafkaJS.PartitionAssigners] } : {}),
    },
  };
}

/**
 * At-least-once consumer with bounded retry and a dead-letter topic: a message that cannot be
 * decoded, or fails `retry.maxAttempts` times, is appended with its reason to
 * `vdx.dlq.<group>` and the consumer moves on. Offsets are committed only after the batch's
 * work and dead letters are durable, so handlers must be idempotent.
 */
export class EventConsumer {
  private consumer: KafkaConsumer | null = null;
  private dlqProducer: KafkaProducer | null = null;
  private readonly abort = new AbortController();
  private readonly pipeline: RecordPipeline;
  private readonly logger: Logger;
  private readonly lanes: LaneGovernor;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly handler: EventHandler,
    private readonly opts: EventConsumerOptions,
    codec = new EventCodec(catalogue),
  ) {
    this.logger = opts.logger ?? silentLogger;
    // Metrics are counted per batch here (observeBatch), not per record in the pipeline.
    this.pipeline = new RecordPipeline(opts.groupId, codec, opts.retry ?? DEFAULT_RETRY, this.abort.signal, this.logger);
    this.lanes = new LaneGovernor(kafka, opts.groupId, opts.topics);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [deadLetterTopicSpec(deadLetterTopic(this.opts.groupId), this.opts.replicationFactor ?? 1)]);
    this.dlqProducer = this.kafka.producer(DURABLE_PRODUCER_CONFIG);
    await this.dlqProducer.connect();
    this.consumer = this.kafka.consumer(consumerConfig(this.lanes.watching(this.opts)));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.opts.topics] });
    await this.lanes.start(this.consumer);
    const consumer = this.consumer;
    this.unwatch = this.opts.metrics?.watchAssignment(this.opts.groupId, () => consumer.assignment());
    await this.consumer.run({ eachBatch: (payload) => this.onBatch(payload) });
  }

  private async onBatch({ batch, isStale }: KafkaJS.EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    // Urgent records waiting: the normal lane is paused and this batch is read again later.
    if (await this.lanes.yieldsTo(batch.topic)) return;
    const started = process.hrtime.bigint();
    const dead: DeadLetter[] = [];
    const items = this.pipeline.decode(recordsOf(batch), dead);
    await this.apply(items, dead);
    await this.sendDeadLetters(dead);
    if (isStale()) return; // the partition moved to another member; it will redo this batch idempotently
    // Stopped while the batch ran: leave it uncommitted, the next start redoes it idempotently.
    const consumer = this.consumer;
    if (consumer === null || this.abort.signal.aborted) return;
    const last = batch.messages[batch.messages.length - 1]!;
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset(last.offset) }]).catch((err: unknown) => {
      this.opts.metrics?.kafkaErrors.inc({ op: 'commit' });
      throw err;
    });
    observeBatch(this.opts.metrics, this.opts.groupId, batch, dead, started);
  }

  private async apply(items: ConsumedEvent[], dead: DeadLetter[]): Promise<void> {
    const { handleBatch } = this.handler;
    const { groupId } = this.opts;
    const tracing = tracingEnabled();
    if (handleBatch && items.length > 1) {
      try {
        const batch = () => this.pipeline.runTransient(() => handleBatch.call(this.handler, items));
        await (tracing ? inBatchSpan(items, groupId, batch) : batch());
        return;
      } catch (err) {
        if (this.abort.signal.aborted) throw err;
        this.logger.warn(`batch of ${items.length} failed (${(err as Error).message}); handling one by one`, this.opts.groupId);
      }
    }
    for (const item of items) {
      const one = () => this.pipeline.runOne(item, (i) => this.handler.handle(i), dead);
      await (tracing ? inConsumerSpan(item, groupId, one) : one());
    }
  }

  private async sendDeadLetters(dead: readonly DeadLetter[]): Promise<void> {
    if (dead.length === 0) return;
    await this.pipeline.runTransient(() =>
      this.dlqProducer!.send({
        topic: dead[0]!.topic,
        messages: dead.map((d) => ({ key: d.key, value: d.value, headers: d.headers })),
      }).catch((err: unknown) => {
        this.opts.metrics?.kafkaErrors.inc({ op: 'dead-letter' });
        throw err;
      }),
    );
  }

  /** Stops consuming; work in flight is abandoned uncommitted and will be redone. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.unwatch?.();
    this.unwatch = undefined;
    await this.lanes.stop();
    const consumer = this.consumer;
    const producer = this.dlqProducer;
    this.consumer = null;
    this.dlqProducer = null;
    await consumer?.disconnect().catch((err: unknown) => this.logger.warn(`disconnect: ${(err as Error).message}`, this.opts.groupId));
    await producer?.disconnect().catch(() => undefined);
  }
}
