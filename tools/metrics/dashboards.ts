// The Grafana dashboards of deploy/grafana, as code: the axis overview and one per service.
// `node -r @swc-node/register tools/metrics/dashboards.ts` writes them; alert-rules.spec.ts
// fails when a committed file differs from what this builds, or reads a series no service serves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly targets: readonly Target[];
  readonly unit?: string;
  readonly kind?: 'timeseries' | 'stat';
}

const DS = { type: 'prometheus', uid: '${datasource}' };
const t = (expr: string, legendFormat: string): Target => ({ expr, legendFormat });

/** Quantiles of a histogram per `by`, over 5 minutes. */
const quantiles = (metric: string, by: string, filter = '', qs: readonly number[] = [0.5, 0.95, 0.99]): Target[] =>
  qs.map((q) => t(`histogram_quantile(${q}, sum by (${by}, le) (rate(${metric}_bucket${filter}[5m])))`, `p${Math.round(q * 100)} {{${by}}}`));

function panel(spec: PanelSpec, id: number, x: number, y: number): Record<string, unknown> {
  const stat = spec.kind === 'stat';
  return {
    id,
    type: spec.kind ?? 'timeseries',
    title: spec.title,
    description: spec.description,
    datasource: DS,
    gridPos: { h: stat ? 5 : 8, w: 12, x, y },
    fieldConfig: { defaults: { unit: spec.unit ?? 'short', ...(stat ? { thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }] } } : {}) }, overrides: [] },
    options: stat ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', textMode: 'value_and_name' } : { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: spec.targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, expr: target.expr, legendFormat: target.legendFormat })),
  };
}

function dashboard(uid: string, title: string, description: string, specs: readonly PanelSpec[]): Record<string, unknown> {
  let y = 0;
  const panels = specs.map((spec, i) => {
    const x = (i % 2) * 12;
    const p = panel(spec, i + 1, x, y);
    if (x === 12) y += spec.kind === 'stat' ? 5 : 8;
    return p;
  });
  return {
    uid,
    title,
    description,
    tags: ['vdx'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }] },
    annotations: { list: [] },
    links: [{ title: 'vdx dashboards', type: 'dashboards', tags: ['vdx'], asDropdown: true }],
    panels,
  };
}

/** Health of one service process: up, ready, CPU, memory, event loop, client errors. */
function processPanels(service: string): PanelSpec[] {
  const s = `{service="${service}"}`;
  return [
    { title: 'Up', description: 'Whether Prometheus reaches /metrics (alert VdxServiceDown).', kind: 'stat', targets: [t(`up{job="vdx", service="${service}"}`, '{{instance}}')] },
    { title: 'Ready', description: 'The checks of /health/ready, asked at each scrape (alert VdxServiceNotReady).', kind: 'stat', targets: [t(`min by (instance, check) (vdx_ready${s})`, '{{instance}} {{check}}')] },
    { title: 'CPU', description: 'Cores used by the process.', unit: 'percentunit', targets: [t(`rate(process_cpu_seconds_total${s}[5m])`, '{{instance}}')] },
    { title: 'Memory', description: 'Resident memory of the process and the V8 heap in use.', unit: 'bytes', targets: [t(`process_resident_memory_bytes${s}`, 'rss {{instance}}'), t(`nodejs_heap_size_used_bytes${s}`, 'heap {{instance}}')] },
    { title: 'Event loop lag p99', description: 'How late the event loop runs work, p99: a busy loop answers every call late.', unit: 's', targets: [t(`nodejs_eventloop_lag_p99_seconds${s}`, '{{instance}}')] },
    {
      title: 'Store and Kafka client errors',
      description: 'Failures counted where they are caught: store heartbeats, connection check-outs and readiness pings; Kafka produce, transaction, commit, dead-letter and readiness (alert VdxClientErrors).',
      targets: [t(`sum by (op) (rate(vdx_store_errors_total${s}[5m]))`, 'store {{op}}'), t(`sum by (op) (rate(vdx_kafka_errors_total${s}[5m]))`, 'kafka {{op}}')],
    },
  ];
}

