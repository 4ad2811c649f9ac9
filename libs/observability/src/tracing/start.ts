import { ConfigError, loadConfig } from '@vdx/config';
import { enableTracing } from '../spans';
import { tracingConfigSchema, type TracingConfig } from '../tracing-config';
import type { TracingHandle } from './sdk';

export type { TracingHandle } from './sdk';

let started: TracingHandle | null = null;

/** The app of an entry point `…/apps/<name>/src/main.ts` (or `.js` once compiled), else null. */
export function serviceOfEntry(file: string | undefined): string | null {
  const m = file ? /[\\/]apps[\\/]([^\\/]+)[\\/]src[\\/]main\.[cm]?[jt]s$/.exec(file) : null;
  return m?.[1] ?? null;
}

export interface StartTracingOptions {
  /** `service.name`; default `OTEL_SERVICE_NAME`, else the app of the entry point, else `vdx`. */
  readonly service?: string;
  /** The environment to read (default the process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts the OpenTelemetry SDK when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else does nothing (null).
 * Must run before the modules it instruments are loaded (gRPC, HTTP, the MongoDB driver, Nest):
 * `@vdx/observability/tracing`, the first import of every service's `main.ts`, calls it. An
 * invalid setting stops the process with exit code 1 and the list of problems, like the app's own
 * configuration. Started once: later calls return the first handle.
 */
export function startTracing(options: StartTracingOptions = {}): TracingHandle | null {
  if (started) return started;
  let config: TracingConfig;
  try {
    config = loadConfig('tracing', tracingConfigSchema, options.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return null;
  const service = options.service ?? config.OTEL_SERVICE_NAME ?? serviceOfEntry(require.main?.filename) ?? 'vdx';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK is read only when tracing is on: off, it costs nothing
  const { startSdk } = require('./sdk') as typeof import('./sdk');
  const handle = startSdk({ service, endpoint, protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL, ratio: config.OTEL_TRACES_SAMPLER_ARG });
  started = handle;
  enableTracing();
  // What is still buffered leaves when the service is told to stop (Nest closes meanwhile; the
  // listener is gone after the first signal, so the signal Nest sends itself again ends the process).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void handle.flush().catch(() => undefined));
  process.once('beforeExit', () => void handle.shutdown().catch(() => undefined));
  return handle;
}
