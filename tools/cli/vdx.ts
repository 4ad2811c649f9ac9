// The operator's command line: `npm run vdx -- <command>` (or `node -r @swc-node/register tools/cli/vdx.ts`).
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerBackupCommands } from './backup';
import { directoryImport, printImportSummary } from './directory-import';
import { registerDeliveriesCommands } from './dead-letter-deliveries';
import { registerDemoCommands } from './demo';
import { registerDlqCommands } from './dlq';
import { registerKafkaCommands } from './kafka-lags';
import { registerAgentCommands } from './agent/register';
import { loadOperatorIdentity, withOperatorIdentity, type OperatorIdentityOptions } from './operator-identity';
import { registerPkiCommands } from './pki';
import { registerReplayCommand } from './replay';
import { registerSignatureCommands } from './signature';
import { registerSystemCommands } from './system-secret';

const program = new Command('vdx').description('Operate the vdx axis: directory import, and more to come.').showHelpAfterError();

// The directory takes at most 5,000 rows per ImportAgencies call.
const batchSize = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 5000) throw new InvalidArgumentError('expected a whole number from 1 to 5000');
  return n;
};

const directory = program.command('directory').description('the identifier directory of agencies');
withOperatorIdentity(directory.command('import'))
  .description('register or update agencies from a CSV, JSON or JSON Lines file; bad rows are reported, never fatal')
  .argument('<file>', 'the file to import (.csv, .json, .jsonl)')
  .option('--url <host:port>', 'the directory gRPC endpoint', process.env['DIRECTORY_GRPC_URL'] ?? '127.0.0.1:5002')
  .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'json', 'jsonl']))
  .option('--batch-size <n>', 'rows per call (1–5000)', batchSize, 1000)
  .option('--json', 'print the summary as JSON', false)
  .option('--no-progress', 'no progress output (a bar on a terminal, else a line every few seconds)')
  .action(async (file: string, o: OperatorIdentityOptions & { url: string; format?: 'csv' | 'json' | 'jsonl'; batchSize: number; json: boolean; progress: boolean }) => {
    const summary = await directoryImport(file, { url: o.url, identity: loadOperatorIdentity(o), batchSize: o.batchSize, json: o.json, progress: !o.progress ? 'none' : process.stderr.isTTY ? 'bar' : 'lines', ...(o.format ? { format: o.format } : {}) });
    printImportSummary(summary, o.json);
  });

registerPkiCommands(program);
registerBackupCommands(program);
registerAgentCommands(program);
registerDeliveriesCommands(program);
registerDemoCommands(program);
registerDlqCommands(program);
registerKafkaCommands(program);
registerReplayCommand(program);
registerSignatureCommands(program);
registerSystemCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: unknown; message?: unknown };
  process.stderr.write(`vdx: ${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? err)}\n`);
  process.exit(1);
});
