import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { EventCodec, catalogue, deadLetterTopic } from '@vdx/contracts';
import { takeGroup, unlessYielding, type WaitingBatch } from './batch-groups';
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
  /**
   * Records one group may hold: the group commit takes the partition batches waiting, up to
   * this many records (at least one batch). Default `maxBatchSize`, so a consumer catching up
   * handles one full partition batch at a time; a projection whose writes fold per document
   * across partitions takes several.
   */
  readonly maxGroupRecords?: number;
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
  /**
   * How many partitions' batches may be taken at once. Batches that arrive together are handled
   * as one and committed in one request (in one transaction by `TransactionalProcessor`): a
   * projection then writes one command per collection for all of them (default 16; 1: one
   * partition batch at a time).
   */
  readonly partitionsAtOnce?: number;
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
export const DEFAULT_PARTITIONS_AT_ONCE = 16;
const DEFAULT_MAX_BATCH_SIZE = 500;

/** One partition batch waiting for the group it is handled in. */
interface PendingBatch extends WaitingBatch {
  readonly isStale: () => boolean;
  readonly items: ConsumedEvent[];
  /** Its undecodable records, and then those its items' handling dead-letters. */
  readonly dead: DeadLetter[];
  readonly started: bigint;
}

/** Settings of every consumer: only committed transactional data, offsets committed by us after the work is done. */
export function consumerConfig(opts: EventConsumerOptions): KafkaJS.ConsumerConstructorConfig {
  const onRebalance = opts.onRebalance;
  return {
    'isolation.level': 'read_committed',
    'js.consumer.max.batch.size': opts.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
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
  /** Batches handed over by the client's workers, waiting for the next group. */
  private pending: PendingBatch[] = [];
  private grouping: Promise<void> | null = null;

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
    await this.consumer.run({ eachBatch: (payload) => this.onBatch(payload), partitionsConsumedConcurrently: Math.max(1, this.opts.partitionsAtOnce ?? DEFAULT_PARTITIONS_AT_ONCE) });
  }

  /**
   * One partition batch from one of the client's workers (one per partition at a time, up to
   * `partitionsAtOnce` at once). It joins the next group and resolves once that group's work is
   * done and its offsets committed; a rejection makes the client read the batch again.
   */
  private async onBatch({ batch, isStale }: KafkaJS.EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const started = process.hrtime.bigint();
    const dead: DeadLetter[] = [];
    const items = this.pipeline.decode(recordsOf(batch), dead);
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, isStale, items, dead, started, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      this.group();
    });
  }

  /**
   * Group commit: while one group is handled, the batches that arrive wait and form the next.
   * A group starts a macrotask after its first batch, so the batches the client's other workers
   * hold at that moment join it.
   */
  private group(): void {
    if (this.grouping !== null) return;
    this.grouping = (async () => {
      await new Promise<void>((r) => setImmediate(r));
      while (this.pending.length > 0) {
        const group = await unlessYielding(this.lanes, takeGroup(this.pending, this.opts.maxGroupRecords ?? this.opts.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE), this.pending);
        if (group.length > 0) await this.handleGroup(group);
      }
    })().finally(() => {
      this.grouping = null;
      if (this.pending.length > 0) this.group();
    });
  }

  private async handleGroup(group: readonly PendingBatch[]): Promise<void> {
    let failure: unknown;
    try {
      const committed = await this.handleAndCommit(group);
      for (const p of committed) observeBatch(this.opts.metrics, this.opts.groupId, p.batch, p.dead, p.started);
    } catch (err) {
      failure = err ?? new Error('batch failed');
    }
    for (const p of group) p.settle(failure);
  }

  /** Handles a group's items, dead-letters what failed, and commits its offsets in one request; answers the batches committed. */
  private async handleAndCommit(group: readonly PendingBatch[]): Promise<PendingBatch[]> {
    await this.apply(group);
    await this.sendDeadLetters(group.flatMap((p) => p.dead));
    // A partition that moved to another member is left uncommitted: that member redoes it idempotently.
    const live = group.filter((p) => !p.isStale());
    // Stopped while the group ran: leave it uncommitted, the next start redoes it idempotently.
    const consumer = this.consumer;
    if (live.length === 0 || consumer === null || this.abort.signal.aborted) return [];
    const offsets = live.map(({ batch }) => ({ topic: batch.topic, partition: batch.partition, offset: nextOffset(batch.messages[batch.messages.length - 1]!.offset) }));
    await consumer.commitOffsets(offsets).catch((err: unknown) => {
      this.opts.metrics?.kafkaErrors.inc({ op: 'commit' });
      throw err;
    });
    return live;
  }

  /** All items of the group at once when the handler takes batches; one by one, each with its own retries and dead letter, when that fails. */
  private async apply(group: readonly PendingBatch[]): Promise<void> {
    const { handleBatch } = this.handler;
    const { groupId } = this.opts;
    const tracing = tracingEnabled();
    const items = group.length === 1 ? group[0]!.items : group.flatMap((p) => p.items);
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
    for (const p of group) {
      for (const item of p.items) {
        const one = () => this.pipeline.runOne(item, (i) => this.handler.handle(i), p.dead);
        await (tracing ? inConsumerSpan(item, groupId, one) : one());
      }
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
