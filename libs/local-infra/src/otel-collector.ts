import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_DIR } from './paths';
import { InfraError, readPid, requireTool, run, spawnDaemon, stopPid, waitFor, type Progress } from './process-util';

/** The collector's builder and its core components (one release train); the file exporter is the contrib module of the same release. */
export const OTELCOL_VERSION = 'v0.161.0';
export const OTELCOL_BIN = join(LOCAL_DIR, 'bin', 'otelcol-vdx');
const BUILD_DIR = join(LOCAL_DIR, 'build', 'otelcol');

/**
 * The builder's manifest: OTLP in (gRPC and HTTP), the file exporter (what the trace e2e test
 * reads) and the debug exporter out. Nothing else: no processors a local run needs.
 */
export function otelCollectorManifest(version = OTELCOL_VERSION, outputPath = join(BUILD_DIR, 'dist')): string {
  return [
    'dist:',
    '  name: otelcol-vdx',
    '  description: The local OpenTelemetry Collector of vdx (OTLP in; file and debug exporters out)',
    `  output_path: ${JSON.stringify(outputPath)}`,
    `  version: ${JSON.stringify(version.replace(/^v/, ''))}`,
    'receivers:',
    `  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver ${version}`,
    'exporters:',
    `  - gomod: go.opentelemetry.io/collector/exporter/debugexporter ${version}`,
    `  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter ${version}`,
    '',
  ].join('\n');
}

/** What the stamp beside the binary holds: a binary built from another manifest is rebuilt. */
function buildStamp(): string {
  return `${OTELCOL_VERSION} ${createHash('sha256').update(otelCollectorManifest(OTELCOL_VERSION, 'dist')).digest('hex').slice(0, 16)}\n`;
}

/** Whether `.local/bin/otelcol-vdx` is the build of this manifest. */
export function otelCollectorReady(): boolean {
  const stamp = `${OTELCOL_BIN}.build`;
  return existsSync(OTELCOL_BIN) && existsSync(stamp) && readFileSync(stamp, 'utf8') === buildStamp();
}

/**
 * Builds the collector once into `.local/bin/otelcol-vdx` with the OpenTelemetry Collector
 * builder (`go.opentelemetry.io/collector/cmd/builder`, installed into `.local/build/otelcol`),
 * from the Go module proxy; a no-op once built. About 2 minutes on a fresh machine (two cores). Returns the
 * seconds it took (0 when the cached binary was reused).
 */
export async function provisionOtelCollector(progress: Progress): Promise<number> {
  if (otelCollectorReady()) return 0;
  requireTool('go', ['version'], 'install Go 1.24+ (https://go.dev/doc/install or Debian: apt-get install golang)');
  const started = Date.now();
  progress(`building the OpenTelemetry Collector ${OTELCOL_VERSION} with its builder (first run only, a few minutes)…`);
  mkdirSync(BUILD_DIR, { recursive: true });
  // GOTOOLCHAIN=local: build with the machine's Go, never download another toolchain.
  const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' };
  const builder = join(BUILD_DIR, 'builder');
  const builderStamp = `${builder}.build`;
  if (!existsSync(builder) || !existsSync(builderStamp) || readFileSync(builderStamp, 'utf8') !== `${OTELCOL_VERSION}\n`) {
    await run('go', ['install', '-trimpath', `go.opentelemetry.io/collector/cmd/builder@${OTELCOL_VERSION}`], { cwd: BUILD_DIR, env: { ...env, GOBIN: BUILD_DIR } });
    writeFileSync(builderStamp, `${OTELCOL_VERSION}\n`);
  }
  const manifest = join(BUILD_DIR, 'manifest.yaml');
  writeFileSync(manifest, otelCollectorManifest());
  await run(builder, [`--config=${manifest}`], {
    cwd: BUILD_DIR,
    env,
    progress: (l) => (/ERROR|error|Compil|generat|succe/i.test(l) ? progress(l) : undefined),
  });
  const built = join(BUILD_DIR, 'dist', 'otelcol-vdx');
  if (!existsSync(built)) throw new InfraError(`the collector builder finished but ${built} is missing`);
  mkdirSync(join(LOCAL_DIR, 'bin'), { recursive: true });
  writeFileSync(OTELCOL_BIN, readFileSync(built), { mode: 0o755 });
  writeFileSync(`${OTELCOL_BIN}.build`, buildStamp());
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  progress(`OpenTelemetry Collector ready in ${seconds} s: ${OTELCOL_BIN}`);
  return seconds;
}

export interface OtelCollectorOptions {
  /** Folder of its config, log, pid and the file exporter's output. */
  readonly dir: string;
  /** OTLP over HTTP (`/v1/traces`) on 127.0.0.1. */
  readonly httpPort: number;
  /** OTLP over gRPC on 127.0.0.1. */
  readonly grpcPort: number;
  /** The collector's own Prometheus metrics (`/metrics`) on 127.0.0.1. */
  readonly metricsPort: number;
}

