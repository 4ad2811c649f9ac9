// docker/compose.yaml under podman-compose, as the smoke test and an operator run it: a project
// of its own name, its ports and secrets from the environment, and what podman says of its
// containers. podman 4.3 cannot wait for `condition: service_healthy` (podman-compose ignores
// it and no systemd runs the health checks on a timer), so `up` here starts Kafka and the store
// first and waits until their HEALTHCHECKs pass (run on demand), as `docker compose` would.
import { join } from 'node:path';
import { DOCKER_DIR, ImagesError, podman, runTool } from './podman';
import { PODMAN_COMPOSE } from './toolchain';
import { waitUntil } from '@vdx/testing';

export const COMPOSE_FILE = join(DOCKER_DIR, 'compose.yaml');

/** The services of docker/compose.yaml that the others need first. */
export const INFRA_SERVICES = ['kafka', 'ferretdb'] as const;

/** The variables of docker/compose.yaml that publish a port on 127.0.0.1, by service and container port. */
export const PORT_VARIABLES = {
  VDX_KAFKA_PORT: ['kafka', 9094],
  VDX_FERRETDB_PORT: ['ferretdb', 27017],
  VDX_GATEWAY_HTTP_PORT: ['gateway', 3001],
  VDX_GATEWAY_GRPC_PORT: ['gateway', 5001],
  VDX_DIRECTORY_HTTP_PORT: ['directory', 3002],
  VDX_DIRECTORY_GRPC_PORT: ['directory', 5002],
  VDX_SIGNATURE_HTTP_PORT: ['signature', 3003],
  VDX_ROUTING_HTTP_PORT: ['routing', 3004],
  VDX_DELIVERY_HTTP_PORT: ['delivery', 3005],
  VDX_DELIVERY_GRPC_PORT: ['delivery', 5005],
  VDX_STATISTICS_HTTP_PORT: ['statistics', 3006],
  VDX_LEGACY_HTTP_PORT: ['legacy-edge', 3007],
  VDX_LEGACY_PORT: ['legacy-edge', 5007],
} as const satisfies Record<string, readonly [string, number]>;

export type PortVariable = keyof typeof PORT_VARIABLES;

/** A compose project name: lower-case letters, digits, `-` and `_`, starting with a letter or digit. */
export function composeProjectName(name: string): string {
  const p = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  if (p === '') throw new ImagesError('IMAGES.BAD_PROJECT', `${JSON.stringify(name)} gives no compose project name`);
  return p.slice(0, 63);
}

export interface ComposeContainer {
  readonly name: string;
  readonly service: string;
  readonly state: string;
}

export interface ComposeStackOptions {
  readonly project: string;
  /** The compose file's variables: ports, VDX_PKI_DIR, LEGACY_SECRET_KEY, image prefix and tag. */
  readonly env: Readonly<Record<string, string>>;
  readonly file?: string;
}

/** One project of docker/compose.yaml. */
export class ComposeStack {
  readonly project: string;
  private readonly file: string;

  constructor(private readonly options: ComposeStackOptions) {
    this.project = composeProjectName(options.project);
    this.file = options.file ?? COMPOSE_FILE;
  }

  private compose(args: readonly string[], timeoutMs = 300_000, allowFailure = false) {
    return runTool(PODMAN_COMPOSE, ['-f', this.file, '-p', this.project, ...args], { env: { ...this.options.env }, timeoutMs, allowFailure });
  }

  /** `up -d` of the services named (every one when none), without waiting for them. */
  start(services: readonly string[] = []): void {
    this.compose(['up', '-d', ...services]);
  }

  /** Starts Kafka and the store, waits until both are healthy, then starts the rest. */
  async up(timeoutMs = 180_000): Promise<void> {
    this.start(INFRA_SERVICES);
    for (const s of INFRA_SERVICES) await waitUntil(`${this.project} ${s} healthy`, () => this.healthy(s) || undefined, { timeoutMs, intervalMs: 1000 });
    this.start();
  }

  /** Stops and removes the containers, the network and the volumes; never throws (it runs on failure paths). */
  down(): { ok: boolean; output: string } {
    try {
      const r = this.compose(['down', '-v', '-t', '10'], 180_000, true);
      return { ok: r.status === 0 && this.containers().length === 0, output: r.stdout + r.stderr };
    } catch (err) {
      return { ok: false, output: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The project's containers, as podman lists them. */
  containers(): ComposeContainer[] {
    const out = podman(['ps', '-a', '--filter', `label=io.podman.compose.project=${this.project}`, '--format', 'json']);
    const list = JSON.parse(out === '' ? '[]' : out) as { Names: string[]; State: string; Labels?: Record<string, string> }[];
    return list.map((c) => ({ name: c.Names[0]!, service: c.Labels?.['com.docker.compose.service'] ?? '', state: c.State }));
  }

  /** The container of a service (the first, when scaled). */
  container(service: string): string {
    const c = this.containers().find((x) => x.service === service);
    if (!c) throw new ImagesError('IMAGES.NO_CONTAINER', `${this.project} has no container of ${service}`);
    return c.name;
  }

  /** Runs the service's HEALTHCHECK now: whether it passed. */
  healthy(service: string): boolean {
    return runTool('podman', ['healthcheck', 'run', this.container(service)], { allowFailure: true, timeoutMs: 30_000 }).status === 0;
  }

  /** The last lines a service printed, for a failure message. */
  logs(service: string, lines = 40): string {
    const r = runTool('podman', ['logs', '--tail', String(lines), this.container(service)], { allowFailure: true, timeoutMs: 30_000 });
    return r.stdout + r.stderr;
  }

  /** Every service's last lines. */
  allLogs(lines = 30): string {
    return this.containers()
      .map((c) => `--- ${c.service} (${c.state})\n${this.logs(c.service, lines)}`)
      .join('\n');
  }
}
