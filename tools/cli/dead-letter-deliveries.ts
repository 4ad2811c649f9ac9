// `vdx deliveries dead` and `vdx deliveries redrive <deliveryId>…|--all`: deliveries whose pushes
// gave up (the delivery service's dead-lettered deliveries, over its gRPC API), and sending them
// back to the queue. Not the Kafka dead-letter topics: those are `vdx dlq` (dlq.ts).
import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';
import { DeliveryClient, type DeliveryMessage } from '@vdx/delivery-client';
import { Option, type Command } from 'commander';
import { loadOperatorIdentity, withOperatorIdentity, type OperatorIdentityOptions } from './operator-identity';

export interface DeliveriesOptions extends OperatorIdentityOptions {
  url: string;
  json: boolean;
}

export type DeliveriesCommandErrorCode = ErrorCodeOf<'DELIVERIES'>;

/** A refusal of `vdx deliveries`, or a delivery service that does not answer; its code is printed before the message. */
export class DeliveriesCommandError extends CodedError<DeliveriesCommandErrorCode> {
  override readonly name = 'DeliveriesCommandError';
  constructor(code: DeliveriesCommandErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

export const deadDeliveryLine = (d: DeliveryMessage): string =>
  [d.deliveryId, d.recipientCode, `attempts=${d.attempts}`, d.deadlineMissed ? 'DEADLINE MISSED' : `deadline ${d.deadline}`, d.lastError].join('  ');

/** Waits up to 10 s for the delivery service at `url` to answer; `DELIVERIES.SERVICE_UNREACHABLE` when it does not. */
export async function waitForDeliveryService(client: Pick<DeliveryClient, 'waitForReady'>, url: string): Promise<void> {
  await client.waitForReady(10_000).catch((err: unknown) => {
    throw new DeliveriesCommandError('DELIVERIES.SERVICE_UNREACHABLE', `cannot reach the delivery service at ${url} (${(err as Error).message}); is it running (npm start)?`, { cause: err });
  });
}

async function withClient<T>(o: DeliveriesOptions, fn: (c: DeliveryClient) => Promise<T>): Promise<T> {
  const url = o.url;
  // Refused before dialling when the operator certificate is missing or is not an operator's.
  const client = new DeliveryClient(url, loadOperatorIdentity(o));
  try {
    await waitForDeliveryService(client, url);
    return await fn(client);
  } finally {
    client.close();
  }
}

/** The delivery service's largest page of `ListDead`. */
const DEAD_PAGE = 500;

/** Up to `limit` dead-lettered deliveries in delivery id order, page after page. */
async function deadDeliveries(c: DeliveryClient, limit: number): Promise<DeliveryMessage[]> {
  const out: DeliveryMessage[] = [];
  let token = '';
  do {
    const page = await c.listDead(Math.min(DEAD_PAGE, limit - out.length), token);
    out.push(...page.deliveries);
    token = page.nextPageToken;
  } while (token !== '' && out.length < limit);
  return out;
}

/** Lists dead-lettered deliveries, oldest id first. */
export async function listDeadDeliveries(o: DeliveriesOptions & { limit: number }): Promise<DeliveryMessage[]> {
  if (!Number.isInteger(o.limit) || o.limit < 1) throw new DeliveriesCommandError('DELIVERIES.BAD_LIMIT', `--limit must be a whole number of at least 1 (got ${String(o.limit)})`);
  const deliveries = await withClient(o, (c) => deadDeliveries(c, o.limit));
  if (o.json) for (const d of deliveries) process.stdout.write(`${JSON.stringify(d)}\n`);
  else process.stdout.write(deliveries.length === 0 ? 'no dead-lettered deliveries\n' : `${deliveries.map(deadDeliveryLine).join('\n')}\n${deliveries.length} dead-lettered\n`);
  return deliveries;
}

/** Sends dead-lettered deliveries back to the queue (every one of them with --all). */
export async function redriveDeliveries(ids: readonly string[], o: DeliveriesOptions & { all: boolean; operator?: string }): Promise<number> {
  // Refused before dialling the service: a usage error should not wait on the network.
  if (!o.all && ids.length === 0) throw new DeliveriesCommandError('DELIVERIES.NOTHING_TO_REDRIVE', 'name the deliveries to redrive, or pass --all');
  return withClient(o, async (c) => {
    const targets = o.all ? (await deadDeliveries(c, Number.POSITIVE_INFINITY)).map((d) => d.deliveryId) : [...ids];
    if (targets.length === 0) throw new DeliveriesCommandError('DELIVERIES.NOTHING_TO_REDRIVE', 'there are no dead-lettered deliveries to redrive');
    let failed = 0;
    for (const id of targets) {
      try {
        const d = await c.redrive(id, o.operator ?? '');
        process.stdout.write(o.json ? `${JSON.stringify({ deliveryId: id, state: d.state })}\n` : `${id}  redriven (${d.state})\n`);
      } catch (err) {
        failed += 1;
        const e = err as { code?: string; message: string };
        process.stdout.write(o.json ? `${JSON.stringify({ deliveryId: id, error: e.code, reason: e.message })}\n` : `${id}  ${e.code ?? 'ERROR'}: ${e.message}\n`);
      }
    }
    if (failed > 0) throw new DeliveriesCommandError('DELIVERIES.REDRIVE_FAILED', `${failed} of ${targets.length} deliveries could not be redriven`);
    return targets.length;
  });
}

/** Registers `vdx deliveries dead|redrive`. */
export function registerDeliveriesCommands(program: Command): void {
  const deliveries = program.command('deliveries').description('dead-lettered deliveries (pushes that gave up): list them, send them back to the queue');
  const url = () => new Option('--url <host:port>', 'the delivery service gRPC endpoint').default(process.env['DELIVERY_GRPC_URL'] ?? '127.0.0.1:5005');
  withOperatorIdentity(deliveries.command('dead'))
    .description('list deliveries whose pushes gave up')
    .addOption(url())
    .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'one JSON object per line', false)
    .action(async (o: DeliveriesOptions & { limit: number }) => {
      await listDeadDeliveries(o);
    });
  withOperatorIdentity(deliveries.command('redrive'))
    .description('send dead-lettered deliveries back to the queue')
    .argument('[deliveryIds...]', 'the deliveries to redrive')
    .addOption(url())
    .option('--all', 'every dead-lettered delivery', false)
    .option('--operator <name>', 'recorded in DeliveryRedriven (default: $USER, else the name the certificate names)', process.env['USER'])
    .option('--json', 'one JSON object per line', false)
    .action(async (ids: string[], o: DeliveriesOptions & { all: boolean; operator?: string }) => {
      await redriveDeliveries(ids, o);
    });
}
