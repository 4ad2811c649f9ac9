import { startApiServer, type ApiServer } from './api-server';
import { ensureKubernetesSchemas } from './kubernetes-schemas';
import { ensureToolchain } from './toolchain';
import { dryRun, installCrds, kubeconform, overlays, parseManifests, render, toYaml, type Manifest } from './validate';

// The tools are built from their Go modules the first time (about 10 minutes on two cores; npm
// test builds them in a step of its own before the tests), then taken from .local/bin.
jest.setTimeout(30 * 60_000);

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const at = (m: Json, path: readonly (string | number)[]): Json => path.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k]!, m);

describe('the manifests, checked by kubeconform and by a real kube-apiserver', () => {
  let server: ApiServer;
  const rendered = new Map<string, Manifest[]>();
  const text = new Map<string, string>();

  beforeAll(async () => {
    ensureToolchain();
    ensureKubernetesSchemas();
    server = await startApiServer();
    installCrds(server);
    for (const o of overlays()) {
      text.set(o, render(`overlays/${o}`));
      rendered.set(o, parseManifests(text.get(o)!));
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  const dev = () => rendered.get('dev')!;
  const find = (kind: string, name: string): Manifest => {
    const m = dev().find((x) => x.kind === kind && x.metadata.name === name);
    if (!m) throw new Error(`no ${kind}/${name} in the dev overlay`);
    return clone(m);
  };
  /** The dev overlay's namespace, then `broken`: what the server and kubeconform say of it. */
  const check = (broken: Manifest) => ({
    server: dryRun(server, [find('Namespace', 'vdx'), broken]),
    schema: kubeconform(toYaml([broken])),
  });

  it('has the two overlays, dev and production', () => {
    expect(overlays()).toEqual(['dev', 'production']);
  });

  it.each(['dev', 'production'])('%s: every resource is valid under kubeconform -strict (Kubernetes and vendored CRD schemas)', (o) => {
    const report = kubeconform(text.get(o)!);
    expect(report).toEqual({ valid: rendered.get(o)!.length, invalid: 0, errors: 0, skipped: 0, problems: [] });
  });

  it.each(['dev', 'production'])('%s: the API server accepts every resource (apply --dry-run=server --validate=strict), without a warning', (o) => {
    const r = dryRun(server, rendered.get(o)!);
    expect({ ok: r.ok, refusals: r.refusals, warnings: r.warnings }).toEqual({ ok: true, refusals: [], warnings: [] });
    // One line per resource: "<kind>/<name> created (server dry run)" (or configured, for the namespace).
    expect(r.output.split('\n').filter((l) => /\(server dry run\)$/.test(l))).toHaveLength(rendered.get(o)!.length);
  });

  it('refuses a Deployment whose selector does not match its pod template (kubeconform does not see it)', () => {
    const d = find('Deployment', 'gateway');
    (at(d, ['spec', 'template', 'metadata', 'labels']) as Record<string, string>)['app.kubernetes.io/name'] = 'gateway-v2';
    const { server: s, schema } = check(d);
    expect(schema.problems).toEqual([]);
    expect(s.ok).toBe(false);
    expect(s.refusals.join('\n')).toMatch(/The Deployment "gateway" is invalid: spec.template.metadata.labels: Invalid value: .*"gateway-v2".*`selector` does not match template `labels`/);
  });

  it('refuses requests above limits (kubeconform does not see it)', () => {
    const d = find('StatefulSet', 'delivery');
    const resources = at(d, ['spec', 'template', 'spec', 'containers', 0, 'resources']) as { requests: Json; limits: Json };
    resources.requests['memory'] = '4Gi';
    resources.requests['cpu'] = '3';
    const { server: s, schema } = check(d);
    expect(schema.problems).toEqual([]);
    expect(s.ok).toBe(false);
    const refusal = s.refusals.join('\n');
    expect(refusal).toContain('spec.template.spec.containers[0].resources.requests: Invalid value: "3": must be less than or equal to cpu limit of 2');
    expect(refusal).toContain('spec.template.spec.containers[0].resources.requests: Invalid value: "4Gi": must be less than or equal to memory limit of 1536Mi');
  });

  it('refuses an unknown field, in a built-in kind and in a custom resource', () => {
    const d = find('Deployment', 'gateway');
    const container = at(d, ['spec', 'template', 'spec', 'containers', 0]);
    container['imagePullPolcy'] = container['imagePullPolicy'];
    delete container['imagePullPolicy'];
    const builtIn = check(d);
    expect(builtIn.server.ok).toBe(false);
    expect(builtIn.server.refusals.join('\n')).toContain('unknown field "spec.template.spec.containers[0].imagePullPolcy"');
    expect(builtIn.schema.problems.join('\n')).toContain("additional properties 'imagePullPolcy' not allowed");

    const t = find('KafkaTopic', 'vdx-gateway-events-v1');
    (t['spec'] as Json)['replica'] = 3;
    const custom = check(t);
    expect(custom.server.ok).toBe(false);
    expect(custom.server.refusals.join('\n')).toContain('unknown field "spec.replica"');
    expect(custom.schema.problems.join('\n')).toContain("additional properties 'replica' not allowed");
  });

  it('refuses a name that is not a DNS label (kubeconform does not see it)', () => {
    const svc = find('Service', 'gateway-public');
    svc.metadata.name = 'Gateway_Public';
    const { server: s, schema } = check(svc);
    expect(schema.problems).toEqual([]);
    expect(s.ok).toBe(false);
    expect(s.refusals.join('\n')).toContain('metadata.name: Invalid value: "Gateway_Public": a lowercase RFC 1123 label must consist of lower case alphanumeric characters');
  });

  it('refuses cross-field mistakes of an autoscaler and a disruption budget (kubeconform does not see them)', () => {
    const hpa = find('HorizontalPodAutoscaler', 'gateway');
    (hpa['spec'] as Json)['minReplicas'] = 20;
    const a = check(hpa);
    expect(a.schema.problems).toEqual([]);
    expect(a.server.refusals.join('\n')).toMatch(/spec.maxReplicas: Invalid value: 10: must be greater than or equal to `minReplicas`/);

    const pdb = find('PodDisruptionBudget', 'routing');
    (pdb['spec'] as Json)['minAvailable'] = 1;
    const b = check(pdb);
    expect(b.schema.problems).toEqual([]);
    expect(b.server.refusals.join('\n')).toContain('minAvailable and maxUnavailable cannot be both set');
  });

  it("enforces a CRD's CEL rule (Strimzi's rack needs a topology key; kubeconform does not see it)", () => {
    const k = find('Kafka', 'vdx');
    at(k, ['spec', 'kafka', 'rack'])['topologyKey'] = '';
    const { server: s, schema } = check(k);
    expect(schema.problems).toEqual([]);
    expect(s.ok).toBe(false);
    expect(s.refusals.join('\n')).toContain('topologyKey property is required');
  });

  it('warns, under Pod Security "restricted", of a workload that may run as root or keep capabilities', () => {
    const d = find('Deployment', 'statistics');
    const pod = at(d, ['spec', 'template', 'spec']);
    delete (pod['securityContext'] as Json)['runAsNonRoot'];
    const container = at(d, ['spec', 'template', 'spec', 'containers', 0]);
    delete (container['securityContext'] as Json)['runAsNonRoot'];
    delete (container['securityContext'] as Json)['capabilities'];
    const { server: s, schema } = check(d);
    expect(schema.problems).toEqual([]);
    // A workload is admitted with a warning (the namespace warns of "restricted"), which fails validate.ts.
    expect(s.warnings.join('\n')).toMatch(/would violate PodSecurity "restricted:latest": .*unrestricted capabilities .*runAsNonRoot != true/);
  });
});
