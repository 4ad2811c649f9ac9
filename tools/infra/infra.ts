// `npm run infra -- <provision|start|stop|status|reset> [--profile dev|test] [--otel]`: the local
// Kafka broker and FerretDB, and with --otel the local OpenTelemetry Collector (built once into
// .local/bin). Honours KAFKA_BROKERS / MONGO_URL (then that part is not started here).
import { InfraError, LocalInfra, PROFILES, consoleProgress, provisionOtelCollector } from '@vdx/local-infra';
import { join } from 'node:path';
import { axisStateFile, formatStatusRows, isAlive, probeProcess, readAxisState } from '../dev/axis-processes';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const command = args.find((a) => !a.startsWith('--')) ?? 'status';
  const profileArg = args.find((a) => a.startsWith('--profile='))?.split('=')[1] ?? 'dev';
  if (profileArg !== 'dev' && profileArg !== 'test') throw new InfraError(`unknown profile ${profileArg}: use dev or test`);
  const infra = new LocalInfra(PROFILES[profileArg], { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] });
  const otel = args.includes('--otel');
  switch (command) {
    case 'provision':
      // --otel-only: just the collector (npm test builds it before the suites run).
      if (!args.includes('--otel-only')) await infra.provision();
      if (otel || args.includes('--otel-only')) await provisionOtelCollector(consoleProgress);
      return 0;
    case 'start': {
      const ep = await infra.start();
      process.stdout.write(`KAFKA_BROKERS=${ep.kafkaBrokers}\nMONGO_URL=${ep.mongoUrl}\n`);
      if (otel) {
        await infra.startCollector();
        process.stdout.write(`OTEL_EXPORTER_OTLP_ENDPOINT=${infra.collector.endpoint}\n`);
      }
      return 0;
    }
    case 'stop':
      await Promise.all([infra.stop(), infra.stopCollector()]);
      return 0;
    case 'reset':
      await infra.reset();
      return 0;
    case 'status': {
      const rows = await infra.status();
      for (const r of rows) {
        const where = r.external ? 'external' : r.pid ? `pid ${r.pid}` : 'not running';
        process.stdout.write(`${r.component.padEnd(12)} ${r.endpoint.padEnd(28)} ${where.padEnd(12)} ${r.ready ? 'ready' : 'not ready'}\n`);
      }
      // The collector runs only when asked (npm start -- --otel, infra start --otel): stopped is no failure.
      const c = await infra.collectorStatus();
      const state = c.pid === null ? (c.built ? 'stopped' : 'not built (npm run infra -- provision --otel)') : c.ready ? 'ready' : 'not ready';
      process.stdout.write(`${c.component.padEnd(12)} ${c.endpoint.padEnd(28)} ${(c.pid === null ? 'not running' : `pid ${c.pid}`).padEnd(12)} ${state}\n`);
      // The services `npm start` runs (dev profile): each process with its ports and state.
      const axis = profileArg === 'dev' ? readAxisState(axisStateFile(join(__dirname, '../..'))) : null;
      if (axis === null) return rows.every((r) => r.ready) && (c.pid === null || c.ready) ? 0 : 1;
      const probed = await Promise.all(axis.processes.map(async (p) => ({ process: p, state: await probeProcess(p) })));
      const supervisor = isAlive(axis.supervisorPid) ? `npm start (pid ${axis.supervisorPid}), since ${axis.startedAt}` : `npm start (pid ${axis.supervisorPid}) is gone: these are left from a run that did not stop cleanly`;
      process.stdout.write(`${supervisor}\n${formatStatusRows(probed).join('\n')}\n`);
      return rows.every((r) => r.ready) && probed.every((p) => p.state === 'ready') && (c.pid === null || c.ready) ? 0 : 1;
    }
    default:
      throw new InfraError(`unknown command ${command}: use provision, start, stop, status or reset`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`infra: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
