// Adds `vdx demo traffic` to the command line: a realistic mix of documents, statuses, late
// copies and refusals through the running axis, so the statistics console has something to show.
import { InvalidArgumentError, type Command } from 'commander';
import { DOCUMENTS_PER_DAY, MAX_DAYS, MAX_DOCUMENTS } from './demo-plan';
import { runDemoTraffic, summaryLines } from './demo-traffic';

export interface DemoTrafficCommandOptions {
  days: number;
  documents?: number;
  rate: number;
  seed?: number;
  url: string;
  directoryUrl: string;
  pki: string;
  settle: number;
  console: string;
  json: boolean;
  progress: boolean;
}

const whole = (min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  return n;
};

const positive = (max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`expected a number above 0, at most ${max}`);
  return n;
};

const seedOf = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
};

/** Adds `demo traffic` to the `vdx` program. */
export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('demonstration data for a sandbox axis');
  demo
    .command('traffic')
    .description(
      'send a realistic mix through the running axis (npm start): ministries, provinces and units, office-hour bursts, statuses 01–06 back, ' +
        'a few late copies, invalidly signed documents and refused packages; provisions the demo agencies and systems first (idempotent)',
    )
    .option('--days <n>', `working days of pattern compressed into this run (1–${MAX_DAYS}); the axis stamps everything today`, whole(1, MAX_DAYS), 1)
    .option('--documents <n>', `documents in all (1–${MAX_DOCUMENTS}; default ${DOCUMENTS_PER_DAY} per day)`, whole(1, MAX_DOCUMENTS))
    .option('--rate <n>', 'sends per second within a burst (at most 200)', positive(200), 6)
    .option('--seed <n>', 'seed of the mix: the same seed, the same mix (default: from the clock, printed)', seedOf)
    .option('--url <host:port>', 'the gateway (exchange.v1) gRPC endpoint', process.env['VDX_GATEWAY_URL'] ?? '127.0.0.1:5001')
    .option('--directory-url <host:port>', 'the directory (directory.v1) gRPC endpoint', process.env['DIRECTORY_GRPC_URL'] ?? '127.0.0.1:5002')
    .option('--pki <dir>', 'the sandbox PKI directory (the CA, the operator, the demo systems)', '.local/pki')
    .option('--settle <seconds>', 'how long to wait after the last send for recipients and issuers to finish', whole(1, 3600), 60)
    .option('--console <url>', 'the statistics console, printed at the end', 'http://127.0.0.1:3006/console/')
    .option('--json', 'print the summary as one JSON object', false)
    .option('--no-progress', 'no progress lines on stderr')
    .action(async (o: DemoTrafficCommandOptions) => {
      const summary = await runDemoTraffic({
        gatewayUrl: o.url,
        directoryUrl: o.directoryUrl,
        pkiDir: o.pki,
        traffic: { days: o.days, seed: o.seed ?? Date.now() % 1_000_000, ...(o.documents !== undefined ? { documents: o.documents } : {}) },
        rate: o.rate,
        settleTimeoutMs: o.settle * 1000,
        ...(o.progress ? { progress: (line: string) => process.stderr.write(`[demo] ${line}\n`) } : {}),
      });
      if (o.json) process.stdout.write(`${JSON.stringify({ ...summary, console: o.console })}\n`);
      else process.stdout.write(`${summaryLines(summary, o.console).join('\n')}\n`);
      // 2: the axis had not finished in time; 3: something did not go as planned.
      if (!summary.complete) process.exitCode = 2;
      else if (summary.unexpected.length > 0) process.exitCode = 3;
    });
}
