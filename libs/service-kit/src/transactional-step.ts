import type { Logger as NestLogger } from '@nestjs/common';
import type { Logger, PipelineMetrics } from '@vdx/observability';
import { TransactionalProcessor, type Kafka, type ProcessFn, type TransactionalProcessorOptions } from '@vdx/messaging';

/** A Nest logger as the messaging layer's logger: retries, dead letters and failures show in the service's log. */
export function pipelineLogger(logger: NestLogger): Logger {
  return { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
}

export interface TransactionalStepOptions {
  /** The consumer group on the production topic, e.g. `routing`. */
  readonly group: string;
  readonly input: string;
  /** The production input topic; any other (tests, benchmarks) gets a group of its own. */
  readonly defaultInput: string;
  /** Stable per instance across restarts: a restarted instance fences its predecessor. */
  readonly instanceId: string;
  readonly replicationFactor: number;
  readonly logger: NestLogger;
  /** Further inputs consumed in the same group (a partition owner's commands beside its events). */
  readonly moreInputs?: readonly string[];
  /** The service's pipeline metrics (`pipelineMetrics(registry)`): batches, lag, outputs, dead letters. */
  readonly metrics?: PipelineMetrics;
  /** Rebalance, batch and assignment hooks for a step that owns the state of its partitions. */
  readonly hooks?: Pick<TransactionalProcessorOptions, 'assignor' | 'onRebalance' | 'beforeBatch' | 'afterBatch' | 'maxBatchSize'>;
}

/**
 * Starts one exactly-once step of the exchange pipeline (consume `input`, append what `process`
 * returns, commit both in one transaction) with the group and transactional id every step uses.
 */
export async function startTransactionalStep(kafka: Kafka, process: ProcessFn, o: TransactionalStepOptions): Promise<{ processor: TransactionalProcessor; group: string }> {
  const group = o.input === o.defaultInput ? o.group : `${o.group}-${o.input}`;
  const processor = new TransactionalProcessor(kafka, process, {
    groupId: group,
    topics: [o.input, ...(o.moreInputs ?? [])],
    transactionalId: `${group}.${o.instanceId}`,
    replicationFactor: o.replicationFactor,
    logger: pipelineLogger(o.logger),
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.hooks ?? {}),
  });
  await processor.start();
  return { processor, group };
}
