import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { EventCodec, catalogue, deadLetterTopic } from '@vdx/contracts';
import { silentLogger, type Logger, type PipelineMetrics } from '@vdx/observability';
import { RecordPipeline, recordsOf } from './batch-handling';
import type { DeadLetter } from './dead-letter';
import { consumerConfig, observeBatch, type EventConsumerOptions } from './event-consumer';
import type { Outgoing } from './event-producer';
import type { Kafka, KafkaConsumer, KafkaProducer } from './kafka-client';
import { nextOffset, type ConsumedEvent } from './records';
import { DEFAULT_RETRY } from './retry';
import { LaneGovernor } from './lane-governor';
import { deadLetterTopicSpec, ensureTopics } from './topic-admin';

/** Decides, for one consumed event, which events to append (possibly none). */
export type ProcessFn = (item: ConsumedEvent) => Promise<readonly Outgoing[]>;

export interface TransactionalProcessorOptions extends EventConsumerOptions {
  /**
   * Stable per instance across restarts (e.g. `<group>-<ordinal>`): a restarted instance fences
   * its predecessor and aborts whatever transaction that one left open.
   */
  readonly transactionalId: string;
  /** Called after the outputs are sent and before the transaction commits (a seam for fault tests). */
  readonly beforeCommit?: (info: { topic: string; partition: number; outputs: number }) => Promise<void>;
  /** Called before a batch is decided (a partition owner loads the partition's state here). */
  readonly beforeBatch?: (info: { topic: string; partition: number }) => Promise<void>;
  /** Called once the batch's transaction committed (true) or was abandoned (false). */
  readonly afterBatch?: (info: { topic: string; partition: number; committed: boolean }) => void;
}

/**
 * Consume–decide–produce exactly once (docs/architecture.md invariant 2): each partition batch's
 * output events, dead letters and input offsets are committed in one Kafka transaction, so a
 * crash anywhere either loses the whole step (it is redone) or none of it.
 */
