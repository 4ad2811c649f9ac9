import { DeliveryFetchedEvent, DeliveryQueuedEvent, EventCodec, catalogue, createEvent, type EventEnvelope } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { ConsumedRecord } from '@vdx/messaging';
import { InboxFeed, type QueuedDelivery } from './inbox-feed';

// The feed's step on what it follows (`hand`, called by its TopicFollower with each batch of
// records): records in, watchers told and addresses remembered. No broker: the feed is not started.

const TOPIC = 'test.delivery.events';
const codec = new EventCodec(catalogue);

const ref = packageRefWith({ packageId: 'p1', senderCode: '000.00.00.G22', systemId: 'sys-g22', recipientCodes: ['000.00.00.H01'], documentId: 'd1', businessDocType: '0', subject: 'Công văn', bodySha256: 'b'.repeat(64), bodySize: 8 });

function record(event: EventEnvelope, offset: number): ConsumedRecord {
  const { key, value, headers } = codec.encode(event);
  return { topic: TOPIC, partition: 0, offset: String(offset), key, value, headers };
}

const queued = (deliveryId: string, recipientCode: string) =>
  createEvent(DeliveryQueuedEvent, {
    aggregateId: deliveryId, aggregateSeq: 1, actor: { kind: 'system', id: 'delivery' }, correlationId: 'p1', occurredAt: new Date('2026-11-30T02:00:01.000Z'),
    payload: { deliveryId, package: ref, recipientCode, deliverToCode: recipientCode, systemId: `sys-${recipientCode}`, endpoint: null, route: 'direct', via: [], deadline: '2026-12-02T02:00:00.000Z' },
  }) as EventEnvelope;

function hand(feed: InboxFeed, records: readonly ConsumedRecord[]): void {
  feed['hand'](records);
}

describe('InboxFeed', () => {
  it('tells every watcher of each delivery queued, with its queue time, and remembers its address', () => {
    const feed = new InboxFeed({ brokers: '127.0.0.1:1', clientId: 'unused' }, TOPIC);
    const seen: QueuedDelivery[] = [];
    const unsubscribe = feed.subscribe((d) => seen.push(d));
    hand(feed, [record(queued('p1/000.00.00.H01', '000.00.00.H01'), 0)]);
    expect(seen.map((d) => [d.deliveryId, d.recipientCode, d.queuedAt])).toEqual([['p1/000.00.00.H01', '000.00.00.H01', '2026-11-30T02:00:01.000Z']]);
    expect(feed.addressOf('p1/000.00.00.H01')).toEqual({ deliveryId: 'p1/000.00.00.H01', recipientCode: '000.00.00.H01', systemId: 'sys-000.00.00.H01', bodySha256: 'b'.repeat(64) });
    unsubscribe();
    hand(feed, [record(queued('p1/000.00.00.H02', '000.00.00.H02'), 1)]);
    expect(seen).toHaveLength(1);
    expect(feed.addressOf('p1/000.00.00.H02')?.recipientCode).toBe('000.00.00.H02');
    expect(feed.addressOf('p9/000.00.00.H01')).toBeUndefined();
  });

  it('passes over other delivery events and records it cannot decode, and goes on with the batch', () => {
    const feed = new InboxFeed({ brokers: '127.0.0.1:1', clientId: 'unused' }, TOPIC);
    const seen: string[] = [];
    feed.subscribe((d) => seen.push(d.deliveryId));
    const fetched = createEvent(DeliveryFetchedEvent, { aggregateId: 'p1/000.00.00.H01', aggregateSeq: 2, actor: { kind: 'system', id: 'delivery' }, correlationId: 'p1', payload: { deliveryId: 'p1/000.00.00.H01', systemId: 's', via: 'fetch' } }) as EventEnvelope;
    const junk: ConsumedRecord = { topic: TOPIC, partition: 0, offset: '1', key: 'k', value: Buffer.from('not avro'), headers: {} };
    hand(feed, [record(fetched, 0), junk, record(queued('p2/000.00.00.H01', '000.00.00.H01'), 2)]);
    expect(seen).toEqual(['p2/000.00.00.H01']);
    expect(feed.addressOf('p1/000.00.00.H01')).toBeUndefined();
  });
});
