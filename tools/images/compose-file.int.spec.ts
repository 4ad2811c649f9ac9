import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceApps } from './build';
import { COMPOSE_FILE, INFRA_SERVICES, PORT_VARIABLES } from './compose';
import { ensureComposeCheck, loadWithComposeGo } from './compose-check';

// docker/compose.yaml is valid for `docker compose`: loaded by docker compose's own loader (the
// compose-spec Go library, built once into .local/bin), which validates it against the Compose
// Specification and normalises it. podman-compose runs it in tools/images/compose.smoke.e2e.spec.ts.
jest.setTimeout(10 * 60_000);

const KEY = 'cd'.repeat(32);

describe('docker/compose.yaml under the compose-spec loader of docker compose', () => {
  let dir: string;
  beforeAll(() => {
    ensureComposeCheck();
    dir = mkdtempSync(join(tmpdir(), 'vdx-compose-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is valid, with every app, Kafka and the store, hardened and published on 127.0.0.1 only', () => {
    const loaded = loadWithComposeGo(COMPOSE_FILE, { LEGACY_SECRET_KEY: KEY });
    if (!loaded.ok) throw new Error(loaded.error);
    const { services } = loaded.project;
    expect(Object.keys(services).sort()).toEqual([...serviceApps(), ...INFRA_SERVICES].sort());
    for (const [name, s] of Object.entries(services)) {
      expect([name, s.read_only, s.tmpfs, s.cap_drop, s.security_opt]).toEqual([name, true, ['/tmp'], ['ALL'], ['no-new-privileges:true']]);
      for (const p of s.ports ?? []) expect([name, p.host_ip]).toEqual([name, '127.0.0.1']);
    }
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p.target] as const));
    expect(published.sort()).toEqual(Object.values(PORT_VARIABLES).map(([s, port]) => [s, port] as const).sort());
    expect(services['legacy-edge']!.environment?.['LEGACY_SECRET_KEY']).toBe(KEY);
    expect(services['gateway']!.depends_on).toEqual({ kafka: expect.objectContaining({ condition: 'service_healthy' }) as unknown, ferretdb: expect.objectContaining({ condition: 'service_healthy' }) as unknown });
    expect(Object.keys(loaded.project.volumes ?? {}).sort()).toEqual(['ferretdb-data', 'kafka-data', 'signature-spool']);
  });

  it('takes the ports, the PKI directory and the images’ registry and tag from the environment', () => {
    const loaded = loadWithComposeGo(COMPOSE_FILE, { LEGACY_SECRET_KEY: KEY, VDX_GATEWAY_GRPC_PORT: '45001', VDX_PKI_DIR: '/srv/vdx/pki', VDX_IMAGE_PREFIX: 'registry.vdx.example/vdx', VDX_IMAGE_TAG: '0.1.0' });
    if (!loaded.ok) throw new Error(loaded.error);
    const gateway = loaded.project.services['gateway']!;
    expect(gateway.image).toBe('registry.vdx.example/vdx/gateway:0.1.0');
    expect(gateway.ports).toContainEqual(expect.objectContaining({ host_ip: '127.0.0.1', target: 5001, published: '45001' }));
    expect(gateway.volumes).toContainEqual(expect.objectContaining({ type: 'bind', source: '/srv/vdx/pki', target: '/var/run/vdx/pki', read_only: true }));
  });

  it('is refused without LEGACY_SECRET_KEY, saying what to set', () => {
    const loaded = loadWithComposeGo(COMPOSE_FILE, {});
    expect(loaded).toMatchObject({ ok: false, error: expect.stringContaining('LEGACY_SECRET_KEY') as unknown });
  });

  it('would refuse a field the Compose Specification does not have (the loader validates)', () => {
    const broken = join(dir, 'compose.yaml');
    writeFileSync(broken, readFileSync(COMPOSE_FILE, 'utf8').replace('  read_only: true\n  tmpfs:', '  readonly: true\n  tmpfs:'));
    const loaded = loadWithComposeGo(broken, { LEGACY_SECRET_KEY: KEY });
    expect(loaded).toMatchObject({ ok: false, error: expect.stringMatching(/readonly/) as unknown });
  });
});