export class TransactionalProcessor {
  private consumer: KafkaConsumer | null = null;
  private producer: KafkaProducer | null = null;
  /** Set when a transaction could not even be aborted: the producer's state is unknown. */
  private producerBroken = false;
  private readonly abort = new AbortController();
  private readonly pipeline: RecordPipeline;
  private readonly codec: EventCodec;
  private readonly logger: Logger;
  private readonly lanes: LaneGovernor;
  private readonly metrics: PipelineMetrics | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly process: ProcessFn,
    private readonly opts: TransactionalProcessorOptions,
    codec = new EventCodec(catalogue),
    metrics?: PipelineMetrics,
  ) {
    this.codec = codec;
    this.logger = opts.logger ?? silentLogger;
    this.metrics = metrics ?? opts.metrics;
    // Metrics are counted per committed batch (observeBatch), not per record in the pipeline.
    this.pipeline = new RecordPipeline(opts.groupId, codec, opts.retry ?? DEFAULT_RETRY, this.abort.signal, this.logger);
    this.lanes = new LaneGovernor(kafka, opts.groupId, opts.topics);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [deadLetterTopicSpec(deadLetterTopic(this.opts.groupId), this.opts.replicationFactor ?? 1)]);
    await this.renewProducer();
    this.consumer = this.kafka.consumer(consumerConfig(this.lanes.watching(this.opts)));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.opts.topics] });
    await this.lanes.start(this.consumer);
    const consumer = this.consumer;
    this.unwatch = this.metrics?.watchAssignment(this.opts.groupId, () => consumer.assignment());
    await this.consumer.run({ eachBatch: (payload) => this.onBatch(payload) });
  }

  private async onBatch({ batch, isStale }: KafkaJS.EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || isStale()) return;
    // Urgent records waiting: the normal lane is paused and this batch is read again later.
    if (await this.lanes.yieldsTo(batch.topic)) return;
    const at = { topic: batch.topic, partition: batch.partition };
    try {
      await this.decideAndCommit(batch);
    } catch (err) {
      this.opts.afterBatch?.({ ...at, committed: false });
      throw err;
    }
    this.opts.afterBatch?.({ ...at, committed: true });
  }

  private async decideAndCommit(batch: KafkaJS.Batch): Promise<void> {
    const started = process.hrtime.bigint();
    await this.opts.beforeBatch?.({ topic: batch.topic, partition: batch.partition });
    const dead: DeadLetter[] = [];
    const items = this.pipeline.decode(recordsOf(batch), dead);
    const outputs: Outgoing[] = [];
    for (const item of items) {
      await this.pipeline.runOne(item, async (i) => {
        outputs.push(...(await this.process(i)));
      }, dead);
    }
    const last = batch.messages[batch.messages.length - 1]!;
    if (this.producerBroken) await this.renewProducer();
    let txn: Awaited<ReturnType<KafkaProducer['transaction']>>;
    try {
      txn = await this.producer!.transaction();
    } catch (err) {
      this.producerBroken = true;
      this.metrics?.kafkaErrors.inc({ op: 'transaction' });
      throw err;
    }
    try {
      const byTopic = new Map<string, { key: string | null; value: Buffer | null; headers: Record<string, string> }[]>();
      const add = (topic: string, m: { key: string | null; value: Buffer | null; headers: Record<string, string> }): void => {
        const list = byTopic.get(topic);
        if (list) list.push(m);
        else byTopic.set(topic, [m]);
      };
      for (const o of outputs) {
        const encoded = this.codec.encode(o.event);
        add(o.topic, o.key === undefined ? encoded : { ...encoded, key: o.key });
      }
      for (const d of dead) add(d.topic, { key: d.key, value: d.value, headers: d.headers });
      for (const [topic, messages] of byTopic) await txn.send({ topic, messages });
      await txn.sendOffsets({
        consumer: this.consumer!,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset(last.offset) }] }],
      });
      await this.opts.beforeCommit?.({ topic: batch.topic, partition: batch.partition, outputs: outputs.length });
      await txn.commit();
      if (this.metrics) for (const [topic, messages] of byTopic) if (topic !== deadLetterTopic(this.opts.groupId)) this.metrics.produced.inc({ topic }, messages.length);
    } catch (err) {
      this.metrics?.kafkaErrors.inc({ op: 'transaction' });
      this.logger.warn(`transaction for ${batch.topic}/${batch.partition} aborted: ${(err as Error).message}`, this.opts.groupId);
      // A transaction that cannot even be aborted (the broker went away mid-commit) leaves the
      // producer in an unknown state: the next batch starts with a new one, whose
      // initialisation aborts whatever this one left open.
      const aborted = await txn.abort().then(
        () => true,
        () => false,
      );
      if (!aborted || (err as { fatal?: unknown }).fatal === true) this.producerBroken = true;
      // Rethrowing makes the client seek back: the batch is decided again in a new transaction.
      throw err;
    }
    observeBatch(this.metrics, this.opts.groupId, batch, dead, started);
  }

  /** Replaces the producer with a new one under the same transactional id (fencing the old). */
  private async renewProducer(): Promise<void> {
    const old = this.producer;
    this.producer = null;
    await old?.disconnect().catch(() => undefined);
    // A transaction left open by a killed instance holds back read_committed readers of its
    // output partitions until it times out: keep that short (a batch commits in well under it).
    const producer = this.kafka.producer({ 'transactional.id': this.opts.transactionalId, 'enable.idempotence': true, acks: -1, 'transaction.timeout.ms': 15_000, 'socket.timeout.ms': 15_000, 'linger.ms': 2 });
    await producer.connect();
    this.producer = producer;
    this.producerBroken = false;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.unwatch?.();
    this.unwatch = undefined;
    await this.lanes.stop();
    const consumer = this.consumer;
    const producer = this.producer;
    this.consumer = null;
    this.producer = null;
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
}
