import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { serviceApps } from './build';
import { INFRA_SERVICES, PORT_VARIABLES, type PortVariable } from './compose';
import { DOCKER_DIR, ROOT } from './podman';

// What docker/Containerfile and docker/compose.yaml must agree on with the code and the
// Kubernetes manifests: a target and a service per app, the apps' own ports, an environment each
// app's config schema accepts, and the hardening the smoke tests then check at run time.

type Json = Record<string, unknown>;
const APPS = serviceApps();

async function configSchema(app: string): Promise<z.ZodObject> {
  const mod = (await import(join(ROOT, 'apps', app, 'src/config'))) as Record<string, unknown>;
  const schemas = Object.values(mod).filter((v): v is z.ZodObject => v instanceof z.ZodObject);
  if (schemas.length !== 1) throw new Error(`apps/${app}/src/config.ts exports ${schemas.length} zod object schemas`);
  return schemas[0]!;
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` with the given variables. */
function interpolate(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (op === '?') throw new Error(`required variable ${name}: ${arg ?? ''}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

/** The `${VAR:-default}` defaults the compose file gives. */
function defaults(text: string): Map<string, string> {
  return new Map([...text.matchAll(/\$\{([A-Z0-9_]+):-([^}]*)\}/g)].map((m) => [m[1]!, m[2]!]));
}

/** The Containerfile's stages: `FROM … AS name` to the next FROM. */
function stages(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.replace(/\\\n/g, ' ').split(/^(?=FROM\s)/m);
  for (const p of parts) {
    const m = /^FROM\s+\S+\s+AS\s+([\w-]+)/.exec(p);
    if (m) out.set(m[1]!, p);
  }
  return out;
}

const stageEnv = (stage: string): Record<string, string> =>
  Object.fromEntries(
    [...stage.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((kv) => [kv[1]!, kv[2]!])),
  );

const k8sContainerPorts = (app: string): Record<string, number> => {
  const docs = YAML.parseAllDocuments(readFileSync(join(ROOT, 'k8s/base/apps', `${app}.yaml`), 'utf8')).map((d) => d.toJSON() as Json | null);
  const workload = docs.find((d) => d && (d['kind'] === 'Deployment' || d['kind'] === 'StatefulSet'))!;
  const c = (((workload['spec'] as Json)['template'] as Json)['spec'] as { containers: { ports: { name: string; containerPort: number }[] }[] }).containers[0]!;
  return Object.fromEntries(c.ports.map((p) => [p.name, p.containerPort]));
};

