import { clientErrorMetrics, codeLabel, createMetricsRegistry, deliveryMetrics, edgeMetrics, pipelineMetrics, readinessMetrics } from './metrics';

/** Every series the services serve beyond the process defaults, with its labels (the `service` default label aside). */
const EXPECTED: Readonly<Record<string, { type: string; labels: readonly string[] }>> = {
  vdx_messages_consumed_total: { type: 'counter', labels: ['topic', 'group', 'outcome'] },
  vdx_messages_produced_total: { type: 'counter', labels: ['topic'] },
  vdx_message_handle_seconds: { type: 'histogram', labels: ['group'] },
  vdx_batch_seconds: { type: 'histogram', labels: ['group', 'topic'] },
  vdx_consumer_lag: { type: 'gauge', labels: ['group', 'topic', 'partition'] },
  vdx_messages_dead_lettered_total: { type: 'counter', labels: ['topic', 'group', 'code'] },
  vdx_kafka_errors_total: { type: 'counter', labels: ['op'] },
  vdx_store_errors_total: { type: 'counter', labels: ['op'] },
  vdx_edge_sends_total: { type: 'counter', labels: ['outcome'] },
  vdx_edge_refusals_total: { type: 'counter', labels: ['code'] },
  vdx_edge_send_stage_seconds: { type: 'histogram', labels: ['stage'] },
  vdx_deliveries: { type: 'gauge', labels: ['state'] },
  vdx_deliveries_overdue: { type: 'gauge', labels: ['state'] },
  vdx_send_to_fetchable_seconds: { type: 'histogram', labels: ['lane'] },
  vdx_send_to_fetched_seconds: { type: 'histogram', labels: ['lane'] },
  vdx_ready: { type: 'gauge', labels: ['check'] },
};

type Sample = { readonly labels: Record<string, string | number | undefined>; readonly value: number; readonly metricName?: string };

/** The value of a counter or gauge series, or the count of a histogram's, with these labels. */
async function value(registry: ReturnType<typeof createMetricsRegistry>, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const values = (await registry.getSingleMetric(name)!.get()).values as unknown as readonly Sample[];
  const wanted = Object.entries(labels);
  return values.find((v) => wanted.every(([k, x]) => v.labels[k] === x) && (v.metricName === undefined || v.metricName === name || v.metricName === `${name}_count`))?.value;
}

describe('service metrics', () => {
  it('registers every series with bounded labels, once per registry', async () => {
    const registry = createMetricsRegistry('routing');
    const m = pipelineMetrics(registry);
    expect(pipelineMetrics(registry)).toBe(m);
    expect(m.kafkaErrors).toBe(clientErrorMetrics(registry).kafka);
    edgeMetrics(registry);
    deliveryMetrics(registry);
    readinessMetrics(registry, { kafka: async () => undefined });
    const json = await registry.getMetricsAsJSON();
    for (const [name, { type, labels }] of Object.entries(EXPECTED)) {
      const metric = json.find((x) => x.name === name);
      expect({ name, type: metric?.type }).toEqual({ name, type });
      expect({ name, labels: (registry.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames }).toEqual({ name, labels });
    }
    // No label anywhere names a document, a package, a delivery or an agency.
    const all = Object.values(EXPECTED).flatMap((e) => e.labels);
    expect(all.filter((l) => /id|document|package|agency|sender|recipient/i.test(l))).toEqual([]);
  });

  it('moves when exercised, and every series carries the service label', async () => {
    const registry = createMetricsRegistry('delivery');
    const p = pipelineMetrics(registry);
    p.consumed.inc({ topic: 'vdx.routing.events.v1', group: 'delivery', outcome: 'handled' }, 3);
    p.setLag('delivery', 'vdx.routing.events.v1', 2, 7);
    const e = edgeMetrics(registry);
    e.refusals.inc({ code: codeLabel('EXCHANGE.NOT_AUTHORISED') });
    const d = deliveryMetrics(registry);
    d.sendToFetchable.observe({ lane: 'urgent' }, 0.2);
    expect(await value(registry, 'vdx_messages_consumed_total', { outcome: 'handled' })).toBe(3);
    expect(await value(registry, 'vdx_consumer_lag', { partition: '2' })).toBe(7);
    expect(await value(registry, 'vdx_edge_refusals_total', { code: 'EXCHANGE.NOT_AUTHORISED' })).toBe(1);
    expect(await value(registry, 'vdx_send_to_fetchable_seconds', { lane: 'urgent' })).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('vdx_messages_consumed_total{topic="vdx.routing.events.v1",group="delivery",outcome="handled",service="delivery"} 3');
    expect(text).toContain('process_cpu_seconds_total{service="delivery"}');
  });

  it('drops the lag of a partition no consumer of the group holds any more', async () => {
    const registry = createMetricsRegistry('routing');
    const m = pipelineMetrics(registry);
    let held = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }];
    const unwatch = m.watchAssignment('routing', () => held);
    m.setLag('routing', 't', 0, 5);
    m.setLag('routing', 't', 1, 9);
    // Another group, with no consumer watched here, is left as it is.
    m.setLag('other', 't', 3, 2);
    expect(await value(registry, 'vdx_consumer_lag', { partition: '1' })).toBe(9);
    held = [{ topic: 't', partition: 0 }]; // a rebalance moved partition 1 away
    expect(await value(registry, 'vdx_consumer_lag', { partition: '1' })).toBeUndefined();
    expect(await value(registry, 'vdx_consumer_lag', { group: 'routing', partition: '0' })).toBe(5);
    unwatch();
    expect(await value(registry, 'vdx_consumer_lag', { group: 'routing', partition: '0' })).toBeUndefined();
    expect(await value(registry, 'vdx_consumer_lag', { group: 'other' })).toBe(2);
  });

  it('asks the readiness checks at scrape time, 1 when they pass and 0 when they fail', async () => {
    const registry = createMetricsRegistry('gateway');
    let storeUp = true;
    let asked = 0;
    readinessMetrics(registry, {
      kafka: async () => void (asked += 1),
      store: async () => {
        if (!storeUp) throw new Error('down');
      },
    });
    expect(asked).toBe(0);
    expect(await registry.metrics()).toMatch(/vdx_ready\{check="store",service="gateway"\} 1/);
    storeUp = false;
    const text = await registry.metrics();
    expect(text).toMatch(/vdx_ready\{check="store",service="gateway"\} 0/);
    expect(text).toMatch(/vdx_ready\{check="kafka",service="gateway"\} 1/);
    expect(asked).toBe(2);
  });

  it('keeps error codes as labels only when they are stable codes', () => {
    expect(codeLabel('EXCHANGE.INVALID_ARGUMENT')).toBe('EXCHANGE.INVALID_ARGUMENT');
    expect(codeLabel('EDXML.MALFORMED_XML')).toBe('EDXML.MALFORMED_XML');
    expect(codeLabel('MESSAGING.HANDLER_FAILED')).toBe('MESSAGING.HANDLER_FAILED');
    for (const bad of ['0190f3a2-7c1e-7000-8000-000000000000', 'something broke', 'ECONNREFUSED', '', undefined, 42, `X.${'A'.repeat(80)}`]) expect(codeLabel(bad)).toBe('OTHER');
  });
});
