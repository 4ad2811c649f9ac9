// What the statistics e2e specs share: the service started as its own process on topics of the
// run's own, and a headless Chromium (Debian's package) with a profile of its own.
import type { StatisticsTopics } from '@vdx/statistics-feature';
import { REPO_ROOT, StopWaiting, WaitTimeout, freePort, spawnTs, stopProcess, waitUntil, type TsProcess } from '@vdx/testing';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots of the console tests, kept as test artifacts. */
export const CONSOLE_ARTIFACTS = join(REPO_ROOT, '.local/test-artifacts/statistics-console');
/** How long {@link startStatisticsService} waits for the service to answer ready: it compiles and boots as its own Node process. */
export const STATISTICS_READY_TIMEOUT_MS = 90_000;
/**
 * The timeout of a console suite's `beforeAll`, besides the axis it may start: the statistics
 * service started ({@link STATISTICS_READY_TIMEOUT_MS}), its data folded (a wait of up to two
 * minutes), a headless Chromium launched.
 */
export const CONSOLE_SETUP_TIMEOUT_MS = 240_000;

export interface StatisticsServiceOptions {
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  readonly db: string;
  readonly topics: StatisticsTopics;
  /** The projection's name (its consumer group): the run's own. */
  readonly projection: string;
  /** The service's other settings (accounts, the session key, the identity provider, …). */
  readonly env: Readonly<Record<string, string>>;
  /** The port to serve on; default: a free one. */
  readonly port?: number;
}

export interface StatisticsService {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly process: TsProcess;
  stop(): Promise<void>;
}

/** Starts `apps/statistics` as a deployment runs it, and resolves once it is ready (or rejects with its output when it exits). */
export async function startStatisticsService(o: StatisticsServiceOptions): Promise<StatisticsService> {
  const port = o.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const service = spawnTs('apps/statistics/src/main.ts', {
    KAFKA_BROKERS: o.kafkaBrokers,
    MONGO_URL: o.mongoUrl,
    MONGO_DB: o.db,
    HTTP_PORT: String(port),
    LOG_LEVEL: 'log',
    TOPIC_PARTITIONS: '2',
    GATEWAY_EVENTS_TOPIC: o.topics.gateway,
    SIGNATURE_EVENTS_TOPIC: o.topics.signature,
    ROUTING_EVENTS_TOPIC: o.topics.routing,
    DELIVERY_EVENTS_TOPIC: o.topics.delivery,
    DIRECTORY_EVENTS_TOPIC: o.topics.directory,
    STATISTICS_PROJECTION: o.projection,
    ...o.env,
  });
  const stop = async () => {
    await stopProcess(service);
  };
  try {
    await waitUntil(
      'the statistics service to be ready',
      async () => {
        if (service.child.exitCode !== null) throw new StopWaiting(`statistics exited:\n${service.output()}`);
        // A refused connection (not listening yet) or a 503 with its checks: what the wait last saw.
        const r = await fetch(`${base}/health/ready`);
        if (r.status !== 200) throw new Error(`/health/ready answered ${String(r.status)}: ${await r.text()}`);
        return true;
      },
      { timeoutMs: STATISTICS_READY_TIMEOUT_MS, intervalMs: 250 },
    );
  } catch (err) {
    const output = service.output();
    await stop();
    // The service's own account of its start (its log) says why it never became ready.
    if (err instanceof WaitTimeout) throw new Error(`${err.message}\nthe statistics service printed:\n${output.slice(-8000)}`, { cause: err });
    throw err;
  }
  return { base, process: service, stop };
}

export interface ConsoleBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Saves a full-page screenshot as `<name>.png` among the artifacts. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (no cookies of another test); fails, never skips, when Chromium is missing. */
export async function launchConsoleBrowser(options: { readonly downloads?: boolean } = {}): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: install it with  sudo apt-get install -y chromium  (npm test's bootstrap does so when run as root)`);
  mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'vdx-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, acceptDownloads: options.downloads ?? false, viewport: { width: 1280, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    shot: async (name) => {
      await page.screenshot({ path: join(CONSOLE_ARTIFACTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
