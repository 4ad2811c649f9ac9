// Adds `vdx agent …` to the command line: the reference agency client of the exchange.
import { Argument, Option, type Command } from 'commander';
import { ackCommand, fetchCommand, inboxCommand, sendCommand, traceCommand, type AckCommandOptions, type FetchCommandOptions, type InboxCommandOptions, type SendCommandOptions } from './commands';
import { withConnectionOptions, type ConnectionOptions } from './connection';
import { pollInterval, statusList } from './option-parsers';
import { runCommand, type RunCommandOptions } from './run-command';

/** Adds `agent send | inbox | fetch | ack | trace | run` to the `vdx` program. */
export function registerAgentCommands(program: Command): void {
  const agent = program.command('agent').description("an agency's connected system on the exchange: send, inbox, fetch, acknowledge, trace, and the reference loop");

  withConnectionOptions(agent.command('send'))
    .description('send an .edxml package; prints the receipt (exit code 3 when rejected)')
    .argument('<file>', 'the .edxml file')
    .requiredOption('--as <agencyCode>', 'the agency to send as (the package’s From/OrganId)')
    .addOption(new Option('--kind <kind>', 'package kind (default: detected by parsing the file)').choices(['edoc', 'status']))
    .option('--client-ref <id>', 'your id for this send: a resend with the same id returns the first receipt')
    .action((file: string, o: SendCommandOptions) => sendCommand(file, o));

  withConnectionOptions(agent.command('inbox'))
    .description('list the inbox (every page), as a table or JSON lines; default states: queued and fetched')
    .option('--agency <code>', 'one agency the system acts for (default: all of them)')
    .addOption(new Option('--state <state>', 'transport state').choices(['queued', 'fetched', 'acknowledged', 'failed']))
    .addOption(new Option('--kind <kind>', 'package kind').choices(['edoc', 'status']))
    .action((o: InboxCommandOptions) => inboxCommand(o));

  withConnectionOptions(agent.command('fetch'))
    .description('download a delivery’s body (this records the fetch)')
    .argument('<deliveryId>', 'the delivery, as listed by `agent inbox`')
    .option('--out <file>', 'write the body here (default: print its size and SHA-256 only)')
    .action((deliveryId: string, o: FetchCommandOptions) => fetchCommand(deliveryId, o));

  withConnectionOptions(agent.command('ack'))
    .description('acknowledge a fetched delivery: done (taken in) or fail (with --reason)')
    .argument('<deliveryId>', 'the delivery')
    .addArgument(new Argument('<result>', 'done or fail').choices(['done', 'fail']))
    .option('--reason <text>', 'why it failed (required by the axis for fail)')
    .action((deliveryId: string, result: 'done' | 'fail', o: AckCommandOptions) => ackCommand(deliveryId, result, o));

  withConnectionOptions(agent.command('trace'))
    .description('for a package your agency sent: each recipient’s route, transport state and business statuses')
    .argument('<packageId>', 'the package id from the send receipt')
    .action((packageId: string, o: ConnectionOptions) => traceCommand(packageId, o));

  withConnectionOptions(agent.command('run'))
    .description('the reference loop: watch + poll the inbox, fetch, save, acknowledge, and answer documents with statuses')
    .requiredOption('--as <agencyCode...>', 'the agencies whose inboxes to serve')
    .option('--out-dir <dir>', 'where fetched bodies are saved (default .local/agent/<systemId>)')
    .option('--reconcile-ms <ms>', 'while the watch runs, list the inbox this often, as a safety net for it', pollInterval, 30_000)
    .option('--poll-ms <ms>', 'while the watch is down, list the inbox this often (and try to reopen the watch)', pollInterval, 2000)
    .option('--statuses <codes>', 'statuses sent back for each document taken in (empty for none)', statusList, ['01', '03'])
    .option('--once', 'process what is in the inbox now, then exit (exit code 2 if any item failed)', false)
    .action((o: RunCommandOptions) => runCommand(o));
}
