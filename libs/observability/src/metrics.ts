import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A Prometheus registry for one service, with process metrics and a `service` label on all. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * A label value taken from an error or refusal code, kept to a bounded set: a stable code
 * (`EXCHANGE.INVALID_ARGUMENT`, `EDXML.MALFORMED`, `MESSAGING.HANDLER_FAILED`) passes as it is,
 * anything else (free text, an id) becomes `OTHER`, so no series is ever made per document.
 */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && code.length <= 64 && /^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)+$/.test(code) ? code : 'OTHER';
}

/** One cached metric set per registry: a second call returns the first call's metrics. */
function perRegistry<M>(make: (registry: Registry) => M): (registry: Registry) => M {
  const cache = new WeakMap<Registry, M>();
  return (registry) => {
    const hit = cache.get(registry);
    if (hit) return hit;
    const m = make(registry);
    cache.set(registry, m);
    return m;
  };
}

/** Errors of the clients every service holds, counted where they are caught. */
export interface ClientErrorMetrics {
  /** `op`: `produce`, `transaction`, `commit`, `dead-letter`, `readiness`. */
  readonly kafka: Counter<'op'>;
  /** `op`: `heartbeat` (the driver lost the server), `checkout` (no connection to be had), `readiness`. */
  readonly store: Counter<'op'>;
}

export const clientErrorMetrics = perRegistry<ClientErrorMetrics>((registry) => ({
  kafka: new Counter({ name: 'vdx_kafka_errors_total', help: 'Kafka client operations that failed, by operation', labelNames: ['op'], registers: [registry] }),
  store: new Counter({ name: 'vdx_store_errors_total', help: 'Store (MongoDB-compatible) client failures, by operation', labelNames: ['op'], registers: [registry] }),
}));

/** Seconds buckets of one batch of a step: a few milliseconds up to a stuck minute. */
const BATCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The metrics the messaging and projection layers report, registered once per registry. */
export interface PipelineMetrics {
  /** Records consumed, by outcome (`handled`, `dead-lettered`); counted per batch. */
  readonly consumed: Counter<'topic' | 'group' | 'outcome'>;
  /** Events appended to Kafka (committed, for a transactional step). */
  readonly produced: Counter<'topic'>;
  /** Time to handle one message; observed only by a `RecordPipeline` given metrics directly (the services measure batches). */
  readonly handleSeconds: Histogram<'group'>;
  /** Time from a batch in hand to its work committed (its offsets included), per step. */
  readonly batchSeconds: Histogram<'group' | 'topic'>;
  /** Records of a partition past the last one the group handled, as of its latest batch (set it with `setLag`). */
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  /** Sets the lag of one partition of `group`. */
  readonly setLag: (group: string, topic: string, partition: number, lag: number) => void;
  /**
   * Tells the metrics which partitions a consumer of `group` holds (a local call, asked at scrape
   * time): the lag of a partition no consumer of the group holds any more (a rebalance moved it
   * to another instance) is dropped instead of served stale. Returns the call that stops it;
   * once no consumer of the group is left, its lag series go.
   */
  readonly watchAssignment: (group: string, assigned: () => readonly { readonly topic: string; readonly partition: number }[]) => () => void;
  /** Records sent to a dead-letter topic; `topic` is the source topic, `code` the error's code. */
  readonly deadLettered: Counter<'topic' | 'group' | 'code'>;
  readonly kafkaErrors: Counter<'op'>;
}

type Assigned = () => readonly { readonly topic: string; readonly partition: number }[];

export const pipelineMetrics = perRegistry<PipelineMetrics>((registry) => {
  /** The lag series set, by `<group>\n<topic>\n<partition>`, and the consumers of each group. */
  const lagSeries = new Map<string, { group: string; topic: string; partition: string }>();
  const watchers = new Map<string, Set<Assigned>>();
  const held = (fn: Assigned): readonly { readonly topic: string; readonly partition: number }[] => {
    try {
      return fn();
    } catch {
      return []; // a consumer stopping holds nothing
    }
  };
  const consumerLag: Gauge<'group' | 'topic' | 'partition'> = new Gauge({
    name: 'vdx_consumer_lag',
    help: 'Records past the last one handled, per partition, as of its latest batch',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect() {
      const assigned = new Map<string, Set<string>>();
      for (const [group, fns] of watchers) assigned.set(group, new Set([...fns].flatMap((fn) => held(fn).map((tp) => `${tp.topic}\n${tp.partition}`))));
      for (const [key, labels] of lagSeries) {
        const of = assigned.get(labels.group);
        if (of === undefined || of.has(`${labels.topic}\n${labels.partition}`)) continue;
        consumerLag.remove(labels);
        lagSeries.delete(key);
      }
    },
  });
  return {
    consumed: new Counter({ name: 'vdx_messages_consumed_total', help: 'Messages consumed, by outcome', labelNames: ['topic', 'group', 'outcome'], registers: [registry] }),
    produced: new Counter({ name: 'vdx_messages_produced_total', help: 'Messages appended to Kafka', labelNames: ['topic'], registers: [registry] }),
    handleSeconds: new Histogram({ name: 'vdx_message_handle_seconds', help: 'Time to handle one message', labelNames: ['group'], registers: [registry] }),
    batchSeconds: new Histogram({ name: 'vdx_batch_seconds', help: 'Time to decide and commit one partition batch, per step', labelNames: ['group', 'topic'], buckets: BATCH_BUCKETS, registers: [registry] }),
    consumerLag,
    setLag: (group, topic, partition, lag) => {
      const labels = { group, topic, partition: String(partition) };
      lagSeries.set(`${group}\n${topic}\n${labels.partition}`, labels);
      consumerLag.set(labels, lag);
    },
    watchAssignment: (group, assigned) => {
      const fns = watchers.get(group) ?? new Set<Assigned>();
      watchers.set(group, fns);
      fns.add(assigned);
      return () => {
        fns.delete(assigned);
        if (fns.size > 0) return;
        watchers.delete(group);
        for (const [key, labels] of lagSeries) {
          if (labels.group !== group) continue;
          consumerLag.remove(labels);
          lagSeries.delete(key);
        }
      };
    },
    deadLettered: new Counter({ name: 'vdx_messages_dead_lettered_total', help: 'Messages sent to a dead-letter topic', labelNames: ['topic', 'group', 'code'], registers: [registry] }),
    kafkaErrors: clientErrorMetrics(registry).kafka,
  };
});

