import { DELIVERY_REPLIES_TOPIC, EVENT_TOPIC_CONFIG, REPLY_TOPIC_CONFIG } from '@vdx/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CONSUMER_GROUPS, GENERATED, MAX_PIPELINE_INSTANCES, axisTopics, kafkaTopicResourceName, prometheusRuleYaml, topicsYaml } from './generate';

const ROOT = join(__dirname, '../..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('the generated manifests (tools/k8s/generate.ts)', () => {
  it.each(Object.keys(GENERATED))('%s holds what the generator writes (run it after changing a topic or an alert)', (file) => {
    expect(read(file) === GENERATED[file]!()).toBe(true);
  });

  it('wraps deploy/prometheus/alerts.yml, unchanged, in one PrometheusRule', () => {
    const docs = YAML.parseAllDocuments(prometheusRuleYaml()).map((d) => d.toJSON() as { kind: string; spec: { groups: unknown[] } });
    expect(docs.map((d) => d.kind)).toEqual(['PrometheusRule']);
    expect(docs[0]!.spec.groups).toEqual((YAML.parse(read('deploy/prometheus/alerts.yml')) as { groups: unknown[] }).groups);
  });

  it('refuses an alerts file without rule groups', () => {
    expect(() => prometheusRuleYaml('groups: []\n')).toThrow('K8S_ALERTS_EMPTY');
  });

  it('declares every event topic (both lanes), the snapshot, the commands and replies, and a dead-letter topic per consumer group', () => {
    const names = axisTopics().map((t) => t.name);
    for (const s of ['gateway', 'signature', 'routing', 'delivery']) expect(names).toEqual(expect.arrayContaining([`vdx.${s}.events.v1`, `vdx.${s}.events.v1.urgent`]));
    expect(names).toEqual(expect.arrayContaining(['vdx.directory.events.v1', 'vdx.directory.snapshot.v1', 'vdx.legacy-edge.events.v1', 'vdx.delivery.commands.v1', DELIVERY_REPLIES_TOPIC, 'vdx.dlq-replays.v1']));
    expect(names.filter((n) => n.startsWith('vdx.dlq.'))).toEqual(CONSUMER_GROUPS.map((g) => `vdx.dlq.${g}`));
    // One replies reader per delivery instance (StatefulSet ordinals 0 … max − 1).
    expect(CONSUMER_GROUPS.filter((g) => g.startsWith('delivery-replies.'))).toHaveLength(MAX_PIPELINE_INSTANCES);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps events and dead letters forever, uncompacted; compacts only the snapshot and the replay ledger; expires only the replies', () => {
    for (const t of axisTopics()) {
      const expected = t.name === DELIVERY_REPLIES_TOPIC ? REPLY_TOPIC_CONFIG : ['vdx.directory.snapshot.v1', 'vdx.dlq-replays.v1'].includes(t.name) ? { 'cleanup.policy': 'compact', 'retention.ms': '-1' } : EVENT_TOPIC_CONFIG;
      expect({ topic: t.name, config: t.config }).toMatchObject({ topic: t.name, config: expected });
    }
    const docs = YAML.parseAllDocuments(topicsYaml()).map((d) => d.toJSON() as { spec: { topicName: string; replicas: number; config: Record<string, string> } });
    expect(docs).toHaveLength(axisTopics().length);
    for (const d of docs) expect({ t: d.spec.topicName, replicas: d.spec.replicas, isr: d.spec.config['min.insync.replicas'] }).toEqual({ t: d.spec.topicName, replicas: 3, isr: '2' });
  });

  it('names a KafkaTopic after its topic, as a Kubernetes name', () => {
    expect(kafkaTopicResourceName('vdx.dlq.projection.exchange-traces')).toBe('vdx-dlq-projection-exchange-traces');
    expect(kafkaTopicResourceName('vdx.gateway.events.v1.urgent')).toBe('vdx-gateway-events-v1-urgent');
  });
});
