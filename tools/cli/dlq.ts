// `vdx dlq list` and `vdx dlq redrive <deliveryId>…`: deliveries whose pushes gave up (dead
// letters of the delivery service), and sending them back to the queue.
import { DeliveryClient, type DeliveryMessage } from '@vdx/delivery-client';
import { Option, type Command } from 'commander';

interface DlqOptions {
  url: string;
  json: boolean;
}

const row = (d: DeliveryMessage): string =>
  [d.deliveryId, d.recipientCode, `attempts=${d.attempts}`, d.deadlineMissed ? 'DEADLINE MISSED' : `deadline ${d.deadline}`, d.lastError].join('  ');

async function withClient<T>(url: string, fn: (c: DeliveryClient) => Promise<T>): Promise<T> {
  const client = new DeliveryClient(url);
  try {
    await client.waitForReady(10_000).catch((err: unknown) => {
      throw new Error(`cannot reach the delivery service at ${url} (${(err as Error).message}); is it running (npm start)?`);
    });
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Lists dead-lettered deliveries, oldest id first. */
export async function dlqList(o: DlqOptions & { limit: number }): Promise<DeliveryMessage[]> {
  const { deliveries } = await withClient(o.url, (c) => c.listDead(o.limit));
  if (o.json) for (const d of deliveries) process.stdout.write(`${JSON.stringify(d)}\n`);
  else process.stdout.write(deliveries.length === 0 ? 'no dead-lettered deliveries\n' : `${deliveries.map(row).join('\n')}\n${deliveries.length} dead-lettered\n`);
  return deliveries;
}

/** Sends dead-lettered deliveries back to the queue (all of them with --all). */
export async function dlqRedrive(ids: readonly string[], o: DlqOptions & { all: boolean; operator: string }): Promise<number> {
  return withClient(o.url, async (c) => {
    const targets = o.all ? (await c.listDead(500)).deliveries.map((d) => d.deliveryId) : [...ids];
    if (targets.length === 0) throw Object.assign(new Error('name the deliveries to redrive, or pass --all'), { code: 'DLQ.NOTHING_TO_REDRIVE' });
    let failed = 0;
    for (const id of targets) {
      try {
        const d = await c.redrive(id, o.operator);
        process.stdout.write(o.json ? `${JSON.stringify({ deliveryId: id, state: d.state })}\n` : `${id}  redriven (${d.state})\n`);
      } catch (err) {
        failed += 1;
        const e = err as { code?: string; message: string };
        process.stdout.write(o.json ? `${JSON.stringify({ deliveryId: id, error: e.code, reason: e.message })}\n` : `${id}  ${e.code ?? 'ERROR'}: ${e.message}\n`);
      }
    }
    if (failed > 0) throw Object.assign(new Error(`${failed} of ${targets.length} deliveries could not be redriven`), { code: 'DLQ.REDRIVE_FAILED' });
    return targets.length;
  });
}

/** Registers `vdx dlq list|redrive`. */
export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('dead-lettered deliveries: list them, send them back to the queue');
  const url = () => new Option('--url <host:port>', 'the delivery service gRPC endpoint').default(process.env['DELIVERY_GRPC_URL'] ?? '127.0.0.1:5005');
  dlq
    .command('list')
    .description('list deliveries whose pushes gave up')
    .addOption(url())
    .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'one JSON object per line', false)
    .action(async (o: DlqOptions & { limit: number }) => {
      await dlqList(o);
    });
  dlq
    .command('redrive')
    .description('send dead-lettered deliveries back to the queue')
    .argument('[deliveryIds...]', 'the deliveries to redrive')
    .addOption(url())
    .option('--all', 'every dead-lettered delivery (up to 500)', false)
    .option('--operator <name>', 'recorded in DeliveryRedriven', process.env['USER'] ?? 'operator')
    .option('--json', 'one JSON object per line', false)
    .action(async (ids: string[], o: DlqOptions & { all: boolean; operator: string }) => {
      await dlqRedrive(ids, o);
    });
}
