// An in-memory stand-in for the exchange, for the agent's unit tests: an inbox, bodies to hand
// out, and a record of every fetch, acknowledgement and send.
import { inboxItemOf } from '@vdx/contracts/grpc';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { ExchangeCallError, InboxItem, SendOptions, SendReceipt } from '@vdx/exchange-client';
import type { AgentExchange, InboxWatch } from './agent-exchange';

/**
 * A queued inbox item, as the gateway maps a delivery to one (`inboxItemOf`): a document of
 * 000.00.00.G22 to 000.00.00.H53, delivered directly; `over` replaces fields of the item.
 */
export function inboxItem(deliveryId: string, over: Partial<InboxItem> = {}): InboxItem {
  const item = inboxItemOf({
    deliveryId,
    recipientCode: '000.00.00.H53',
    state: 'queued',
    queuedAt: '2026-11-30T08:00:00.000Z',
    route: 'direct',
    via: [],
    package: packageRefWith({
      packageId: deliveryId.split('/')[0] ?? deliveryId,
      senderCode: '000.00.00.G22',
      systemId: 'qlvb-vpcp',
      recipientCodes: ['000.00.00.H53'],
      bodySha256: '',
      bodySize: 0,
      acceptedAt: '2026-11-30T07:59:59.000Z',
      signatureVerdict: 'not-performed',
    }),
  });
  return { ...item, ...over };
}

/** A fake {@link AgentExchange}: list, watch, fetch, acknowledge and send against memory. */
export class FakeExchange implements AgentExchange {
  readonly items: InboxItem[] = [];
  readonly bodies = new Map<string, Buffer>();
  /** deliveryId → the error its fetch throws (once per entry in the array). */
  readonly fetchErrors = new Map<string, Error[]>();
  readonly fetches: string[] = [];
  readonly acks: { deliveryId: string; result: 'done' | 'fail'; reason: string }[] = [];
  readonly sent: { body: string; opts: SendOptions }[] = [];
  readonly watchers: { req: { agencyCode?: string; includeExisting?: boolean }; onItem: (item: InboxItem) => void; onError: (err: ExchangeCallError) => void; cancelled: boolean }[] = [];
  listCalls = 0;

  add(item: InboxItem, body: string | Buffer): void {
    this.items.push(item);
    this.bodies.set(item.deliveryId, Buffer.from(body));
  }

  async listInbox(req: { agencyCode?: string; pageSize?: number; pageToken?: string }): Promise<{ items: InboxItem[]; nextPageToken: string }> {
    this.listCalls += 1;
    const open = this.items.filter((i) => (!req.agencyCode || i.recipientCode === req.agencyCode) && (i.state === 'queued' || i.state === 'fetched'));
    const start = Number(req.pageToken || '0');
    const size = req.pageSize ?? 100;
    const end = start + Math.min(size, 2); // small pages, to exercise paging
    return { items: open.slice(start, end), nextPageToken: end < open.length ? String(end) : '' };
  }

  watchInbox(req: { agencyCode?: string; includeExisting?: boolean }, onItem: (item: InboxItem) => void, onError: (err: ExchangeCallError) => void): InboxWatch {
    const w = { req, onItem, onError, cancelled: false };
    this.watchers.push(w);
    return { cancel: () => (w.cancelled = true) };
  }

  async fetchPackage(deliveryId: string): Promise<Buffer> {
    this.fetches.push(deliveryId);
    const err = this.fetchErrors.get(deliveryId)?.shift();
    if (err) throw err;
    const body = this.bodies.get(deliveryId);
    if (!body) throw Object.assign(new Error(`no delivery ${deliveryId}`), { code: 'DELIVERY.UNKNOWN_DELIVERY' });
    this.setState(deliveryId, 'fetched');
    return body;
  }

  async acknowledge(deliveryId: string, result: 'done' | 'fail', reason = ''): Promise<{ deliveryId: string; state: string }> {
    this.acks.push({ deliveryId, result, reason });
    const state = result === 'done' ? 'acknowledged' : 'failed';
    this.setState(deliveryId, state);
    return { deliveryId, state };
  }

  async sendPackage(body: Uint8Array, opts: SendOptions): Promise<SendReceipt> {
    this.sent.push({ body: Buffer.from(body).toString('utf8'), opts });
    return {
      packageId: `pkg-${this.sent.length}`,
      outcome: 'accepted',
      duplicate: false,
      bodySha256: '',
      bodySize: body.byteLength,
      acceptedAt: '2026-11-30T08:00:01.000Z',
      recipientCodes: [],
      warnings: [],
      errorCode: '',
      reason: '',
      findings: [],
    };
  }

  private setState(deliveryId: string, state: string): void {
    const i = this.items.findIndex((x) => x.deliveryId === deliveryId);
    if (i >= 0) this.items[i] = { ...this.items[i]!, state };
  }
}
