import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MIN_INSYNC_REPLICAS, TOPIC_PARTITIONS, TOPIC_REPLICAS } from './generate';
import { environmentOf, hostPort, listedDefaults, parseQuantity, workloads, type EnvSource, type Workload } from './inspect';
import { ensureTool } from './toolchain';
import { parseManifests, render, type Manifest } from './validate';

// What the rendered overlays must say beyond what any schema or the API server checks: each
// app's environment against its own config schema, ports against settings, who may call whom
// against who does, and the Kafka and store settings the code relies on. Renders with the
// kubectl of .local/bin (built once by tools/k8s/toolchain.ts).
jest.setTimeout(30 * 60_000);

type Json = Record<string, unknown>;
const ROOT = join(__dirname, '../..');
const APPS = readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/**
 * The secrets the manifests read but do not hold: created by an operator (the store's
 * connection string) or by the SRE before the first apply (k8s/README.md, "Secrets"), with a
 * value of the right form to check the configuration with.
 */
const OUTSIDE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'vdx-store-connection': { 'connectionString.standard': 'mongodb://vdx:secret@vdx-store-0.vdx-store-svc.vdx.svc.cluster.local:27017/admin?replicaSet=vdx-store&ssl=false' },
  'vdx-store-password': { password: 'a-password' },
  'vdx-legacy-edge': { 'secret-key': 'ab'.repeat(32) },
  'vdx-statistics': { accounts: '[]', 'session-secret': 'x'.repeat(40) },
  'vdx-axis-ca': { 'tls.crt': '', 'tls.key': '' },
};

async function configSchema(app: string): Promise<z.ZodObject> {
  const mod = (await import(join(ROOT, 'apps', app, 'src/config'))) as Record<string, unknown>;
  const schemas = Object.values(mod).filter((v): v is z.ZodObject => v instanceof z.ZodObject);
  if (schemas.length !== 1) throw new Error(`apps/${app}/src/config.ts exports ${schemas.length} zod object schemas`);
  return schemas[0]!;
}

const labelsMatch = (selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }, labels: Record<string, string>): boolean =>
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (selector.matchExpressions ?? []).every((e) => (e.operator === 'In' ? e.values!.includes(labels[e.key]!) : e.operator === 'Exists' ? e.key in labels : false));

