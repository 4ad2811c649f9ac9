// The options every `vdx agent` command shares, and the client they open.
import { ExchangeClient } from '@vdx/exchange-client';
import { loadCredentialFiles } from '@vdx/pki';
import type { Command } from 'commander';

/** `--url`, `--system`, `--pki`, `--json`. */
export interface ConnectionOptions {
  url: string;
  system: string;
  pki: string;
  json: boolean;
}

/** Adds the shared options to a subcommand. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <host:port>', 'the gateway (exchange) gRPC endpoint', process.env['VDX_GATEWAY_URL'] ?? '127.0.0.1:5001')
    .requiredOption('--system <systemId>', 'the connected system to act as (its certificate is under <pki>/systems/<systemId>)')
    .option('--pki <dir>', 'the PKI directory', '.local/pki')
    .option('--json', 'print one JSON object per line instead of text', false);
}

/** Opens a mutual-TLS client as the system; the caller closes it. */
export function connect(o: ConnectionOptions): ExchangeClient {
  return new ExchangeClient(o.url, loadCredentialFiles(o.pki, `systems/${o.system}`));
}

/** Runs `fn` with a client, closing it afterwards whatever happens. */
export async function withClient<T>(o: ConnectionOptions, fn: (client: ExchangeClient) => Promise<T>): Promise<T> {
  const client = connect(o);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Writes lines to stdout. */
export function print(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

/** Writes each value as one JSON line. */
export function printJson(values: readonly unknown[]): void {
  print(values.map((v) => JSON.stringify(v)));
}
