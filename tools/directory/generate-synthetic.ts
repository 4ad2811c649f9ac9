// Writes a deterministic synthetic national agency directory as CSV, for benchmarks and tests:
// `node -r @swc-node/register tools/directory/generate-synthetic.ts --count 111000 --seed 1 --out <file>`.
// Prints one JSON line: {"count","seed","out","levels":{"1".."4"},"ms"}. Bad arguments exit 2.
import { generateSyntheticDirectory, toCsv } from '@vdx/directory-import';
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const MAX_COUNT = 1_000_000;

function countArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0 || n > MAX_COUNT) {
    throw new InvalidArgumentError(`expected a positive whole number up to ${MAX_COUNT}`);
  }
  return n;
}

function seedArg(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

interface Options {
  readonly count: number;
  readonly seed: number;
  readonly out?: string;
}

function main(argv: readonly string[]): void {
  const program = new Command('generate-synthetic')
    .description('write a deterministic synthetic agency directory (four levels) as CSV')
    .option('--count <n>', `number of agencies (1..${MAX_COUNT})`, countArg, 111_000)
    .option('--seed <n>', 'PRNG seed; same seed, same file', seedArg, 1)
    .option('--out <file>', 'output file (default .local/fixtures/synthetic-directory-<count>.csv)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  try {
    program.parse(argv);
  } catch (err: unknown) {
    const e = err as { code?: unknown; exitCode?: unknown };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    process.exit(2);
  }
  const opts = program.opts<Options>();
  const started = process.hrtime.bigint();
  const out = resolve(opts.out ?? `.local/fixtures/synthetic-directory-${opts.count}.csv`);
  const agencies = generateSyntheticDirectory({ count: opts.count, seed: opts.seed });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, toCsv(agencies), 'utf8');
  const levels = { '1': 0, '2': 0, '3': 0, '4': 0 };
  for (const a of agencies) levels[levelOf(a.code)] += 1;
  const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  process.stdout.write(`${JSON.stringify({ count: agencies.length, seed: opts.seed, out, levels, ms })}\n`);
}

// The generator only writes valid codes: the deepest non-zero level is the level.
function levelOf(code: string): '1' | '2' | '3' | '4' {
  if (!code.startsWith('000')) return '4';
  if (!code.startsWith('000.00')) return '3';
  if (!code.startsWith('000.00.00')) return '2';
  return '1';
}

main(process.argv);
