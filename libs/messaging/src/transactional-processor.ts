import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ROOT_CONTEXT, context, type Context } from '@opentelemetry/api';
import { EventCodec, catalogue, deadLetterTopic } from '@vdx/contracts';
import { takeGroup, unlessYielding, type WaitingBatch } from './batch-groups';
import { CodedError } from '@vdx/contracts/errors';
import { silentLogger, type Logger, type PipelineMetrics } from '@vdx/observability';
import { RecordPipeline, recordsOf } from './batch-handling';
import type { DeadLetter } from './dead-letter';
import { DEFAULT_PARTITIONS_AT_ONCE, consumerConfig, observeBatch, type EventConsumerOptions } from './event-consumer';
import type { Outgoing } from './event-producer';
import type { Kafka, KafkaConsumer, KafkaProducer } from './kafka-client';
import { nextOffset, type ConsumedEvent } from './records';
import { DEFAULT_RETRY } from './retry';
import { LaneGovernor } from './lane-governor';
import { deadLetterTopicSpec, ensureTopics } from './topic-admin';
import { endSpans, inConsumerSpan, liveContext, startProducerSpans, tracingEnabled } from './tracing';

/** Decides, for one consumed event, which events to append (possibly none). */
export type ProcessFn = (item: ConsumedEvent) => Promise<readonly Outgoing[]>;

/**
 * Work a partition owner decides for its own callers, with no consumed record behind it (a
 * command received on the owner's API): the events to append and the answer its caller gets
 * once they are committed.
 */
export interface LocalWork<T> {
  readonly partition: number;
  readonly decide: () => { readonly outputs: readonly Outgoing[]; readonly answer: T } | Promise<{ readonly outputs: readonly Outgoing[]; readonly answer: T }>;
}

/** `runLocal` could not run the work here: this instance does not (or not yet) own the partition. The caller takes the long way. */
export class NotOwnedHere extends CodedError<'MESSAGING.NOT_OWNED_HERE'> {
  override readonly name = 'NotOwnedHere';
  constructor(readonly partition: number) {
    super('MESSAGING.NOT_OWNED_HERE', `partition ${partition} is not owned by this instance (or no batch of it has committed since its assignment)`);
  }
}

