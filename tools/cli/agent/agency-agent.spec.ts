import { documentPackage, parseEdxml, statusPackage, type StatusPackage } from '@vdx/edxml';
import { AgencyAgent, inboxFileName, statusClientRef } from './agency-agent';
import type { AgentEvent } from './agent-events';
import { FakeExchange, inboxItem } from './fake-exchange.spec-helpers';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const G09 = '000.00.00.G09';

const doc = (from: string, n: string) => documentPackage({ from, to: [H53], codeNumber: n, codeNotation: 'VPCP-TTĐT', subject: `Văn bản ${n}`, promulgationDate: '2026/11/30' });

function setup(statuses?: readonly string[]) {
  const exchange = new FakeExchange();
  const events: AgentEvent[] = [];
  const saved = new Map<string, Buffer>();
  const agent = new AgencyAgent(exchange, {
    agencies: [H53],
    ...(statuses ? { statuses } : {}),
    save: async (id, body) => {
      saved.set(id, body);
      return `/inbox/${inboxFileName(id)}`;
    },
    log: (e) => events.push(e),
  });
  return { exchange, events, saved, agent };
}

const sentStatuses = (exchange: FakeExchange) =>
  exchange.sent.map(({ body, opts }) => {
    const pkg = parseEdxml(body).package as StatusPackage;
    return { senderCode: opts.senderCode, kind: opts.kind, from: pkg.header.from?.organId, statusCode: pkg.header.statusCode, documentId: pkg.header.responseFor?.documentId, issuer: pkg.header.responseFor?.organId };
  });

