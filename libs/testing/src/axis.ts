import { DIRECTORY_PROTO } from '@vdx/contracts';
import type { CallError } from '@vdx/contracts/errors';
import type { DeepPartial, directoryV1 } from '@vdx/contracts/grpc';
import { DeliveryClient } from '@vdx/delivery-client';
import { ExchangeClient, type ClientTls } from '@vdx/exchange-client';
import { GrpcClient } from '@vdx/grpc-client';
import { DEFAULT_OPERATOR, initPkiDirectory, issueIdentityInDirectory, issueSystemInDirectory, loadCredentialFiles, pkiPaths, type TlsIdentity } from '@vdx/pki';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTs, stopProcess, type TsProcess } from './child-process';
import { freePort } from './free-port';
import { testEnv, uniqueDbName, uniqueName } from './test-env';
import { StopWaiting, waitUntil } from './wait-until';

/** The services `startAxis` can start, each from `apps/<name>/src/main.ts`. */
export type AxisService = 'directory' | 'gateway' | 'signature' | 'routing' | 'delivery' | 'legacy-edge';

/** The services of a document's way through the axis, in the order they are started. */
export const PIPELINE: readonly AxisService[] = ['directory', 'gateway', 'signature', 'routing', 'delivery'];

/**
 * What a `beforeAll` that starts an axis may take (the global int/e2e timeout is a minute):
 * on a loaded two-core machine five to nine Node processes compile and boot for one to three
 * minutes before the last is ready.
 */
export const AXIS_START_TIMEOUT_MS = 300_000;

/** The topics of one axis: fresh names under `<name>.vdx.`, so suites never read each other's events. */
export interface AxisTopics {
  readonly directory: string;
  readonly snapshot: string;
  readonly gateway: string;
  readonly signature: string;
  readonly routing: string;
  readonly delivery: string;
  readonly legacyEdge: string;
}

/** An agency registered in the directory before the pipeline starts. */
export interface AxisAgency {
  readonly code: string;
  readonly name: string;
}

/** A connected system: a client certificate is issued for it and it is connected to `code`. */
export interface AxisSystem {
  readonly systemId: string;
  readonly code: string;
  /** `host:port` of its push endpoint, when it takes pushes. */
  readonly endpoint?: string;
  /** Connect it with this fingerprint and issue no certificate (a system that never calls). */
  readonly fingerprint?: string;
}

