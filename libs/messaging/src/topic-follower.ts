import { KafkaConsumer, type Message } from '@confluentinc/kafka-javascript';
import type { KafkaSettings } from './kafka-client';
import { logEnds } from './log-reader';
import { normaliseHeaders, type ConsumedRecord } from './records';

export interface TopicFollowerOptions {
  readonly batchSize?: number;
  /** How long one poll waits for records before checking whether to stop (ms). */
  readonly pollMs?: number;
  readonly onError?: (err: Error) => void;
  /** Start at the committed end of each partition: only what is appended from now on (a live feed). */
  readonly fromEnd?: boolean;
}

function toRecord(m: Message): ConsumedRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key === undefined || m.key === null ? null : m.key.toString(),
    value: m.value ?? null,
    headers: normaliseHeaders(Object.assign({}, ...(m.headers ?? []).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]))))),
  };
}

/**
 * Reads every partition of a topic from offset zero (or, with `fromEnd`, from its end) and keeps
 * following it, without a consumer group and without committing: each process builds its own
 * view (a local cache of a compacted snapshot topic, a live feed). `caughtUp` resolves once the
 * records committed before `start` are handed over (at once with `fromEnd`).
 */
export class TopicFollower {
  private consumer: KafkaConsumer | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private resolveCaughtUp: () => void = () => undefined;
  readonly caughtUp: Promise<void>;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly topic: string,
    private readonly onRecords: (records: ConsumedRecord[]) => void | Promise<void>,
    private readonly opts: TopicFollowerOptions = {},
  ) {
    this.caughtUp = new Promise((resolve) => (this.resolveCaughtUp = resolve));
  }

  async start(): Promise<void> {
    const { ends } = await logEnds(this.settings, [this.topic]);
    const fromEnd = this.opts.fromEnd === true;
    const pending = new Map(ends.filter((e) => e.endOffset !== '0' && !fromEnd).map((e) => [e.partition, BigInt(e.endOffset)]));
    const consumer = new KafkaConsumer({
      'bootstrap.servers': this.settings.brokers,
      'client.id': this.settings.clientId,
      // Required by the client, never used: nothing is committed and partitions are assigned.
      'group.id': `${this.settings.clientId}-follower`,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'isolation.level': 'read_committed',
      'auto.offset.reset': 'earliest',
    });
    await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
    consumer.setDefaultConsumeTimeout(this.opts.pollMs ?? 250);
    // The poll's wait is for the first record only; once one came, the batch is what is already
    // fetched. Otherwise every record restarts the wait, and a steady trickle (a live feed of a busy
    // topic) is held back until a whole batch has built up: seconds behind the log.
    // (The client has the setting but its typings, as of 1.10, do not declare it.)
    (consumer as KafkaConsumer & { setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
    consumer.assign(ends.map((e) => ({ topic: this.topic, partition: e.partition, offset: fromEnd ? Number(e.endOffset) : 0 })));
    this.consumer = consumer;
    this.running = true;
    const check = () => {
      // Positions matter only until the follower has caught up once; asking costs a native call.
      if (pending.size === 0) {
        this.resolveCaughtUp();
        return;
      }
      for (const p of consumer.position()) {
        const end = pending.get(p.partition);
        if (end !== undefined && p.offset !== undefined && p.offset >= 0 && BigInt(p.offset) >= end) pending.delete(p.partition);
      }
      if (pending.size === 0) this.resolveCaughtUp();
    };
    check();
    this.loop = (async () => {
      while (this.running) {
        try {
          const messages = await new Promise<Message[]>((resolve, reject) =>
            consumer.consume(this.opts.batchSize ?? 1000, (err, msgs) => (err ? reject(err) : resolve(msgs))),
          );
          if (messages.length > 0) await this.onRecords(messages.map(toRecord));
          check();
        } catch (err) {
          if (!this.running) break;
          this.opts.onError?.(err as Error);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}