describe('docker/Containerfile', () => {
  const text = readFileSync(join(DOCKER_DIR, 'Containerfile'), 'utf8');
  const all = stages(text);

  it('has one target per app, each starting the app’s compiled main', () => {
    expect([...all.keys()].filter((s) => s !== 'runtime').sort()).toEqual(APPS);
    for (const app of APPS) {
      expect(all.get(app)).toMatch(new RegExp(`^FROM runtime AS ${app}\\b`));
      expect(all.get(app)).toContain(`CMD ["apps/${app}/src/main.js"]`);
    }
  });

  it('builds FROM the BASE_IMAGE argument, the project’s own base by default', () => {
    expect(text).toMatch(/^ARG BASE_IMAGE=localhost\/vdx\/base:\w+$/m);
    expect(all.get('runtime')).toMatch(/^FROM \$\{BASE_IMAGE\} AS runtime/);
  });

  it('runs as uid 10001 under tini, with a HEALTHCHECK on the service’s readiness', () => {
    const runtime = all.get('runtime')!;
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/node"]');
    expect(runtime).toMatch(/^HEALTHCHECK .*CMD \["\/usr\/local\/bin\/node", "\/app\/healthcheck.js", "\/health\/ready"\]$/m);
    expect(stageEnv(runtime)).toMatchObject({ HTTP_HOST: '0.0.0.0', NODE_ENV: 'production' });
  });

  it.each(APPS)('%s: listens and exposes the ports the Kubernetes manifest declares, and its schema accepts the image’s environment', async (app) => {
    const env = { ...stageEnv(all.get('runtime')!), ...stageEnv(all.get(app)!) };
    const ports = k8sContainerPorts(app);
    expect(env['HTTP_PORT']).toBe(String(ports['http']));
    const exposed = /^EXPOSE (.+)$/m.exec(all.get(app)!)![1]!.split(/\s+/).map(Number).sort();
    expect(exposed).toEqual(Object.values(ports).sort());
    const schema = await configSchema(app);
    expect(Object.keys(env).filter((k) => !(k in schema.shape) && k !== 'NODE_ENV' && k !== 'NO_COLOR')).toEqual([]);
    const parsed = schema.safeParse({ KAFKA_BROKERS: 'kafka:9092', MONGO_URL: 'mongodb://ferretdb:27017/', LEGACY_SECRET_KEY: 'ab'.repeat(32), ...env });
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

describe('docker/compose.yaml', () => {
  const text = readFileSync(join(DOCKER_DIR, 'compose.yaml'), 'utf8');
  const vars = { LEGACY_SECRET_KEY: 'ab'.repeat(32) };
  const compose = YAML.parse(interpolate(text, vars), { merge: true }) as { services: Record<string, Json>; volumes: Record<string, unknown> };
  const services = compose.services;

  it('runs every app, Kafka and the store, each from its image of `npm run images`', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, ...INFRA_SERVICES].sort());
    for (const app of APPS) expect(services[app]!['image']).toBe(`localhost/vdx/${app}:dev`);
    expect(services['kafka']!['image']).toBe('localhost/vdx/kafka-local:dev');
    expect(services['ferretdb']!['image']).toBe('localhost/vdx/ferretdb-local:dev');
    expect(interpolate(text, { ...vars, VDX_IMAGE_PREFIX: 'registry.vdx.example/vdx', VDX_IMAGE_TAG: '0.1.0' })).toContain('image: registry.vdx.example/vdx/gateway:0.1.0');
  });

  it('refuses to start without LEGACY_SECRET_KEY', () => {
    expect(() => interpolate(text, {})).toThrow(/required variable LEGACY_SECRET_KEY/);
  });

  it('hardens every container: read-only root, /tmp on tmpfs, no capabilities, no privilege escalation', () => {
    for (const [name, s] of Object.entries(services)) {
      expect([name, s['read_only'], s['tmpfs'], s['cap_drop'], s['security_opt']]).toEqual([name, true, ['/tmp'], ['ALL'], ['no-new-privileges:true']]);
    }
  });

  it('starts the services after Kafka and the store are healthy, and again when their boot fails', () => {
    for (const app of APPS) {
      expect(services[app]!['depends_on']).toEqual({ kafka: { condition: 'service_healthy' }, ferretdb: { condition: 'service_healthy' } });
      expect(services[app]!['restart']).toBe('on-failure');
    }
    for (const infra of INFRA_SERVICES) expect((services[infra]!['healthcheck'] as Json)['test']).toEqual(expect.arrayContaining(['CMD']));
  });

  it('publishes each port on 127.0.0.1 only, from its own variable, by default clear of npm start’s and the test profile’s ports', () => {
    const published = Object.entries(services).flatMap(([name, s]) => ((s['ports'] as string[] | undefined) ?? []).map((p) => [name, p] as const));
    const raw = YAML.parse(text.replace(/\$\{LEGACY_SECRET_KEY:\?[^}]*\}/, 'x'), { merge: true }) as { services: Record<string, { ports?: string[] }> };
    const rawPorts = Object.entries(raw.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p] as const));
    expect(rawPorts.map(([name, p]) => {
      const m = /^127\.0\.0\.1:\$\{([A-Z_]+):-\d+\}:(\d+)$/.exec(p);
      return m ? [name, m[1], Number(m[2])] : [name, p];
    }).sort()).toEqual(Object.entries(PORT_VARIABLES).map(([v, [service, port]]) => [service, v, port]).sort());
    const taken = new Set([3001, 3002, 3003, 3004, 3005, 3006, 3007, 5001, 5002, 5005, 5007, 19092, 19093, 27018, 29092, 29093, 27028]);
    const d = defaults(text);
    const ports = (Object.keys(PORT_VARIABLES) as PortVariable[]).map((v) => Number(d.get(v)));
    expect(ports.filter((p) => taken.has(p) || !(p > 1024 && p < 65536))).toEqual([]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(published.length).toBe(ports.length);
  });

  it.each(APPS)('%s: an environment its config schema accepts, listening on the container ports it publishes', async (app) => {
    const env = services[app]!['environment'] as Record<string, string>;
    const schema = await configSchema(app);
    expect(Object.keys(env).filter((k) => !(k in schema.shape))).toEqual([]);
    const parsed = schema.safeParse(env);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const listens = [env['HTTP_PORT'], env['GRPC_URL']?.split(':')[1], env['LEGACY_PORT']].filter((p): p is string => p !== undefined).map(Number).sort();
    const mapped = ((services[app]!['ports'] as string[]) ?? []).map((p) => Number(p.split(':').pop())).sort();
    expect(mapped).toEqual(listens);
    expect(listens).toEqual(Object.values(k8sContainerPorts(app)).sort());
  });
});