interface QueuedLocal {
  readonly work: LocalWork<unknown>;
  /** The caller's context (its span is the parent of what the work appends). */
  readonly ctx: Context;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** One partition batch waiting for the transaction it is decided in. */
interface PendingBatch extends WaitingBatch {
  readonly isStale: () => boolean;
}

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
  /** Batches and local work take turns: one at a time decides and commits. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Per owned partition, an input position this instance committed last (what local work re-commits to be fenced). */
  private readonly positions = new Map<number, { topic: string; offset: string }>();
  private localQueue: QueuedLocal[] = [];
  /** Batches handed over by the client's workers, waiting for their turn. */
  private pending: PendingBatch[] = [];
  private localScheduled = false;

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
    const told = this.opts.onRebalance;
    const watched = {
      ...this.opts,
      onRebalance: (change: 'assigned' | 'revoked', partitions: readonly { topic: string; partition: number }[]) => {
        // A position is only re-committed while the partition stays assigned since it was committed.
        for (const { partition } of partitions) this.positions.delete(partition);
        told?.(change, partitions);
      },
    };
    this.consumer = this.kafka.consumer(consumerConfig(this.lanes.watching(watched)));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.opts.topics] });
    await this.lanes.start(this.consumer);
    const consumer = this.consumer;
    this.unwatch = this.metrics?.watchAssignment(this.opts.groupId, () => consumer.assignment());
    await this.consumer.run({ eachBatch: (payload) => this.onBatch(payload), partitionsConsumedConcurrently: Math.max(1, this.opts.partitionsAtOnce ?? DEFAULT_PARTITIONS_AT_ONCE) });
  }

  /** Runs `fn` when no batch and no other local work is being decided or committed. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /**
   * One partition batch from one of the client's workers (one per partition at a time, several
   * partitions at once). It joins the next group: the batches waiting when a turn comes are
   * decided together and committed in one transaction. Resolves once that transaction committed;
   * a rejection makes the client read the batch again.
   */
  private onBatch({ batch, isStale }: KafkaJS.EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, isStale, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (this.pending.length === 1) void this.exclusive(() => this.decideWaiting());
    });
  }

  /**
   * The batches waiting, urgent lane first, up to `maxBatchSize` records (at least one batch)
   * and one per partition number, in one transaction; the rest wait for the next turn. Urgent records waiting pause the normal
   * lane, which seeks its partitions back to their committed offsets: every normal batch still
   * waiting is then let go undecided, to be read again once the lane resumes.
   */
  private async decideWaiting(): Promise<void> {
    // A macrotask after the first batch: the batches the client's other workers hold join it.
    await new Promise<void>((r) => setImmediate(r));
    // One batch per partition number: co-partitioned topics share a partition's state (a
    // partition owner's), which a turn decides batch after batch against what it staged.
    const taken = takeGroup(this.pending, this.opts.maxBatchSize ?? 500, true);
    if (this.pending.length > 0) void this.exclusive(() => this.decideWaiting());
    // A batch whose partition moved to another member is left to it, undecided.
    const live: PendingBatch[] = [];
    for (const p of taken) if (p.isStale()) p.settle();
    else live.push(p);
    const group = await unlessYielding(this.lanes, live, this.pending);
    if (group.length === 0) return;
    try {
      await this.decideAndCommit(group.map((p) => p.batch));
    } catch (err) {
      for (const p of group) this.opts.afterBatch?.({ topic: p.batch.topic, partition: p.batch.partition, committed: false });
      for (const p of group) p.settle(err ?? new Error('batch failed'));
      return;
    }
    for (const p of group) this.opts.afterBatch?.({ topic: p.batch.topic, partition: p.batch.partition, committed: true });
    for (const p of group) p.settle();
  }

  /**
   * Decides `work` on a partition this instance owns and commits its events in a transaction
   * that also re-commits the partition's last input position, so the group coordinator fences
   * it exactly as it fences a batch: an instance that lost the partition cannot append. Work
   * queued while a batch or other work runs is committed together in the next transaction (one
   * commit for many callers). Resolves with the work's answer once committed; rejects with
   * {@link NotOwnedHere} when the partition is not owned here (nothing changed), or with the
   * transaction's error (nothing changed; the caller may retry).
   */
  runLocal<T>(work: LocalWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.localQueue.push({ work, ctx: tracingEnabled() ? liveContext() : ROOT_CONTEXT, resolve: resolve as (a: unknown) => void, reject });
      if (this.localScheduled) return;
      this.localScheduled = true;
      void this.exclusive(() => this.flushLocal());
    });
  }

  private async flushLocal(): Promise<void> {
    this.localScheduled = false;
    const queue = this.localQueue;
    this.localQueue = [];
    if (queue.length === 0) return;
    const byPartition = new Map<number, QueuedLocal[]>();
    for (const q of queue) {
      const list = byPartition.get(q.work.partition);
      if (list) list.push(q);
      else byPartition.set(q.work.partition, [q]);
    }
    const outputs: Outgoing[] = [];
    const parents: Context[] = [];
    const tracing = tracingEnabled();
    const fence: { topic: string; partition: number; offset: string }[] = [];
    const decided: { q: QueuedLocal; outcome: { ok: true; answer: unknown } | { ok: false; err: unknown } }[] = [];
    const entered: { topic: string; partition: number }[] = [];
    try {
      for (const [partition, list] of byPartition) {
        const position = this.positions.get(partition);
        if (!position || this.producerBroken || this.abort.signal.aborted) {
          for (const q of list) q.reject(new NotOwnedHere(partition));
          continue;
        }
        const at = { topic: position.topic, partition };
        await this.opts.beforeBatch?.(at);
        entered.push(at);
        fence.push({ ...at, offset: position.offset });
        for (const q of list) {
          try {
            const r = await (tracing ? context.with(q.ctx, () => q.work.decide()) : q.work.decide());
            outputs.push(...r.outputs);
            if (tracing) for (let i = 0; i < r.outputs.length; i++) parents.push(q.ctx);
            decided.push({ q, outcome: { ok: true, answer: r.answer } });
          } catch (err) {
            decided.push({ q, outcome: { ok: false, err } });
          }
        }
      }
      if (outputs.length > 0) await this.commitLocal(outputs, fence, tracing ? parents : null);
    } catch (err) {
      for (const at of entered) this.opts.afterBatch?.({ ...at, committed: false });
      for (const { q } of decided) q.reject(err);
      return;
    }
    for (const at of entered) this.opts.afterBatch?.({ ...at, committed: true });
    // Answers (refusals included) are given only now: each was decided against state that is now committed.
    for (const { q, outcome } of decided) {
      if (outcome.ok) q.resolve(outcome.answer);
      else q.reject(outcome.err);
    }
  }

  private async commitLocal(outputs: readonly Outgoing[], fence: readonly { topic: string; partition: number; offset: string }[], parents: readonly Context[] | null): Promise<void> {
    const txn = await this.beginTransaction();
    // With tracing on, a PRODUCER span per output, child of the caller's span (tracing.ts).
    const traced = parents ? startProducerSpans(outputs, parents, true) : null;
    try {
      const byTopic = this.encodeByTopic(traced ? traced.map((t) => t.outgoing) : outputs, []);
      for (const [topic, messages] of byTopic) await txn.send({ topic, messages });
      const topics = new Map<string, { partition: number; offset: string }[]>();
      for (const f of fence) topics.set(f.topic, [...(topics.get(f.topic) ?? []), { partition: f.partition, offset: f.offset }]);
      await txn.sendOffsets({ consumer: this.consumer!, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
      await txn.commit();
      if (traced) endSpans(traced);
      if (this.metrics) for (const [topic, messages] of byTopic) this.metrics.produced.inc({ topic }, messages.length);
    } catch (err) {
      if (traced) endSpans(traced, err);
      await this.abandon(txn, err, 'local work');
      throw err;
    }
  }

  private async beginTransaction(): Promise<Awaited<ReturnType<KafkaProducer['transaction']>>> {
    if (this.producerBroken) await this.renewProducer();
    try {
      return await this.producer!.transaction();
    } catch (err) {
      this.producerBroken = true;
      this.metrics?.kafkaErrors.inc({ op: 'transaction' });
      throw err;
    }
  }

  private encodeByTopic(outputs: readonly Outgoing[], dead: readonly DeadLetter[]): Map<string, { key: string | null; value: Buffer | null; headers: Record<string, string> }[]> {
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
    return byTopic;
  }

  /** Aborts a failed transaction; one that cannot even be aborted leaves the producer to be renewed. */
  private async abandon(txn: Awaited<ReturnType<KafkaProducer['transaction']>>, err: unknown, what: string): Promise<void> {
    this.metrics?.kafkaErrors.inc({ op: 'transaction' });
    this.logger.warn(`transaction for ${what} aborted: ${(err as Error).message}`, this.opts.groupId);
    // A transaction that cannot even be aborted (the broker went away mid-commit) leaves the
    // producer in an unknown state: the next transaction starts with a new producer, whose
    // initialisation aborts whatever this one left open.
    const aborted = await txn.abort().then(
      () => true,
      () => false,
    );
    if (!aborted || (err as { fatal?: unknown }).fatal === true) this.producerBroken = true;
  }

  private async decideAndCommit(batches: readonly KafkaJS.Batch[]): Promise<void> {
    const started = process.hrtime.bigint();
    const outputs: Outgoing[] = [];
    const dead: DeadLetter[] = [];
    const deadOf: DeadLetter[][] = [];
    // With tracing on, a CONSUMER span per record, parent of the PRODUCER spans of its outputs (tracing.ts).
    const tracing = tracingEnabled();
    const parents: Context[] = [];
    for (const batch of batches) {
      await this.opts.beforeBatch?.({ topic: batch.topic, partition: batch.partition });
      const own: DeadLetter[] = [];
      const items = this.pipeline.decode(recordsOf(batch), own);
      for (const item of items) {
        const one = (ctx?: Context) =>
          this.pipeline.runOne(item, async (i) => {
            const out = await this.process(i);
            outputs.push(...out);
            if (ctx) for (let n = 0; n < out.length; n++) parents.push(ctx);
          }, own);
        await (tracing ? inConsumerSpan(item, this.opts.groupId, one) : one());
      }
      deadOf.push(own);
      dead.push(...own);
    }
    const txn = await this.beginTransaction();
    const traced = tracing ? startProducerSpans(outputs, parents, true) : null;
    const offsets = batches.map((b) => ({ topic: b.topic, partition: b.partition, offset: nextOffset(b.messages[b.messages.length - 1]!.offset) }));
    try {
      const byTopic = this.encodeByTopic(traced ? traced.map((t) => t.outgoing) : outputs, dead);
      for (const [topic, messages] of byTopic) await txn.send({ topic, messages });
      const topics = new Map<string, { partition: number; offset: string }[]>();
      for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
      await txn.sendOffsets({ consumer: this.consumer!, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
      for (const b of batches) await this.opts.beforeCommit?.({ topic: b.topic, partition: b.partition, outputs: outputs.length });
      await txn.commit();
      if (traced) endSpans(traced);
      for (const o of offsets) this.positions.set(o.partition, { topic: o.topic, offset: o.offset });
      if (this.metrics) for (const [topic, messages] of byTopic) if (topic !== deadLetterTopic(this.opts.groupId)) this.metrics.produced.inc({ topic }, messages.length);
    } catch (err) {
      if (traced) endSpans(traced, err);
      await this.abandon(txn, err, batches.map((b) => `${b.topic}/${b.partition}`).join(', '));
      // Rethrowing makes the client seek back: each batch is decided again in a new transaction.
      throw err;
    }
    batches.forEach((b, i) => observeBatch(this.metrics, this.opts.groupId, b, deadOf[i]!, started));
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
