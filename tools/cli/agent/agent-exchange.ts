// The part of the exchange client the agency agent uses: an interface, so tests can hand the
// agent a fake and an integrator can put their own transport behind it.
import type { ExchangeCallError, InboxItem, SendOptions, SendReceipt } from '@vdx/exchange-client';

/** A running inbox watch; `cancel()` ends it. */
export interface InboxWatch {
  cancel(): void;
}

/** The subset of `ExchangeClient` that {@link AgencyAgent} calls. */
export interface AgentExchange {
  listInbox(req: { agencyCode?: string; kind?: string; state?: string; pageSize?: number; pageToken?: string }): Promise<{ items: InboxItem[]; nextPageToken: string }>;
  watchInbox(req: { agencyCode?: string; includeExisting?: boolean }, onItem: (item: InboxItem) => void, onError: (err: ExchangeCallError) => void): InboxWatch;
  fetchPackage(deliveryId: string): Promise<Buffer>;
  acknowledge(deliveryId: string, result: 'done' | 'fail', reason?: string): Promise<{ deliveryId: string; state: string }>;
  sendPackage(body: Uint8Array, opts: SendOptions): Promise<SendReceipt>;
}

/** Every open item of an inbox (queued and fetched, all pages), in the order the axis lists them. */
export async function listAllInbox(
  client: Pick<AgentExchange, 'listInbox'>,
  req: { agencyCode?: string; kind?: string; state?: string } = {},
  pageSize = 500,
): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  let pageToken = '';
  do {
    const page = await client.listInbox({ ...req, pageSize, pageToken });
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return items;
}