describe.each(['dev', 'production'])('the %s overlay, wired to the code', (overlay) => {
  let manifests: Manifest[];
  let apps: Map<string, Workload>;
  const of = (kind: string) => manifests.filter((m) => m.kind === kind);
  const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const envs = new Map<string, Map<string, EnvSource>>();
  const value = (app: string, name: string): string | undefined => {
    const s = envs.get(app)!.get(name);
    return s && 'value' in s ? s.value : undefined;
  };

  beforeAll(() => {
    ensureTool('kubectl');
    manifests = parseManifests(render(`overlays/${overlay}`));
    apps = new Map(workloads(manifests).map((w) => [w.app, w]));
    for (const [app, w] of apps) envs.set(app, environmentOf(w.pod.containers[0]!, manifests));
  });

  it('runs every app of apps/, once, each with its Service, disruption budget, autoscaler, service account and scrape', () => {
    expect([...apps.keys()].sort()).toEqual(APPS);
    expect(workloads(manifests)).toHaveLength(APPS.length);
    for (const [app, w] of apps) {
      const kind = w.manifest.kind;
      const svc = named('Service', app);
      const hpa = named('HorizontalPodAutoscaler', app);
      const pdb = named('PodDisruptionBudget', app);
      const monitor = named('ServiceMonitor', app);
      const selector = (w.manifest['spec'] as { selector: { matchLabels: Record<string, string> } }).selector;
      expect({
        app,
        service: svc && labelsMatch({ matchLabels: (svc['spec'] as { selector: Record<string, string> }).selector }, (w.manifest['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels),
        hpa: hpa && (hpa['spec'] as { scaleTargetRef: Json }).scaleTargetRef,
        pdb: pdb && JSON.stringify((pdb['spec'] as { selector: Json }).selector) === JSON.stringify(selector),
        monitor: monitor && labelsMatch((monitor['spec'] as { selector: { matchLabels: Record<string, string> } }).selector, svc!.metadata.labels!),
        serviceAccount: Boolean(named('ServiceAccount', w.pod['serviceAccountName'] as string)),
      }).toEqual({ app, service: true, hpa: { apiVersion: 'apps/v1', kind, name: app }, pdb: true, monitor: true, serviceAccount: true });
    }
  });

  it("sets only variables of each app's config schema, every required one, and lists the rest as deliberate defaults", async () => {
    for (const [app] of apps) {
      const schema = await configSchema(app);
      const keys = Object.keys(schema.shape).sort();
      const required = keys.filter((k) => !(schema.shape[k] as z.ZodType).safeParse(undefined).success);
      const set = [...envs.get(app)!.keys()].sort();
      const defaults = listedDefaults(readFileSync(join(ROOT, 'k8s/base/config', `${app}.env`), 'utf8')).sort();
      expect({ app, unknown: set.filter((k) => !keys.includes(k)), requiredUnset: required.filter((k) => !set.includes(k)) }).toEqual({ app, unknown: [], requiredUnset: [] });
      expect({ app, setAndDefault: set.filter((k) => defaults.includes(k)), unknownDefaults: defaults.filter((k) => !keys.includes(k)) }).toEqual({ app, setAndDefault: [], unknownDefaults: [] });
      expect({ app, covered: [...set, ...defaults].sort() }).toEqual({ app, covered: keys });
    }
  });

  it("gives each app an environment its config schema accepts (secrets from outside the manifests by their documented form)", async () => {
    for (const [app, w] of apps) {
      const env: Record<string, string> = {};
      for (const [name, src] of envs.get(app)!) {
        if (src.from === 'field') env[name] = src.fieldPath === "metadata.labels['apps.kubernetes.io/pod-index']" ? '0' : `${w.manifest.metadata.name}-0`;
        else if (src.from === 'secret') env[name] = src.value ?? OUTSIDE[src.name]?.[src.key] ?? `(no value for secret ${src.name} key ${src.key})`;
        else env[name] = src.value ?? `(no value for ${name})`;
      }
      const parsed = (await configSchema(app)).safeParse(env);
      expect({ app, issues: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }).toEqual({ app, issues: [] });
    }
  });

  it('reads from outside the manifests only the secrets k8s/README.md tells the SRE to create', () => {
    const held = new Set(of('Secret').map((s) => s.metadata.name));
    const certificates = new Set(of('Certificate').map((c) => (c['spec'] as { secretName: string }).secretName));
    const referenced = new Set<string>();
    for (const [app, w] of apps) {
      for (const src of envs.get(app)!.values()) if (src.from === 'secret') referenced.add(src.name);
      for (const v of w.pod.volumes ?? []) {
        const vol = v as { secret?: { secretName: string }; projected?: { sources: { secret?: { name: string } }[] } };
        if (vol.secret) referenced.add(vol.secret.secretName);
        for (const s of vol.projected?.sources ?? []) if (s.secret) referenced.add(s.secret.name);
      }
    }
    for (const store of of('MongoDBCommunity')) for (const u of (store['spec'] as { users: { passwordSecretRef: { name: string } }[] }).users) referenced.add(u.passwordSecretRef.name);
    for (const issuer of of('Issuer')) {
      const ca = (issuer['spec'] as { ca?: { secretName: string } }).ca;
      if (ca) referenced.add(ca.secretName);
    }
    const outside = [...referenced].filter((s) => !held.has(s) && !certificates.has(s)).sort();
    const readme = readFileSync(join(ROOT, 'k8s/README.md'), 'utf8');
    expect(outside.filter((s) => !(s in OUTSIDE))).toEqual([]);
    expect(outside.filter((s) => !readme.includes(`\`${s}\``))).toEqual([]);
    expect(outside).toEqual(overlay === 'dev' ? ['vdx-store-connection'] : ['vdx-axis-ca', 'vdx-legacy-edge', 'vdx-statistics', 'vdx-store-connection', 'vdx-store-password']);
  });

  it('listens where the Services and probes look: HTTP_PORT, GRPC_URL, LEGACY_PORT on all addresses; PKI_DIR and the spool mounted', () => {
    for (const [app, w] of apps) {
      const c = w.pod.containers[0]!;
      const port = (n: string) => c.ports?.find((p) => p.name === n)?.containerPort;
      const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      expect({ app, host: value(app, 'HTTP_HOST'), http: Number(value(app, 'HTTP_PORT')) }).toEqual({ app, host: '0.0.0.0', http: port('http') });
      const grpc = value(app, 'GRPC_URL');
      expect({ app, grpc: grpc ? hostPort(grpc) : undefined }).toEqual({ app, grpc: port('grpc') ? { host: '0.0.0.0', port: port('grpc') } : undefined });
      if (value(app, 'LEGACY_PORT')) expect({ app, legacy: Number(value(app, 'LEGACY_PORT')), host: value(app, 'LEGACY_HOST') }).toEqual({ app, legacy: port('legacy'), host: '0.0.0.0' });
      for (const dirVar of ['PKI_DIR', 'SIGNATURE_SPOOL_DIR']) {
        const dir = value(app, dirVar);
        if (dir) expect({ app, dirVar, mounted: mounts.has(dir) }).toEqual({ app, dirVar, mounted: true });
      }
      expect({ app, tmp: mounts.get('/tmp') }).toEqual({ app, tmp: 'tmp' });
      for (const [probe, path] of [['startupProbe', '/health/live'], ['livenessProbe', '/health/live'], ['readinessProbe', '/health/ready']] as const) {
        expect({ app, probe, get: (c[probe] as { httpGet?: Json } | undefined)?.httpGet }).toEqual({ app, probe, get: { path, port: 'http' } });
      }
    }
  });

  it("verifies signatures cryptographically, each bundle read from the ConfigMap k8s/README.md tells the SRE to create, mounted read-only", () => {
    const w = apps.get('signature')!;
    const mounts = (w.pod.containers[0]!.volumeMounts ?? []) as { name: string; mountPath: string; readOnly?: boolean }[];
    expect(value('signature', 'SIGNATURE_VERIFIER')).toBe('cryptographic');
    const readme = readFileSync(join(ROOT, 'k8s/README.md'), 'utf8');
    for (const name of ['SIGNATURE_TRUST_ANCHORS_PATH', 'SIGNATURE_TSA_TRUST_ANCHORS_PATH']) {
      const file = value('signature', name) ?? '';
      const mount = mounts.find((m) => file.startsWith(`${m.mountPath}/`));
      const volume = (w.pod.volumes ?? []).find((v) => v.name === mount?.name) as { configMap?: { name: string; optional?: boolean } } | undefined;
      const configMap = volume?.configMap?.name;
      expect({ name, readOnly: mount?.readOnly, configMap, optional: volume?.configMap?.optional ?? false }).toEqual({ name, readOnly: true, configMap: 'vdx-signature-trust-anchors', optional: false });
      // The production roots cannot ship with the manifests: the SRE provides them, as the README says.
      expect({ name, inManifests: Boolean(named('ConfigMap', configMap!)), inReadme: readme.includes(`\`${configMap}\``), key: readme.includes(`\`${file.slice(mount!.mountPath.length + 1)}\``) }).toEqual({ name, inManifests: false, inReadme: true, key: true });
    }
  });

  it('runs every container non-root, read-only, without privilege escalation or capabilities, under RuntimeDefault seccomp, with requests within limits', () => {
    for (const [app, w] of apps) {
      const c = w.pod.containers[0]!;
      const sc = c.securityContext as { capabilities?: { drop?: string[] } } & Json;
      expect({
        app,
        pod: { runAsNonRoot: w.pod.securityContext?.['runAsNonRoot'], seccomp: (w.pod.securityContext?.['seccompProfile'] as Json | undefined)?.['type'] },
        container: { escalation: sc['allowPrivilegeEscalation'], readOnly: sc['readOnlyRootFilesystem'], nonRoot: sc['runAsNonRoot'], drop: sc.capabilities?.drop, token: w.pod['automountServiceAccountToken'] },
      }).toEqual({ app, pod: { runAsNonRoot: true, seccomp: 'RuntimeDefault' }, container: { escalation: false, readOnly: true, nonRoot: true, drop: ['ALL'], token: false } });
      for (const r of ['cpu', 'memory']) {
        const req = c.resources?.requests?.[r];
        const lim = c.resources?.limits?.[r];
        expect({ app, r, both: req !== undefined && lim !== undefined, within: req !== undefined && lim !== undefined && parseQuantity(req) <= parseQuantity(lim) }).toEqual({ app, r, both: true, within: true });
      }
    }
  });

  it('spreads every workload over zones and nodes, and scales the partition owners to at most one instance per partition', () => {
    for (const [app, w] of apps) {
      const keys = ((w.pod['topologySpreadConstraints'] as { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[] | undefined) ?? []).map((t) => [t.topologyKey, t.labelSelector.matchLabels['app.kubernetes.io/name']]);
      expect({ app, keys }).toEqual({ app, keys: [['topology.kubernetes.io/zone', app], ['kubernetes.io/hostname', app]] });
      const hpa = named('HorizontalPodAutoscaler', app)!['spec'] as { minReplicas: number; maxReplicas: number };
      const replicas = (w.manifest['spec'] as { replicas: number }).replicas;
      expect({ app, inRange: replicas >= hpa.minReplicas && replicas <= hpa.maxReplicas }).toEqual({ app, inRange: true });
      if (w.manifest.kind === 'StatefulSet') {
        expect({ app, max: hpa.maxReplicas <= Number(value(app, 'TOPIC_PARTITIONS')), id: envs.get(app)!.get('INSTANCE_ID') }).toEqual({ app, max: true, id: { from: 'field', fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } });
      }
    }
    // The single writer and the statistics read side run one instance, never two at once.
    for (const single of ['directory', 'statistics']) {
      expect({ single, hpa: (named('HorizontalPodAutoscaler', single)!['spec'] as Json)['maxReplicas'], strategy: ((apps.get(single)!.manifest['spec'] as Json)['strategy'] as Json)['type'] }).toEqual({ single, hpa: 1, strategy: 'Recreate' });
    }
  });

  it('lets in from outside only the gateway and the legacy edge, and to each internal gRPC API only the apps whose config calls it', () => {
    const policies = of('NetworkPolicy').map((p) => p['spec'] as { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; ingress?: { from?: Json[]; ports?: { port: string | number }[] }[] });
    expect(policies.some((p) => Object.keys(p.podSelector).length === 0 && p.policyTypes.includes('Ingress') && (p.ingress ?? []).length === 0)).toBe(true);
    const labelsOf = (app: string) => (apps.get(app)!.manifest['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    /** Who may reach `port` of `app`: 'anywhere', an app name, 'operator-tools', or `namespace:<name>`. */
    const allowed = (app: string, port: string) => {
      const who = new Set<string>();
      for (const p of policies.filter((x) => labelsMatch(x.podSelector, labelsOf(app)))) {
        for (const rule of p.ingress ?? []) {
          if (rule.ports && !rule.ports.some((x) => x.port === port)) continue;
          if (!rule.from) who.add('anywhere');
          for (const peer of rule.from ?? []) {
            const pod = (peer['podSelector'] as { matchLabels?: Record<string, string>; matchExpressions?: { values: string[] }[] } | undefined) ?? {};
            const ns = peer['namespaceSelector'] as { matchLabels: Record<string, string> } | undefined;
            if (ns) who.add(`namespace:${ns.matchLabels['kubernetes.io/metadata.name']}`);
            else if (pod.matchLabels?.['app.kubernetes.io/name']) who.add(pod.matchLabels['app.kubernetes.io/name']);
            else if (pod.matchLabels?.['app.kubernetes.io/component']) who.add(pod.matchLabels['app.kubernetes.io/component']);
            else for (const e of pod.matchExpressions ?? []) for (const v of e.values) who.add(v);
          }
        }
      }
      return [...who].sort();
    };
    // Who calls whom, from the apps' own settings (*_GRPC_URL naming a Service of another app).
    const callers = new Map<string, Set<string>>();
    for (const [app, env] of envs) {
      for (const [name, src] of env) {
        if (!/_GRPC_URL$/.test(name) || name === 'GRPC_URL' || !('value' in src) || !src.value) continue;
        const { host, port } = hostPort(src.value);
        const svc = named('Service', host);
        expect({ app, name, service: Boolean(svc) }).toEqual({ app, name, service: true });
        const target = (svc!['spec'] as { selector: Record<string, string>; ports: { port: number; targetPort: string }[] });
        const callee = target.selector['app.kubernetes.io/name']!;
        expect({ app, name, targetPort: target.ports.find((p) => p.port === port)?.targetPort }).toEqual({ app, name, targetPort: 'grpc' });
        callers.set(callee, new Set([...(callers.get(callee) ?? []), app]));
      }
    }
    expect(Object.fromEntries([...callers].map(([k, v]) => [k, [...v].sort()]))).toEqual({ delivery: ['gateway', 'statistics'], directory: ['legacy-edge'], gateway: ['legacy-edge'] });
    for (const [callee, from] of callers) {
      if (callee === 'gateway') continue;
      expect({ callee, allowed: allowed(callee, 'grpc') }).toEqual({ callee, allowed: [...from, 'operator-tools'].sort() });
    }
    const reach = Object.fromEntries(APPS.map((a) => [a, allowed(a, apps.get(a)!.pod.containers[0]!.ports!.find((p) => p.name !== 'http')?.name ?? 'none')]));
    expect(reach).toEqual({
      gateway: ['anywhere'],
      'legacy-edge': ['namespace:ingress-nginx'],
      directory: ['legacy-edge', 'operator-tools'],
      delivery: ['gateway', 'operator-tools', 'statistics'],
      signature: [],
      routing: [],
      statistics: [],
    });
    for (const a of APPS) expect({ a, http: allowed(a, 'http').filter((w) => w !== 'operator-tools') }).toEqual({ a, http: ['namespace:monitoring'] });
    const exposed = of('Service').filter((s) => ['LoadBalancer', 'NodePort'].includes((s['spec'] as { type?: string }).type ?? 'ClusterIP')).map((s) => s.metadata.name);
    expect(exposed).toEqual(['gateway-public']);
    const ingressBackends = of('Ingress').flatMap((i) => ((i['spec'] as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] }).rules).flatMap((r) => r.http.paths.map((p) => p.backend.service.name)));
    expect(ingressBackends).toEqual(['legacy-edge']);
  });

  it('points the services at the Strimzi cluster and the replica set, and keeps the log of record as invariants 1 and 5 say', () => {
    const kafka = of('Kafka');
    expect(kafka).toHaveLength(1);
    const spec = (kafka[0]!['spec'] as { kafka: { listeners: { name: string; port: number; tls: boolean }[]; config: Json } }).kafka;
    const plain = spec.listeners.find((l) => !l.tls)!;
    for (const app of APPS) expect({ app, brokers: value(app, 'KAFKA_BROKERS') }).toEqual({ app, brokers: `${kafka[0]!.metadata.name}-kafka-bootstrap:${plain.port}` });
    expect(spec.config).toMatchObject({ 'default.replication.factor': 3, 'min.insync.replicas': 2, 'transaction.state.log.replication.factor': 3, 'transaction.state.log.min.isr': 2, 'auto.create.topics.enable': false, 'unclean.leader.election.enable': false });
    expect(of('KafkaNodePool').map((p) => [(p['spec'] as { roles: string[] }).roles[0], (p['spec'] as { replicas: number }).replicas]).sort()).toEqual([['broker', 3], ['controller', 3]]);
    const topics = of('KafkaTopic').map((t) => t['spec'] as { topicName: string; partitions: number; replicas: number; config: Record<string, string> });
    for (const app of APPS) expect({ app, partitions: Number(value(app, 'TOPIC_PARTITIONS')), replicas: Number(value(app, 'TOPIC_REPLICATION_FACTOR')) }).toEqual({ app, partitions: TOPIC_PARTITIONS, replicas: TOPIC_REPLICAS });
    for (const t of topics) {
      expect({ t: t.topicName, replicas: t.replicas, isr: t.config['min.insync.replicas'] }).toEqual({ t: t.topicName, replicas: TOPIC_REPLICAS, isr: String(MIN_INSYNC_REPLICAS) });
      const kind = t.topicName === 'vdx.delivery.replies.v1' ? 'replies' : ['vdx.directory.snapshot.v1', 'vdx.dlq-replays.v1'].includes(t.topicName) ? 'compacted' : 'record';
      const expected = { replies: { 'cleanup.policy': 'delete', 'retention.ms': '86400000' }, compacted: { 'cleanup.policy': 'compact', 'retention.ms': '-1' }, record: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } }[kind];
      expect({ t: t.topicName, config: t.config }).toMatchObject({ t: t.topicName, config: expected });
      expect({ t: t.topicName, partitions: t.partitions }).toEqual({ t: t.topicName, partitions: t.topicName.startsWith('vdx.dlq') ? 1 : TOPIC_PARTITIONS });
    }
    expect(topics.filter((t) => t.topicName.startsWith('vdx.dlq.')).length).toBeGreaterThanOrEqual(9);
    const store = of('MongoDBCommunity');
    expect(store).toHaveLength(1);
    const user = (store[0]!['spec'] as { users: { connectionStringSecretName: string }[] }).users[0]!;
    for (const app of APPS) expect({ app, mongo: envs.get(app)!.get('MONGO_URL') }).toMatchObject({ app, mongo: { from: 'secret', name: user.connectionStringSecretName, key: 'connectionString.standard' } });
  });

  it('issues every certificate a pod mounts from the axis CA, each service identity with its URI', () => {
    const certs = new Map(of('Certificate').map((c) => [(c['spec'] as { secretName: string }).secretName, c['spec'] as { issuerRef: { name: string; kind: string }; uris?: string[] }]));
    for (const [app, w] of apps) {
      const identity = (w.pod.volumes ?? []).find((v) => v.name === 'identity') as { secret?: { secretName: string } } | undefined;
      if (!identity) continue;
      expect({ app, cert: certs.get(identity.secret!.secretName) }).toMatchObject({ app, cert: { issuerRef: { kind: 'Issuer', name: 'vdx-axis-ca' }, uris: [`urn:vdx:service:${app}`] } });
    }
    const caIssuer = named('Issuer', 'vdx-axis-ca')!['spec'] as { ca: { secretName: string } };
    expect(caIssuer.ca.secretName).toBe('vdx-axis-ca');
    expect(Boolean(named('Certificate', 'vdx-axis-ca'))).toBe(overlay === 'dev');
  });
});
