import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A Prometheus registry for one service, with process metrics and a `service` label on all. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The metrics the messaging and projection layers report, registered once per registry. */
export interface PipelineMetrics {
  readonly consumed: Counter<'topic' | 'group' | 'outcome'>;
  readonly produced: Counter<'topic'>;
  readonly handleSeconds: Histogram<'group'>;
  readonly deadLettered: Counter<'topic' | 'group' | 'code'>;
  readonly projectionLag: Gauge<'projection' | 'topic' | 'partition'>;
}

const cache = new WeakMap<Registry, PipelineMetrics>();

export function pipelineMetrics(registry: Registry): PipelineMetrics {
  const hit = cache.get(registry);
  if (hit) return hit;
  const m: PipelineMetrics = {
    consumed: new Counter({ name: 'vdx_messages_consumed_total', help: 'Messages handled, by outcome', labelNames: ['topic', 'group', 'outcome'], registers: [registry] }),
    produced: new Counter({ name: 'vdx_messages_produced_total', help: 'Messages appended to Kafka', labelNames: ['topic'], registers: [registry] }),
    handleSeconds: new Histogram({ name: 'vdx_message_handle_seconds', help: 'Time to handle one message', labelNames: ['group'], registers: [registry] }),
    deadLettered: new Counter({ name: 'vdx_messages_dead_lettered_total', help: 'Messages sent to a dead-letter topic', labelNames: ['topic', 'group', 'code'], registers: [registry] }),
    projectionLag: new Gauge({ name: 'vdx_projection_position', help: 'Last offset applied by a projection', labelNames: ['projection', 'topic', 'partition'], registers: [registry] }),
  };
  cache.set(registry, m);
  return m;
}
