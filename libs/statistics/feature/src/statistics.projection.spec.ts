import { createEvent, DeliveryCommandSubmittedEvent, DeliveryFetchedEvent, DeliveryQueuedEvent } from '@vdx/contracts';
import { documentLife } from '@vdx/statistics-domain';
import { openApiDocument } from './openapi';
import { STATISTICS_COLLECTIONS, statisticsProjection } from './statistics.projection';

const life = documentLife({
  packageId: 'p1',
  documentId: 'doc-1',
  sender: '000.00.00.G22',
  acceptedAt: new Date('2025-07-15T02:00:00Z'),
  copies: [{ recipient: '000.00.00.H53', fetchedAfterMs: 1000, ack: 'done' }],
});
const queued = life.find((e) => e.event.type === DeliveryQueuedEvent.type)!;
const fetched = life.find((e) => e.event.type === DeliveryFetchedEvent.type)!;
const at = (offset: number) => ({ topic: 'vdx.delivery.events.v1', partition: 2, offset: String(offset) });

describe('StatisticsProjection', () => {
  it('reads the production topics, both lanes, into its eight collections, counters first, the document lookup last', () => {
    const p = statisticsProjection();
    expect(p.name).toBe('statistics');
    expect(p.topics).toEqual([
      'vdx.gateway.events.v1.urgent',
      'vdx.gateway.events.v1',
      'vdx.signature.events.v1.urgent',
      'vdx.signature.events.v1',
      'vdx.routing.events.v1.urgent',
      'vdx.routing.events.v1',
      'vdx.delivery.events.v1.urgent',
      'vdx.delivery.events.v1',
      'vdx.directory.events.v1',
    ]);
    expect(p.collections).toEqual(['statistics_headline', 'statistics_detail', 'statistics_quality', 'statistics_directory', 'statistics_tree', 'statistics_agencies', 'statistics_deliveries', 'statistics_documents']);
  });

  it('remembers a delivery from its first event, so its later events are attributed to the sender', () => {
    const p = statisticsProjection();
    const first = p.project(queued.event, at(0));
    expect(first.at(-1)).toEqual({ collection: STATISTICS_COLLECTIONS.deliveries, id: 'p1/000.00.00.H53', creates: true, update: { $set: { s: '000.00.00.G22', k: 'd', a: '2025-07-15T02:00:00.000Z', dl: '2025-07-15T10:00:00.000Z' } } });
    const later = p.project(fetched.event, at(1));
    expect(later.map((w) => w.id)).toContain('D2025-07-15|A:G22');
    expect(later.every((w) => (w.update.$inc ? Object.keys(w.update.$inc).every((k) => /^[sr]dn_/.test(k)) : true))).toBe(true);
    expect(p.missingFacts([fetched.event])).toEqual({ deliveries: [], agencies: [] });
  });

  it('refuses a replay that did not start at offset zero and meets a delivery it never saw queued (a resumed replay)', () => {
    const p = statisticsProjection();
    expect(() => p.project(fetched.event, at(57))).toThrow(expect.objectContaining({ code: 'STATISTICS.REPLAY_RESUMED' }));
  });

  it('in the live runner, asks for the facts it lacks, takes them from the store, and counts a fact never found nowhere', () => {
    const live = statisticsProjection({ factCache: 1000 });
    expect(live.missingFacts([queued.event, fetched.event])).toEqual({ deliveries: ['p1/000.00.00.H53'], agencies: [] });
    expect(live.project(fetched.event, at(57))).toEqual([]);
    expect(live.unattributed).toBe(1);
    live.remember([{ _id: 'p1/000.00.00.H53', s: '000.00.00.G22', k: 'd', a: '2025-07-15T02:00:00.000Z', dl: null }], []);
    expect(live.project(fetched.event, at(58)).length).toBeGreaterThan(0);
  });

  it('takes the delivery owner\'s commands, which travel a topic of their own, for no fact of a delivery', () => {
    const live = statisticsProjection({ factCache: 1000 });
    const command = createEvent(DeliveryCommandSubmittedEvent, {
      aggregateId: 'p9/000.00.00.H53',
      aggregateSeq: 1,
      actor: { kind: 'system', id: 'gateway' },
      correlationId: 'p9',
      payload: { commandId: 'c1', deliveryId: 'p9/000.00.00.H53', kind: 'Fetch', systemId: 'qlvb-tn', result: null, reason: null, operator: null, error: null, replyTo: null },
    });
    expect(live.missingFacts([command])).toEqual({ deliveries: [], agencies: [] });
    expect(live.project(command, at(3))).toEqual([]);
    expect(live.unattributed).toBe(0);
  });

  it('documents every parameter in its OpenAPI document', () => {
    const doc = openApiDocument() as { paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, unknown> } }> };
    expect(doc.paths['/statistics/v1/connected']!.get.parameters.map((p) => p.name)).toEqual(['agency', 'format']);
    expect(doc.paths['/statistics/v1/quality']!.get.parameters.map((p) => p.name)).toEqual(['period', 'from', 'to', 'agency', 'subtree', 'rows', 'limit', 'after', 'format']);
    expect(Object.keys(doc.paths['/statistics/v1/report']!.get.responses)).toEqual(['200', '400', '401', '403']);
  });
});