/**
 * The local OpenTelemetry Collector: receives OTLP on 127.0.0.1 and writes every span it gets to
 * `traces.jsonl` (the file exporter: one OTLP/JSON `ExportTraceServiceRequest` per line), with a
 * line per batch in its log (the debug exporter).
 */
export class OtelCollector {
  constructor(readonly opts: OtelCollectorOptions) {}

  /** What services set as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.opts.httpPort}`;
  }

  get grpcEndpoint(): string {
    return `127.0.0.1:${this.opts.grpcPort}`;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.opts.metricsPort}/metrics`;
  }

  /** Where the file exporter writes. */
  get tracesFile(): string {
    return join(this.opts.dir, 'traces.jsonl');
  }

  get logFile(): string {
    return join(this.opts.dir, 'collector.log');
  }

  private get pidFile(): string {
    return join(this.opts.dir, 'collector.pid');
  }

  pid(): number | null {
    return readPid(this.pidFile);
  }

  /** The collector's configuration (YAML). */
  config(): string {
    const { httpPort, grpcPort, metricsPort } = this.opts;
    return [
      'receivers:',
      '  otlp:',
      '    protocols:',
      `      grpc: { endpoint: "127.0.0.1:${grpcPort}" }`,
      `      http: { endpoint: "127.0.0.1:${httpPort}" }`,
      'exporters:',
      '  file:',
      `    path: ${JSON.stringify(this.tracesFile)}`,
      '    flush_interval: 200ms',
      '  debug:',
      '    verbosity: basic',
      'service:',
      '  telemetry:',
      '    logs: { level: info }',
      '    metrics:',
      '      level: basic',
      '      readers:',
      `        - pull: { exporter: { prometheus: { host: "127.0.0.1", port: ${metricsPort} } } }`,
      '  pipelines:',
      '    traces:',
      '      receivers: [otlp]',
      '      exporters: [file, debug]',
      '',
    ].join('\n');
  }

  /** Starts the collector unless it runs already, then waits until its OTLP receiver takes a request. */
  async start(progress: Progress): Promise<void> {
    if (this.pid() !== null) {
      await this.awaitReady(30_000);
      return;
    }
    if (!existsSync(OTELCOL_BIN)) throw new InfraError(`no collector at ${OTELCOL_BIN}: run npm run infra -- provision --otel`);
    mkdirSync(this.opts.dir, { recursive: true });
    const config = join(this.opts.dir, 'config.yaml');
    writeFileSync(config, this.config());
    progress(`starting the OpenTelemetry Collector (OTLP ${this.endpoint}, gRPC ${this.grpcEndpoint})`);
    const pid = spawnDaemon(OTELCOL_BIN, [`--config=${config}`], this.pidFile, this.logFile);
    await this.awaitReady(30_000, pid);
    progress(`OpenTelemetry Collector ready; spans go to ${this.tracesFile}`);
  }

  /** True when its OTLP/HTTP receiver accepts an (empty) export. */
  async probe(timeoutMs = 2000): Promise<boolean> {
    const res = await fetch(`${this.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.status === 200;
  }

  async awaitReady(timeoutMs: number, pid?: number): Promise<void> {
    await waitFor(
      `the OpenTelemetry Collector on ${this.endpoint} (log: ${this.logFile})`,
      async () => {
        if (pid !== undefined && this.pid() === null) throw new InfraError(`the collector exited during start; see ${this.logFile}`);
        return this.probe(1000);
      },
      timeoutMs,
      200,
    );
  }

  async stop(progress: Progress): Promise<void> {
    const pid = this.pid();
    if (pid === null) return;
    progress(`stopping the OpenTelemetry Collector (pid ${pid})`);
    await stopPid(pid, 10_000);
  }
}

/** One span as the collector's file exporter wrote it, flattened with its resource's service. */
export interface CollectedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP `SpanKind`: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly links: readonly { traceId: string; spanId: string }[];
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value?: OtlpValue;
}

function attributesOf(list: readonly OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (!value) continue;
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The spans of the file exporter's output (OTLP/JSON, one `ExportTraceServiceRequest` a line);
 * a last line still being written is left for the next read.
 */
export function parseCollectedSpans(text: string): CollectedSpan[] {
  const out: CollectedSpan[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let request: { resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      continue;
    }
    for (const rs of request.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          out.push({
            service,
            traceId: String(s['traceId'] ?? ''),
            spanId: String(s['spanId'] ?? ''),
            parentSpanId: String(s['parentSpanId'] ?? ''),
            name: String(s['name'] ?? ''),
            kind: Number(s['kind'] ?? 0),
            attributes: attributesOf(s['attributes'] as OtlpAttribute[] | undefined),
            links: ((s['links'] as { traceId?: string; spanId?: string }[] | undefined) ?? []).map((l) => ({ traceId: String(l.traceId ?? ''), spanId: String(l.spanId ?? '') })),
          });
        }
      }
    }
  }
  return out;
}

/** Every span the collector has written to `file` so far (none when it does not exist yet). */
export function readCollectedSpans(file: string): CollectedSpan[] {
  return existsSync(file) ? parseCollectedSpans(readFileSync(file, 'utf8')) : [];
}
