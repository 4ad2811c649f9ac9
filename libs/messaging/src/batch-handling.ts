import type { EventCodec } from '@vdx/contracts';
import { silentLogger, type Logger, type PipelineMetrics } from '@vdx/observability';
import { deadLetterOf, type DeadLetter } from './dead-letter';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { normaliseHeaders, type ConsumedEvent, type ConsumedRecord } from './records';
import { backoffMs, delay, isPoison, isTransient, type RetryPolicy } from './retry';

/** Turns a client batch into records with plain headers. */
export function recordsOf(batch: KafkaJS.Batch): ConsumedRecord[] {
  return batch.messages.map((m) => ({
    topic: batch.topic,
    partition: batch.partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: normaliseHeaders(m.headers),
  }));
}

/** Shared by the plain consumer and the transactional processor: decode, retry, dead-letter. */
export class RecordPipeline {
  constructor(
    private readonly groupId: string,
    private readonly codec: EventCodec,
    private readonly retry: RetryPolicy,
    private readonly signal: AbortSignal,
    private readonly logger: Logger = silentLogger,
    private readonly metrics?: PipelineMetrics,
  ) {}

  /** Decodes every record; the undecodable ones become dead letters straight away (retrying cannot help). */
  decode(records: readonly ConsumedRecord[], dead: DeadLetter[]): ConsumedEvent[] {
    const good: ConsumedEvent[] = [];
    for (const record of records) {
      try {
        good.push({ event: this.codec.decode(record.value, record.headers), record });
      } catch (err) {
        this.logger.warn(`undecodable record ${record.topic}/${record.partition}/${record.offset}: ${(err as Error).message}`, this.groupId);
        this.count(record.topic, 'dead-lettered');
        dead.push(deadLetterOf(record, this.groupId, err, 1));
      }
    }
    return good;
  }

  /**
   * Runs `fn` on one event with the retry policy: transient errors (an outage) are retried until
   * they pass or the consumer stops; other errors `maxAttempts` times; poison at once. Returns
   * false when the event was dead-lettered.
   */
  async runOne(item: ConsumedEvent, fn: (item: ConsumedEvent) => Promise<void>, dead: DeadLetter[]): Promise<boolean> {
    for (let attempt = 1, failures = 0; ; attempt += 1) {
      this.throwIfStopping();
      const started = process.hrtime.bigint();
      try {
        await fn(item);
        this.metrics?.handleSeconds.observe({ group: this.groupId }, Number(process.hrtime.bigint() - started) / 1e9);
        this.count(item.record.topic, 'handled');
        return true;
      } catch (err) {
        const where = `${item.event.type} ${item.record.topic}/${item.record.partition}/${item.record.offset}`;
        if (isTransient(err)) {
          this.logger.warn(`transient failure on ${where}, attempt ${attempt}: ${(err as Error).message}`, this.groupId);
          await delay(backoffMs({ ...this.retry, maxAttempts: Infinity }, Math.min(attempt, 10)), this.signal);
          continue;
        }
        failures += 1;
        if (isPoison(err) || failures >= this.retry.maxAttempts) {
          this.logger.error(`dead-lettering ${where} after ${failures} failure(s): ${(err as Error).message}`, this.groupId);
          this.count(item.record.topic, 'dead-lettered');
          dead.push(deadLetterOf(item.record, this.groupId, err, failures));
          return false;
        }
        await delay(backoffMs(this.retry, failures), this.signal);
      }
    }
  }

  /** Retries a whole-batch operation while failures are transient; rethrows anything else. */
  async runTransient<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfStopping();
      try {
        return await fn();
      } catch (err) {
        if (!isTransient(err)) throw err;
        this.logger.warn(`transient failure, attempt ${attempt}: ${(err as Error).message}`, this.groupId);
        await delay(backoffMs({ ...this.retry, maxAttempts: Infinity }, Math.min(attempt, 10)), this.signal);
      }
    }
  }

  private count(topic: string, outcome: string): void {
    this.metrics?.consumed.inc({ topic, group: this.groupId, outcome });
  }

  private throwIfStopping(): void {
    if (this.signal.aborted) throw new Error(`consumer ${this.groupId} is stopping`);
  }
}
