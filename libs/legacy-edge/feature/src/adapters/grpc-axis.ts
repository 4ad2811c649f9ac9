import { ExchangeClient, type InboxItem, type SendReceipt, type Trace } from '@vdx/exchange-client';
import type { AxisPort } from '../ports';
import type { SystemCredentials } from './system-credentials';

const PAGE_SIZE = 500;

/**
 * The axis through the gateway's `vdx.exchange.v1`, over mutual TLS with each legacy system's
 * own client certificate: intake, inbox, fetch, acknowledge and trace are the gateway's, with
 * its authorisation, idempotency and error codes. One channel per system, opened on first use.
 */
export class GrpcAxis implements AxisPort {
  private readonly clients = new Map<string, ExchangeClient>();

  constructor(
    private readonly gatewayUrl: string,
    private readonly credentials: SystemCredentials,
  ) {}

  private client(systemId: string): ExchangeClient {
    let c = this.clients.get(systemId);
    if (!c) {
      c = new ExchangeClient(this.gatewayUrl, this.credentials.of(systemId));
      this.clients.set(systemId, c);
    }
    return c;
  }

  send(systemId: string, body: Buffer, opts: { senderCode: string; kind: 'edoc' | 'status'; clientRef: string; recipientCodes?: readonly string[] }): Promise<SendReceipt> {
    return this.client(systemId).sendPackage(body, opts);
  }

  async listInbox(systemId: string, req: { kind: 'edoc' | 'status' | ''; state?: string }): Promise<InboxItem[]> {
    const items: InboxItem[] = [];
    let pageToken = '';
    do {
      const page = await this.client(systemId).listInbox({ kind: req.kind, state: req.state ?? '', pageSize: PAGE_SIZE, pageToken });
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  }

  fetch(systemId: string, deliveryId: string): Promise<Buffer> {
    return this.client(systemId).fetchPackage(deliveryId);
  }

  acknowledge(systemId: string, deliveryId: string, result: 'done' | 'fail', reason: string): Promise<{ deliveryId: string; state: string }> {
    return this.client(systemId).acknowledge(deliveryId, result, reason);
  }

  trace(systemId: string, packageId: string): Promise<Trace> {
    return this.client(systemId).getTrace(packageId);
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