export interface AxisOptions {
  /** Prefix of the topics and the database (made unique). */
  readonly name: string;
  /** The services, started in this order after the directory; default {@link PIPELINE}. */
  readonly services?: readonly AxisService[];
  /** Instances of a service (default 1). The directory is a single writer: always one. */
  readonly instances?: Partial<Record<Exclude<AxisService, 'directory'>, number>>;
  /** `TOPIC_PARTITIONS` (default 2); at least the largest instance count. */
  readonly partitions?: number;
  /** `LOG_LEVEL` of every service (default `warn`). */
  readonly logLevel?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Kafka and the store (default: the test environment's, `testEnv()`). */
  readonly kafkaBrokers?: string;
  readonly mongoUrl?: string;
  /** Environment of every instance of a service, over what the harness sets. */
  readonly env?: Partial<Record<AxisService, Readonly<Record<string, string>>>>;
  /** Registered in the directory, in order, once it is up. */
  readonly agencies?: readonly AxisAgency[];
  /** Issued a certificate and connected, in order, after the agencies. */
  readonly systems?: readonly AxisSystem[];
  /**
   * Runs once the directory is up and seeded, before the other services start: more directory
   * commands, secrets, files the services read at boot.
   */
  readonly seed?: (axis: Axis) => Promise<void>;
  /** Deadline of each readiness wait (default 180 s). */
  readonly readyTimeoutMs?: number;
  /** Copy the services' output to this process's stderr as it comes. */
  readonly echo?: boolean;
  /** Node options of every instance, before its entry point (a `-r` preload, say). */
  readonly nodeArgs?: readonly string[];
}

/** One running (or killed) instance of a service. */
export interface AxisInstance {
  readonly service: AxisService;
  readonly index: number;
  /** `<service>-<index>`. */
  readonly id: string;
  readonly env: Readonly<Record<string, string>>;
  readonly httpPort: number;
  /** `host:port` of its gRPC server (directory, gateway, delivery), else ''. */
  readonly grpcUrl: string;
  /** The current process; a new one after each start. */
  readonly process: TsProcess;
  /** What it printed so far (the last 20,000 characters). */
  output(): string;
}

/** A running axis: where its parts are, its systems' credentials, and handles on each instance. */
export interface Axis {
  readonly name: string;
  readonly topics: AxisTopics;
  readonly db: string;
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  /** A directory of its own (PKI and whatever a suite puts there), removed by `stop`. */
  readonly dir: string;
  readonly pkiDir: string;
  readonly directoryUrl: string;
  /** The first gateway's and the first delivery instance's gRPC addresses. */
  readonly gatewayUrl: string;
  readonly deliveryUrl: string;
  /** The legacy edge's endpoint URL (`…/XrdAdapter/adapter`) and its `LEGACY_SECRET_KEY`. */
  readonly legacyEndpoint: string;
  readonly legacySecretKey: string;
  instance(service: AxisService, index?: number): AxisInstance;
  instances(service: AxisService): readonly AxisInstance[];
  /** The client certificate of a system of `options.systems`. */
  credentials(systemId: string): ClientTls;
  /** The operator identity (`urn:vdx:operator:operator`) for calls to directory.v1 and delivery.v1, as `vdx` makes them. */
  readonly operatorTls: TlsIdentity;
  /** The identity of a service of the internal APIs (`gateway`, `directory`, `delivery`, `legacy-edge`), as that service has it. */
  serviceTls(service: string): TlsIdentity;
  /** Issues (or reads, when issued before) another identity from the axis CA: a test calling as `service:signature`, say. */
  issueIdentity(kind: 'service' | 'operator', name: string): Promise<TlsIdentity>;
  fingerprint(systemId: string): string;
  /** An exchange client of `systemId` on gateway `gateway` (default the first), closed by `stop`. */
  client(systemId: string, gateway?: number): ExchangeClient;
  /** Kills an instance (SIGKILL unless told otherwise) and resolves with its exit. */
  kill(service: AxisService, index?: number, signal?: NodeJS.Signals): Promise<number | string>;
  /** Starts an instance again with the same environment (it must have exited); does not wait. */
  start(service: AxisService, index?: number): void;
  /**
   * Resolves once the instance answers as when the axis started (fails at once if it exits);
   * `timeoutMs` is the deadline of each of its waits (default `readyTimeoutMs`).
   */
  ready(service: AxisService, index?: number, timeoutMs?: number): Promise<void>;
  /** `kill`, `start` and `ready` (with `timeoutMs`, e.g. `RESTART_READY_TIMEOUT_MS` of `@vdx/testing`). */
  restart(service: AxisService, index?: number, signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** The last lines each instance printed, for a failure message, with how it ended when it is gone. */
  outputs(chars?: number): string;
  /** Stops every instance (SIGTERM, then SIGKILL after 20 s), closes the clients, removes `dir`. */
  stop(): Promise<void>;
}

/** The few directory calls the harness makes, as the operator (mutual TLS); suites use `DirectoryClient` of `@vdx/directory-client`. */
class DirectorySeeder {
  private readonly client: GrpcClient<directoryV1.DirectoryService>;

  constructor(url: string, operator: TlsIdentity) {
    this.client = new GrpcClient(DIRECTORY_PROTO, url, { security: { identity: operator, server: 'directory' } });
  }

  ready(timeoutMs: number): Promise<void> {
    return this.client.waitForReady(timeoutMs);
  }

  async call(method: 'RegisterAgency' | 'ConnectSystem', request: DeepPartial<directoryV1.RegisterAgencyRequest & directoryV1.ConnectSystemRequest>): Promise<void> {
    try {
      await this.client.unary(method, request);
    } catch (err) {
      const e = err as CallError;
      throw new Error(`directory ${method} ${JSON.stringify(request)} failed: ${e.code} ${e.message}`);
    }
  }