/** The consume–decide–produce steps and projections of one service. */
function pipelinePanels(service: string): PanelSpec[] {
  const s = `{service="${service}"}`;
  return [
    { title: 'Consumed events/s by topic and group', description: 'Records handled (and dead-lettered) per second, counted per committed batch.', unit: 'ops', targets: [t(`sum by (group, topic, outcome) (rate(vdx_messages_consumed_total${s}[5m]))`, '{{group}} {{topic}} {{outcome}}')] },
    { title: 'Produced events/s by topic', description: 'Events appended (committed, for a transactional step).', unit: 'ops', targets: [t(`sum by (topic) (rate(vdx_messages_produced_total${s}[5m]))`, '{{topic}}')] },
    { title: 'Batch latency by step', description: 'From a partition batch in hand to its work and offsets committed.', unit: 's', targets: quantiles('vdx_batch_seconds', 'group', s) },
    { title: 'Consumer lag by partition', description: 'Records past the last one handled, as of each partition\'s latest batch (a transaction marker counts one). Alerts VdxConsumerLagGrowing, VdxConsumerStalled.', targets: [t(`sum by (group, topic, partition) (vdx_consumer_lag${s})`, '{{group}} {{topic}}/{{partition}}')] },
    { title: 'Dead letters', description: 'Messages sent to vdx.dlq.<group>, by code, per hour (alert VdxDeadLetters; `npm run vdx -- dlq topics`).', targets: [t(`sum by (group, code) (increase(vdx_messages_dead_lettered_total${s}[1h]))`, '{{group}} {{code}}')] },
  ];
}

const EDGE: PanelSpec[] = [
  { title: 'Sends by outcome', description: 'SendPackage calls: accepted, duplicate, rejected (recorded), refused (before any event), failed (an outage or an internal error; alert VdxEdgeErrorRate).', unit: 'ops', targets: [t('sum by (outcome) (rate(vdx_edge_sends_total[5m]))', '{{outcome}}')] },
  { title: 'Edge refusals by code', description: 'Every send not accepted, by its stable code.', unit: 'ops', targets: [t('sum by (code) (rate(vdx_edge_refusals_total[5m]))', '{{code}}')] },
  { title: 'Send time by stage', description: 'Where a send waits: body (streamed into the blob store and parsed), claim (idempotency), append (the event durably in Kafka), complete (the receipt).', unit: 's', targets: quantiles('vdx_edge_send_stage_seconds', 'stage', '', [0.5, 0.99]) },
];

const LEGACY_EDGE: PanelSpec[] = [
  { title: 'Legacy calls by operation and outcome', description: 'Calls of the VXP API answered, by operation (unknown for any other) and ok or fail.', unit: 'ops', targets: [t('sum by (operation, outcome) (rate(vdx_legacy_requests_total{service="legacy-edge"}[5m]))', '{{operation}} {{outcome}}')] },
  { title: 'Legacy refusals by code', description: 'Every FAIL answer, by its stable code (LEGACY.* of the edge, or the axis code it passes on).', unit: 'ops', targets: [t('sum by (code) (rate(vdx_edge_refusals_total{service="legacy-edge"}[5m]))', '{{code}}')] },
];

const DELIVERIES: PanelSpec[] = [
  { title: 'Deliveries by state', description: 'Owned deliveries, summed over the delivery instances (alert VdxDeliveriesDead; `npm run vdx -- deliveries dead`).', targets: [t('sum by (state) (vdx_deliveries)', '{{state}}')] },
  { title: 'Deliveries overdue', description: 'Queued or dead deliveries past their Decree 30 deadline (alert VdxDeliveriesOverdue).', targets: [t('sum by (state) (vdx_deliveries_overdue)', '{{state}}')] },
  { title: 'Send → fetchable', description: 'From the package accepted at the gateway to its delivery queued (fetchable from the inbox), by lane.', unit: 's', targets: quantiles('vdx_send_to_fetchable_seconds', 'lane') },
  { title: 'Send → fetched', description: 'From the package accepted to its delivery first fetched by the recipient system, by lane (includes how often the recipient polls).', unit: 's', targets: quantiles('vdx_send_to_fetched_seconds', 'lane', '', [0.5, 0.95]) },
];