/** What the gateway's edge reports about sends. */
export interface EdgeMetrics {
  /** `outcome`: `accepted`, `duplicate`, `rejected` (a `PackageRejected` recorded), `refused` (refused before any event), `failed` (an outage or an internal error). */
  readonly sends: Counter<'outcome'>;
  /** Every send not accepted, by its stable code (`codeLabel`). */
  readonly refusals: Counter<'code'>;
  /** Where a send's time goes, by `SendStage`: the body stored and parsed, the idempotency claim, the event appended, the receipt recorded. */
  readonly sendStageSeconds: Histogram<'stage'>;
}

/** The steps of one send at the edge, in order; a duplicate stops after `claim`, a rejection skips `claim` and `complete`. */
export const SEND_STAGES = ['body', 'claim', 'append', 'complete'] as const;
export type SendStage = (typeof SEND_STAGES)[number];

export const edgeMetrics = perRegistry<EdgeMetrics>((registry) => ({
  sends: new Counter({ name: 'vdx_edge_sends_total', help: 'SendPackage calls, by outcome', labelNames: ['outcome'], registers: [registry] }),
  refusals: new Counter({ name: 'vdx_edge_refusals_total', help: 'Sends not accepted, by code', labelNames: ['code'], registers: [registry] }),
  sendStageSeconds: new Histogram({ name: 'vdx_edge_send_stage_seconds', help: 'Time of each stage of a send: body, claim, append, complete', labelNames: ['stage'], buckets: BATCH_BUCKETS, registers: [registry] }),
}));

/** What the legacy VXP edge reports about the calls it answers. */
export interface LegacyEdgeMetrics {
  /** `operation`: the legacy operation (`sendEdoc`, `getEdoc`, …; `unknown` for any other); `outcome`: `ok` or `fail`. */
  readonly requests: Counter<'operation' | 'outcome'>;
  /** Every failed answer, by its stable code (`codeLabel`): the same series as the gateway's refusals, `service="legacy-edge"`. */
  readonly refusals: Counter<'code'>;
}

export const legacyEdgeMetrics = perRegistry<LegacyEdgeMetrics>((registry) => ({
  requests: new Counter({ name: 'vdx_legacy_requests_total', help: 'Legacy VXP API calls answered, by operation and outcome', labelNames: ['operation', 'outcome'], registers: [registry] }),
  refusals: edgeMetrics(registry).refusals,
}));

/** Seconds from a package accepted at the edge to its delivery: the pipeline's seconds, a recipient's hours. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86_400, 7 * 86_400];

/** What the delivery service reports; the gauges cover the deliveries this instance owns (sum them over instances). */
export interface DeliveryMetrics {
  /** Owned deliveries by transport state (`queued`, `fetched`, `acknowledged`, `failed`, `dead`, `withdrawn`). */
  readonly deliveries: Gauge<'state'>;
  /** Owned deliveries still waiting (`queued` or `dead`) past their Decree 30 deadline. */
  readonly overdue: Gauge<'state'>;
  /** Package accepted → its delivery queued (fetchable from the inbox), by lane. */
  readonly sendToFetchable: Histogram<'lane'>;
  /** Package accepted → its delivery first fetched by the recipient's system, by lane. */
  readonly sendToFetched: Histogram<'lane'>;
}

export const deliveryMetrics = perRegistry<DeliveryMetrics>((registry) => ({
  deliveries: new Gauge({ name: 'vdx_deliveries', help: 'Deliveries owned by this instance, by state', labelNames: ['state'], registers: [registry] }),
  overdue: new Gauge({ name: 'vdx_deliveries_overdue', help: 'Owned deliveries still waiting past their deadline, by state', labelNames: ['state'], registers: [registry] }),
  sendToFetchable: new Histogram({ name: 'vdx_send_to_fetchable_seconds', help: 'Package accepted to delivery queued (fetchable)', labelNames: ['lane'], buckets: LATENCY_BUCKETS, registers: [registry] }),
  sendToFetched: new Histogram({ name: 'vdx_send_to_fetched_seconds', help: 'Package accepted to delivery first fetched', labelNames: ['lane'], buckets: LATENCY_BUCKETS, registers: [registry] }),
}));

/** Whether each readiness check passes (1) or not (0), measured when `/metrics` is scraped. */
export interface ReadinessMetrics {
  readonly ready: Gauge<'check'>;
}

/**
 * Registers `vdx_ready{check}`, asking `checks` (each rejecting when not ready, within its own
 * deadline) at every scrape; no check is made between scrapes.
 */
export function readinessMetrics(registry: Registry, checks: Readonly<Record<string, () => Promise<void>>>): ReadinessMetrics {
  const entries = Object.entries(checks);
  const ready: Gauge<'check'> = new Gauge({
    name: 'vdx_ready',
    help: 'Whether a readiness check passes (1) or not (0), at scrape time',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      const results = await Promise.allSettled(entries.map(([, check]) => check()));
      results.forEach((r, i) => ready.set({ check: entries[i]![0] }, r.status === 'fulfilled' ? 1 : 0));
    },
  });
  return { ready };
}