  close(): void {
    this.client.close();
  }
}

const ENTRY: Record<AxisService, string> = {
  directory: 'apps/directory/src/main.ts',
  gateway: 'apps/gateway/src/main.ts',
  signature: 'apps/signature/src/main.ts',
  routing: 'apps/routing/src/main.ts',
  delivery: 'apps/delivery/src/main.ts',
  'legacy-edge': 'apps/legacy-edge/src/main.ts',
};
/** Services with an identity on the internal APIs (their configuration has `INTERNAL_TLS_*`). */
const HAS_IDENTITY: ReadonlySet<AxisService> = new Set(['directory', 'gateway', 'delivery', 'legacy-edge']);

/**
 * The `INTERNAL_TLS_CERT`, `INTERNAL_TLS_KEY` and `INTERNAL_TLS_CA` of `service` whose identity
 * `initPkiDirectory(pkiDir)` issued (`services/<service>.crt/.key`), for a test or a benchmark
 * that starts services itself.
 */
export function internalTlsEnv(pkiDir: string, service: string): Record<string, string> {
  const paths = pkiPaths(pkiDir);
  const own = paths.service(service);
  return { INTERNAL_TLS_CERT: own.certPath, INTERNAL_TLS_KEY: own.keyPath, INTERNAL_TLS_CA: paths.ca.certPath };
}

/** Services whose configuration has `INSTANCE_ID` (their transactional ids and groups use it). */
const HAS_INSTANCE_ID: ReadonlySet<AxisService> = new Set(['signature', 'routing', 'delivery']);

/** Every process an axis started: killed when the test process exits, so none outlives a suite that timed out. */
const launched = new Set<TsProcess>();
let reaping = false;
function track(p: TsProcess): TsProcess {
  launched.add(p);
  void p.exited.then(() => launched.delete(p));
  if (!reaping) {
    reaping = true;
    process.once('exit', () => {
      for (const child of launched) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
    });
  }
  return p;
}

interface Slot {
  readonly service: AxisService;
  readonly index: number;
  readonly id: string;
  readonly env: Record<string, string>;
  readonly httpPort: number;
  readonly grpcUrl: string;
  process: TsProcess | null;
}

/**
 * Starts the axis as the e2e suites need it: each service as its own Node process
 * (`apps/<name>/src/main.ts`, as a deployment runs it), N instances where asked, on fresh topics
 * and a fresh database of the test Kafka and store, with a fresh sandbox PKI whose identities
 * every internal API runs on (mutual TLS, docs/adr/0024-internal-mtls.md; the harness seeds and
 * probes as the operator). The directory starts first and is seeded
 * (agencies, then systems with their certificates, then `seed`); then every other instance
 * starts at once, and the call resolves when each answers: `/health/ready` for all, gRPC for the
 * directory and delivery, `grpc.health.v1` SERVING for gateways (their directory cache caught
 * up). An instance that exits while starting fails the call at once with its output. Gateway `k`
 * talks to delivery instance `k` (modulo their count), as `npm start -- --instances` wires them.
 */
export async function startAxis(options: AxisOptions): Promise<Axis> {
  const env = options.kafkaBrokers && options.mongoUrl ? { kafkaBrokers: options.kafkaBrokers, mongoUrl: options.mongoUrl } : { ...testEnv(), ...pick(options) };
  const name = uniqueName(options.name);
  // `<name>.vdx.…`: a namespace of the project's own, as `vdx backup --prefix` takes it.
  const topics: AxisTopics = {
    directory: `${name}.vdx.directory`,
    snapshot: `${name}.vdx.snapshot`,
    gateway: `${name}.vdx.gateway`,
    signature: `${name}.vdx.signature`,
    routing: `${name}.vdx.routing`,
    delivery: `${name}.vdx.delivery`,
    legacyEdge: `${name}.vdx.legacy-edge`,
  };
  const db = uniqueDbName(options.name.replace(/[^a-zA-Z0-9]/g, '_'));
  const services = [...new Set(options.services ?? PIPELINE)];
  const readyMs = options.readyTimeoutMs ?? 180_000;
  const dir = mkdtempSync(join(tmpdir(), 'vdx-axis-'));
  const pkiDir = join(dir, 'pki');
  mkdirSync(pkiDir, { recursive: true });
  const legacySecretKey = randomBytes(32).toString('hex');
  const partitions = options.partitions ?? 2;
  const most = Math.max(1, ...Object.values(options.instances ?? {}).map((n) => n ?? 1));
  if (partitions < most) throw new Error(`startAxis: ${most} instances need at least ${most} partitions, not ${partitions}`);
  const count = (s: AxisService) => (s === 'directory' ? 1 : Math.max(1, options.instances?.[s as Exclude<AxisService, 'directory'>] ?? 1));
  const common = { KAFKA_BROKERS: env.kafkaBrokers, MONGO_URL: env.mongoUrl, MONGO_DB: db, TOPIC_PARTITIONS: String(partitions), LOG_LEVEL: options.logLevel ?? 'warn' };

  // Addresses first: the gateways need the delivery instances' and the edge the gateway's.
  const grpcUrls = new Map<string, string>();
  for (const s of services) {
    if (s !== 'directory' && s !== 'gateway' && s !== 'delivery') continue;
    for (let k = 0; k < count(s); k++) grpcUrls.set(`${s}-${k}`, `127.0.0.1:${await freePort()}`);
  }
  const directoryUrl = grpcUrls.get('directory-0') ?? `127.0.0.1:${await freePort()}`;
  const nowhere = `127.0.0.1:${await freePort()}`; // a delivery API nobody serves, for a gateway alone
  const legacyPort = await freePort();
  const serviceEnv = (s: AxisService, k: number): Record<string, string> => {
    const grpc = grpcUrls.get(`${s}-${k}`);
    const own: Record<string, string> = grpc ? { GRPC_URL: grpc } : {};
    if (HAS_INSTANCE_ID.has(s)) own['INSTANCE_ID'] = String(k);
    if (HAS_IDENTITY.has(s)) Object.assign(own, internalTlsEnv(pkiDir, s));
    switch (s) {
      case 'directory':
        return { ...own, DIRECTORY_EVENTS_TOPIC: topics.directory, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot };
      case 'gateway': {
        const deliveries = services.includes('delivery') ? count('delivery') : 0;
        return {
          ...own,
          PKI_DIR: pkiDir,
          DELIVERY_GRPC_URL: deliveries > 0 ? grpcUrls.get(`delivery-${k % deliveries}`)! : nowhere,
          GATEWAY_EVENTS_TOPIC: topics.gateway,
          SIGNATURE_EVENTS_TOPIC: topics.signature,
          ROUTING_EVENTS_TOPIC: topics.routing,
          DELIVERY_EVENTS_TOPIC: topics.delivery,
          DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot,
        };
      }
      case 'signature':
        return { ...own, GATEWAY_EVENTS_TOPIC: topics.gateway, SIGNATURE_EVENTS_TOPIC: topics.signature };
      case 'routing':
        return { ...own, SIGNATURE_EVENTS_TOPIC: topics.signature, ROUTING_EVENTS_TOPIC: topics.routing, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot };
      case 'delivery':
        return { ...own, ROUTING_EVENTS_TOPIC: topics.routing, DELIVERY_EVENTS_TOPIC: topics.delivery };
      case 'legacy-edge':
        return {
          ...own,
          LEGACY_HOST: '127.0.0.1',
          LEGACY_PORT: String(legacyPort),
          GATEWAY_GRPC_URL: grpcUrls.get('gateway-0') ?? nowhere,
          DIRECTORY_GRPC_URL: directoryUrl,
          PKI_DIR: pkiDir,
          LEGACY_SECRET_KEY: legacySecretKey,
          LEGACY_EDGE_EVENTS_TOPIC: topics.legacyEdge,
          DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot,
        };
    }
  };
  const slots = new Map<string, Slot>();
  for (const s of services) {
    for (let k = 0; k < count(s); k++) {
      const httpPort = await freePort();
      slots.set(`${s}-${k}`, {
        service: s,
        index: k,
        id: `${s}-${k}`,
        env: { ...common, HTTP_PORT: String(httpPort), ...serviceEnv(s, k), ...options.env?.[s] },
        httpPort,
        grpcUrl: grpcUrls.get(`${s}-${k}`) ?? '',
        process: null,
      });
    }
  }

  const fingerprints = new Map<string, string>();
  const clients: { close(): void }[] = [];
  let probe: ClientTls | undefined;
  let operatorTls: TlsIdentity | undefined;
  const operator = (): TlsIdentity => {
    if (!operatorTls) throw new Error('the axis PKI is not made yet');
    return operatorTls;
  };
  let stopped = false;
  const slot = (service: AxisService, index = 0): Slot => {
    const found = slots.get(`${service}-${index}`);
    if (!found) throw new Error(`this axis has no ${service} instance ${index} (services: ${[...slots.keys()].join(', ')})`);
    return found;
  };
  const spawn = (s: Slot) => {
    if (s.process && s.process.child.exitCode === null && s.process.child.signalCode === null) throw new Error(`${s.id} is still running: kill it before starting it again`);
    s.process = track(spawnTs(ENTRY[s.service], s.env, { echo: options.echo, nodeArgs: options.nodeArgs }));
  };
  const exitedEarly = (s: Slot) => {
    const p = s.process;
    if (p && (p.child.exitCode !== null || p.child.signalCode !== null)) {
      throw new StopWaiting(`${s.id} exited (${String(p.child.exitCode ?? p.child.signalCode)}) before it was ready:\n${p.output().slice(-3000)}`);
    }
  };
  const httpReady = async (s: Slot) => {
    exitedEarly(s);
    const res = await fetch(`http://127.0.0.1:${s.httpPort}/health/ready`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200 || undefined;
  };
  const ready = async (s: Slot, timeoutMs = readyMs) => {
    const wait = <T>(what: string, check: () => Promise<T | false | undefined>) =>
      waitUntil(`${s.id} ${what}`, check, { timeoutMs, intervalMs: 250 }).catch((err: Error) => {
        throw err instanceof StopWaiting ? err : new Error(`${err.message}\n--- ${s.id} output:\n${s.process?.output().slice(-3000) ?? ''}`, { cause: err });
      });
    await wait('/health/ready answering 200', () => httpReady(s));
    if (s.service === 'directory' || s.service === 'delivery') {
      await wait('gRPC accepting calls', async () => {
        exitedEarly(s);
        const c = s.service === 'directory' ? new DirectorySeeder(s.grpcUrl, operator()) : new DeliveryClient(s.grpcUrl, operator());
        try {
          await (c instanceof DirectorySeeder ? c.ready(2000) : c.waitForReady(2000));
          return true;
        } finally {
          c.close();
        }
      });
    }
    // SERVING once its directory cache caught up: only meaningful with a directory to follow.
    if (s.service === 'gateway' && probe && slots.has('directory-0')) {
      const c = new ExchangeClient(s.grpcUrl, probe);
      try {
        await wait('grpc.health.v1 SERVING', async () => {
          exitedEarly(s);
          return (await c.checkHealth(2000)) === 'SERVING' || undefined;
        });
      } finally {
        c.close();
      }
    }
  };

  const axis: Axis = {
    name,
    topics,
    db,
    kafkaBrokers: env.kafkaBrokers,
    mongoUrl: env.mongoUrl,
    dir,
    pkiDir,
    directoryUrl,
    gatewayUrl: grpcUrls.get('gateway-0') ?? '',
    deliveryUrl: grpcUrls.get('delivery-0') ?? '',
    legacyEndpoint: `http://127.0.0.1:${legacyPort}/XrdAdapter/adapter`,
    legacySecretKey,
    instance: (service, index = 0) => view(slot(service, index)),
    instances: (service) => [...slots.values()].filter((s) => s.service === service).map(view),
    credentials: (systemId) => {
      if (!fingerprints.has(systemId)) throw new Error(`${systemId} is not a system of this axis`);
      return loadCredentialFiles(pkiDir, `systems/${systemId}`);
    },
    get operatorTls() {
      return operator();
    },
    serviceTls: (service) => loadCredentialFiles(pkiDir, `services/${service}`),
    issueIdentity: async (kind, name) => {
      const existing = kind === 'service' ? pkiPaths(pkiDir).service(name) : pkiPaths(pkiDir).operator(name);
      if (!existsSync(existing.certPath)) await issueIdentityInDirectory(pkiDir, kind, name);
      return loadCredentialFiles(pkiDir, `${kind}s/${name}`);
    },
    fingerprint: (systemId) => {
      const fp = fingerprints.get(systemId);
      if (fp === undefined) throw new Error(`${systemId} is not a system of this axis`);
      return fp;
    },
    client: (systemId, gateway = 0) => {
      const c = new ExchangeClient(slot('gateway', gateway).grpcUrl, axis.credentials(systemId));
      clients.push(c);
      return c;
    },
    kill: async (service, index = 0, signal = 'SIGKILL') => {
      const s = slot(service, index);
      if (!s.process) throw new Error(`${s.id} was never started`);
      return s.process.kill(signal);
    },
    start: (service, index = 0) => spawn(slot(service, index)),
    ready: (service, index = 0, timeoutMs?: number) => ready(slot(service, index), timeoutMs),
    restart: async (service, index = 0, signal = 'SIGKILL', timeoutMs?: number) => {
      await axis.kill(service, index, signal);
      axis.start(service, index);
      await axis.ready(service, index, timeoutMs);
    },
    outputs: (chars = 1500) =>
      [...slots.values()]
        .filter((s) => s.process)
        .map((s) => `--- ${s.id}${exitNote(s.process!)}\n${s.process!.output().slice(-chars)}`)
        .join('\n'),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const c of clients) c.close();
      const all = [...slots.values()].filter((s) => s.process);
      // Everything at once, the directory last: the others read its snapshot topic.
      await Promise.all(all.filter((s) => s.service !== 'directory').map((s) => stopProcess(s.process!)));
      await Promise.all(all.filter((s) => s.service === 'directory').map((s) => stopProcess(s.process!)));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    // Always: every internal API runs over mutual TLS with the identities this issues.
    await initPkiDirectory(pkiDir);
    operatorTls = loadCredentialFiles(pkiDir, `operators/${DEFAULT_OPERATOR}`);
    for (const system of options.systems ?? []) {
      fingerprints.set(system.systemId, system.fingerprint ?? (await issueSystemInDirectory(pkiDir, system.systemId)).fingerprint);
    }
    const caller = options.systems?.find((s) => s.fingerprint === undefined)?.systemId;
    if (caller) probe = loadCredentialFiles(pkiDir, `systems/${caller}`);
    else if (services.includes('gateway')) {
      await issueSystemInDirectory(pkiDir, 'axis-probe');
      probe = loadCredentialFiles(pkiDir, 'systems/axis-probe');
    }

    if (slots.has('directory-0')) {
      const directory = slot('directory');
      spawn(directory);
      await ready(directory);
      const seeder = new DirectorySeeder(directoryUrl, operator());
      try {
        for (const a of options.agencies ?? []) await seeder.call('RegisterAgency', { code: a.code, name: a.name });
        for (const s of options.systems ?? []) {
          await seeder.call('ConnectSystem', { code: s.code, systemId: s.systemId, credentialFingerprint: fingerprints.get(s.systemId), ...(s.endpoint ? { endpoint: s.endpoint } : {}) });
        }
      } finally {
        seeder.close();
      }
    }
    await options.seed?.(axis);
    const rest = [...slots.values()].filter((s) => s.service !== 'directory');
    for (const s of rest) spawn(s);
    await Promise.all(rest.map((s) => ready(s)));
    return axis;
  } catch (err) {
    await axis.stop();
    throw err;
  }
}

function pick(options: AxisOptions): { kafkaBrokers?: string; mongoUrl?: string } {
  return { ...(options.kafkaBrokers ? { kafkaBrokers: options.kafkaBrokers } : {}), ...(options.mongoUrl ? { mongoUrl: options.mongoUrl } : {}) };
}

function view(s: Slot): AxisInstance {
  return {
    service: s.service,
    index: s.index,
    id: s.id,
    env: s.env,
    httpPort: s.httpPort,
    grpcUrl: s.grpcUrl,
    get process(): TsProcess {
      if (!s.process) throw new Error(`${s.id} was never started`);
      return s.process;
    },
    output: () => s.process?.output() ?? '',
  };
}

/** ` (exited with code 1)`, ` (killed by SIGSEGV)`: an instance that is gone, and how; '' while it runs. */
function exitNote(p: TsProcess): string {
  const { exitCode, signalCode } = p.child;
  if (signalCode !== null) return ` (killed by ${signalCode})`;
  return exitCode !== null ? ` (exited with code ${exitCode})` : '';
}