const AXIS: PanelSpec[] = [
  { title: 'Services up', description: 'Every service Prometheus scrapes (alert VdxServiceDown).', kind: 'stat', targets: [t('up{job="vdx"}', '{{service}} {{instance}}')] },
  { title: 'Services ready', description: 'The lowest readiness check per service (alert VdxServiceNotReady).', kind: 'stat', targets: [t('min by (service) (vdx_ready)', '{{service}}')] },
  ...EDGE,
  { title: 'Consumed events/s by topic', description: 'All groups of all services.', unit: 'ops', targets: [t('sum by (topic) (rate(vdx_messages_consumed_total[5m]))', '{{topic}}')] },
  { title: 'Produced events/s by topic', description: 'All writers.', unit: 'ops', targets: [t('sum by (topic) (rate(vdx_messages_produced_total[5m]))', '{{topic}}')] },
  { title: 'Consumer lag by group', description: 'Records waiting, summed over partitions (alerts VdxConsumerLagGrowing, VdxConsumerStalled).', targets: [t('sum by (group) (vdx_consumer_lag)', '{{group}}')] },
  { title: 'Batch latency p95 by step', description: 'A partition batch from in hand to committed.', unit: 's', targets: quantiles('vdx_batch_seconds', 'group', '', [0.95]) },
  ...DELIVERIES,
  { title: 'Dead letters per hour', description: 'Messages parked in vdx.dlq.<group> (alert VdxDeadLetters).', targets: [t('sum by (group, code) (increase(vdx_messages_dead_lettered_total[1h]))', '{{group}} {{code}}')] },
  { title: 'Client errors by service', description: 'Store and Kafka client failures per second (alert VdxClientErrors).', unit: 'ops', targets: [t('sum by (service) (rate(vdx_store_errors_total[5m]))', 'store {{service}}'), t('sum by (service) (rate(vdx_kafka_errors_total[5m]))', 'kafka {{service}}')] },
];

const SERVICES: Readonly<Record<string, { readonly description: string; readonly panels: readonly PanelSpec[] }>> = {
  gateway: { description: 'The edge: sends, refusals, its trace and receipt projections.', panels: [...EDGE, ...pipelinePanels('gateway')] },
  directory: { description: 'The identifier directory: its agency projection.', panels: pipelinePanels('directory') },
  signature: { description: 'The signature step (group signature).', panels: pipelinePanels('signature') },
  routing: { description: 'The routing step (group routing) and its documents projection.', panels: pipelinePanels('routing') },
  delivery: { description: 'The delivery owner (group delivery), its projection and replies, deliveries and end-to-end latency.', panels: [...DELIVERIES, ...pipelinePanels('delivery')] },
  'legacy-edge': { description: 'The legacy VXP HTTP edge (a client of the gateway).', panels: LEGACY_EDGE },
  statistics: { description: 'The statistics service (read side).', panels: [] },
};

/** Every dashboard, by file name. */
export function dashboards(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { 'vdx-axis.json': dashboard('vdx-axis', 'vdx · axis overview', 'The whole axis: edge, pipeline, deliveries, errors.', AXIS) };
  for (const [service, { description, panels }] of Object.entries(SERVICES)) {
    out[`vdx-${service}.json`] = dashboard(`vdx-${service}`, `vdx · ${service}`, description, [...processPanels(service), ...panels]);
  }
  return out;
}

export const DASHBOARD_DIR = join(__dirname, '../../deploy/grafana');

/** A dashboard as it is written to its file. */
export const dashboardText = (d: Record<string, unknown>): string => `${JSON.stringify(d, null, 2)}\n`;

if (require.main === module) {
  for (const [file, d] of Object.entries(dashboards())) writeFileSync(join(DASHBOARD_DIR, file), dashboardText(d));
}
