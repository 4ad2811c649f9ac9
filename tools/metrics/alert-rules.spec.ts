import { clientErrorMetrics, createMetricsRegistry, deliveryMetrics, edgeMetrics, legacyEdgeMetrics, pipelineMetrics, readinessMetrics } from '@vdx/observability';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dashboardText, dashboards } from './dashboards';

const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Rule {
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

const rules = (parse(read('deploy/prometheus/alerts.yml')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r): r is Rule & { alert: string } => typeof r.alert === 'string');
const tests = parse(read('deploy/prometheus/alerts.test.yml')) as { rule_files: string[]; tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };

/** Every series name the services can serve (the process defaults aside). */
function servedNames(): Set<string> {
  const registry = createMetricsRegistry('any');
  pipelineMetrics(registry);
  clientErrorMetrics(registry);
  edgeMetrics(registry);
  legacyEdgeMetrics(registry);
  deliveryMetrics(registry);
  readinessMetrics(registry, {});
  return new Set(registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name).filter((n) => n.startsWith('vdx_')));
}

/** The `vdx_*` series an expression reads, histogram suffixes folded into their metric. */
const seriesIn = (expr: string) => [...new Set([...expr.matchAll(/\bvdx_[a-z_]+/g)].map(([m]) => m.replace(/_(bucket|sum|count)$/, '')))];

describe('alert rules (deploy/prometheus/alerts.yml)', () => {
  it('covers what on-call is asked to watch', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual(
      ['VdxClientErrors', 'VdxConsumerLagGrowing', 'VdxConsumerStalled', 'VdxDeadLetters', 'VdxDeliveriesDead', 'VdxDeliveriesOverdue', 'VdxEdgeErrorRate', 'VdxServiceDown', 'VdxServiceNotReady'].sort(),
    );
  });

  it.each(alerts.map((a) => [a.alert, a] as const))('%s has a severity, a summary and a runbook that exists', (name, a) => {
    expect(['page', 'ticket']).toContain(a.labels?.severity);
    expect(a.annotations?.summary).toBeTruthy();
    expect(a.annotations?.runbook_url).toBe(`docs/runbooks/${name}.md`);
    expect(existsSync(join(root, a.annotations!.runbook_url!))).toBe(true);
    const runbook = read(a.annotations!.runbook_url!);
    expect(runbook.startsWith(`# ${name}`)).toBe(true);
    // Every runbook says what the alert means, what to check first and how to resolve it.
    for (const section of ['## What it means', '## First checks', '## Resolving it']) expect({ name, has: runbook.includes(section), section }).toEqual({ name, has: true, section });
  });

  it('reads only series the services serve', () => {
    const served = servedNames();
    const unknown = alerts.flatMap((a) => seriesIn(a.expr).filter((s) => !served.has(s)).map((s) => `${a.alert}: ${s}`));
    expect(unknown).toEqual([]);
  });

  it('has a promtool test for every alert, with a case where it fires', () => {
    expect(tests.rule_files).toEqual(['alerts.yml']);
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const a of alerts) expect({ alert: a.alert, fires: cases.some((c) => c.alertname === a.alert && c.exp_alerts.length > 0) }).toEqual({ alert: a.alert, fires: true });
  });
});

describe('Grafana dashboards (deploy/grafana)', () => {
  const files = readdirSync(join(root, 'deploy/grafana')).filter((f) => f.endsWith('.json'));

  it('has the axis overview and one per service', () => {
    expect(files.sort()).toEqual(['vdx-axis.json', 'vdx-delivery.json', 'vdx-directory.json', 'vdx-gateway.json', 'vdx-legacy-edge.json', 'vdx-routing.json', 'vdx-signature.json', 'vdx-statistics.json']);
  });

  it('holds what tools/metrics/dashboards.ts builds (run it after changing a panel)', () => {
    for (const [file, d] of Object.entries(dashboards())) expect({ file, same: read(`deploy/grafana/${file}`) === dashboardText(d) }).toEqual({ file, same: true });
  });

  it.each(files)('%s is a dashboard whose panels read only served series', (file) => {
    const served = servedNames();
    const dash = JSON.parse(read(`deploy/grafana/${file}`)) as { uid: string; title: string; panels: { title: string; targets?: { expr: string }[] }[] };
    expect(dash.uid).toBe(file.replace(/\.json$/, ''));
    expect(dash.panels.length).toBeGreaterThan(0);
    const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(0);
    expect(exprs.flatMap(seriesIn).filter((s) => !served.has(s))).toEqual([]);
  });
});