describe('AgencyAgent', () => {
  it('--once: takes in two documents and a status, acknowledges each and answers each document with 01 and 03', async () => {
    const { exchange, agent, saved, events } = setup();
    const d1 = doc(G22, '101');
    const d2 = doc(G09, '7');
    // The inbox item says who sent it; the issuer answered is the body's From/OrganId.
    exchange.add(inboxItem('p1/000.00.00.H53', { senderCode: G22 }), d1.xml);
    exchange.add(inboxItem('p2/000.00.00.H53', { senderCode: 'someone-else' }), d2.xml);
    exchange.add(inboxItem('p3/000.00.00.H53', { kind: 'status', statusCode: '04' }), statusPackage({ from: G22, documentId: '000.00.00.H53,2026/11/01,5/UBND-VP', documentIssuer: H53, statusCode: '04' }).xml);

    const summary = await agent.runOnce();

    expect(exchange.fetches).toEqual(['p1/000.00.00.H53', 'p2/000.00.00.H53', 'p3/000.00.00.H53']);
    expect(exchange.acks).toEqual([
      { deliveryId: 'p1/000.00.00.H53', result: 'done', reason: '' },
      { deliveryId: 'p2/000.00.00.H53', result: 'done', reason: '' },
      { deliveryId: 'p3/000.00.00.H53', result: 'done', reason: '' },
    ]);
    expect(sentStatuses(exchange)).toEqual([
      { senderCode: H53, kind: 'status', from: H53, statusCode: '01', documentId: d1.documentId, issuer: G22 },
      { senderCode: H53, kind: 'status', from: H53, statusCode: '03', documentId: d1.documentId, issuer: G22 },
      { senderCode: H53, kind: 'status', from: H53, statusCode: '01', documentId: d2.documentId, issuer: G09 },
      { senderCode: H53, kind: 'status', from: H53, statusCode: '03', documentId: d2.documentId, issuer: G09 },
    ]);
    expect(exchange.sent.map((s) => s.opts.clientRef)).toEqual([
      statusClientRef('p1/000.00.00.H53', '01'),
      statusClientRef('p1/000.00.00.H53', '03'),
      statusClientRef('p2/000.00.00.H53', '01'),
      statusClientRef('p2/000.00.00.H53', '03'),
    ]);
    expect(saved.get('p1/000.00.00.H53')?.toString()).toBe(d1.xml);
    expect(events).toContainEqual({ event: 'saved', deliveryId: 'p1/000.00.00.H53', file: '/inbox/p1_000.00.00.H53.edxml' });
    expect(summary).toEqual({ processed: 3, done: 3, failed: 0, statusesSent: 4, errors: 0 });
  });

  it('acknowledges an unreadable body as fail with the parser’s EDXML code and sends no status', async () => {
    const { exchange, agent, events } = setup();
    exchange.add(inboxItem('bad/000.00.00.H53'), 'this is not edXML <<<');
    exchange.add(inboxItem('dtd/000.00.00.H53'), '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x "y">]><edXML/>');

    const summary = await agent.runOnce();

    expect(exchange.acks).toHaveLength(2);
    for (const ack of exchange.acks) {
      expect(ack.result).toBe('fail');
      expect(ack.reason).toMatch(/^EDXML\.[A-Z_]+$/);
    }
    expect(exchange.sent).toEqual([]);
    expect(events.filter((e) => e.event === 'unreadable')).toHaveLength(2);
    expect(summary).toMatchObject({ done: 0, failed: 2, statusesSent: 0 });
  });

  it('processes an item seen by both the watch and the poll once', async () => {
    const { exchange, agent } = setup(['01']);
    const item = inboxItem('w/000.00.00.H53');
    exchange.add(item, doc(G22, '1').xml);

    agent.watch();
    expect(exchange.watchers.map((w) => w.req)).toEqual([{ agencyCode: H53, includeExisting: true }]);
    exchange.watchers[0]!.onItem(item); // in flight…
    await agent.poll(); // …and listed again meanwhile (state fetched)
    await agent.idle();
    exchange.watchers[0]!.onItem(item); // a late repeat from the watch
    await agent.idle();
    await agent.poll(); // acknowledged: no longer listed
    await agent.idle();

    expect(exchange.fetches).toEqual(['w/000.00.00.H53']);
    expect(exchange.acks).toHaveLength(1);
    expect(exchange.sent).toHaveLength(1);
    await agent.stop();
    expect(exchange.watchers[0]!.cancelled).toBe(true);
  });

  it('goes on with the other items when one fetch fails, and retries that one at the next poll', async () => {
    const { exchange, agent, events } = setup();
    exchange.add(inboxItem('a/000.00.00.H53'), doc(G22, '1').xml);
    exchange.add(inboxItem('b/000.00.00.H53'), doc(G22, '2').xml);
    exchange.add(inboxItem('c/000.00.00.H53'), doc(G22, '3').xml);
    exchange.fetchErrors.set('b/000.00.00.H53', [Object.assign(new Error('the store is down'), { code: 'EXCHANGE.UNAVAILABLE' })]);

    const first = await agent.runOnce();
    expect(exchange.acks.map((a) => a.deliveryId)).toEqual(['a/000.00.00.H53', 'c/000.00.00.H53']);
    expect(events).toContainEqual({ event: 'error', deliveryId: 'b/000.00.00.H53', step: 'fetch', code: 'EXCHANGE.UNAVAILABLE', message: 'the store is down', willRetry: true });
    expect(first).toMatchObject({ done: 2, errors: 1, statusesSent: 4 });

    await agent.runOnce();
    expect(exchange.fetches).toEqual(['a/000.00.00.H53', 'b/000.00.00.H53', 'c/000.00.00.H53', 'b/000.00.00.H53']);
    expect(exchange.acks.map((a) => a.deliveryId)).toEqual(['a/000.00.00.H53', 'c/000.00.00.H53', 'b/000.00.00.H53']);
    expect(exchange.sent).toHaveLength(6);
  });

  it('does not retry a delivery that was withdrawn (recalled) meanwhile', async () => {
    const { exchange, agent } = setup();
    exchange.add(inboxItem('r/000.00.00.H53'), doc(G22, '1').xml);
    exchange.fetchErrors.set('r/000.00.00.H53', [Object.assign(new Error('withdrawn'), { code: 'DELIVERY.WITHDRAWN' })]);
    await agent.runOnce();
    await agent.runOnce();
    expect(exchange.fetches).toEqual(['r/000.00.00.H53']);
  });

  it('reopens a watch that ended with an error at the next poll', async () => {
    const { exchange, agent, events } = setup();
    agent.watch();
    expect(agent.watching).toBe(true);
    exchange.watchers[0]!.onError(Object.assign(new Error('gateway gone'), { code: 'EXCHANGE.UNAVAILABLE', path: '', grpcStatus: 14, name: 'ExchangeCallError' as const }));
    expect(agent.watching).toBe(false); // the loop now lists every --poll-ms until the watch is back
    expect(events).toContainEqual({ event: 'watch-error', agencyCode: H53, code: 'EXCHANGE.UNAVAILABLE', message: 'gateway gone' });
    await agent.poll();
    expect(exchange.watchers).toHaveLength(2);
    await agent.stop();
    expect(exchange.watchers[1]!.cancelled).toBe(true);
  });

  it('names saved files after the delivery id, slashes replaced', () => {
    expect(inboxFileName('0190-abc/000.00.00.H53')).toBe('0190-abc_000.00.00.H53.edxml');
    expect(statusClientRef('x'.repeat(200), '01').length).toBeLessThanOrEqual(128);
  });
});
