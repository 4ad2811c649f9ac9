import { DLQ_HEADERS, deadLetterOf } from './dead-letter';
import {
  DLQ_REPLAYED_FROM_HEADER,
  decodeLedgerEntry,
  encodeLedgerEntry,
  groupOfDeadLetterTopic,
  ledgerEntryOf,
  parsePoisonId,
  poisonIdText,
  poisonMessageOf,
  replayHeaders,
  replayMarker,
  replayRecordOf,
  replayedText,
} from './dead-letter-records';
import { PoisonMessageError } from './messaging.error';
import type { ConsumedRecord } from './records';

const original: ConsumedRecord = {
  topic: 'vdx.gateway.events.v1',
  partition: 2,
  offset: '118',
  key: 'doc-1',
  value: Buffer.from([0, 1, 2, 250]),
  headers: { 'vdx-event-type': 'PackageAccepted', 'vdx-trace': Buffer.from('00-abc-01') },
};

/** `original` as the consumer of group `routing` parked it at offset 4 of its dead-letter topic. */
function parked(over: Partial<ConsumedRecord> = {}): ConsumedRecord {
  const dead = deadLetterOf(original, 'routing', new PoisonMessageError('ROUTING.NO_ROUTE', 'no route to 000.00.00.X99'), 1, new Date('2025-05-01T10:00:00.000Z'));
  return { topic: dead.topic, partition: 0, offset: '4', key: dead.key, value: dead.value, headers: dead.headers, ...over };
}

describe('dead-letter ids', () => {
  it('reads <offset> as partition 0 and <partition>:<offset>, without leading zeros', () => {
    expect(parsePoisonId('12')).toEqual({ partition: 0, offset: '12' });
    expect(parsePoisonId(' 3:007 ')).toEqual({ partition: 3, offset: '7' });
    expect(parsePoisonId('0:9223372036854775807')).toEqual({ partition: 0, offset: '9223372036854775807' });
  });

  it.each(['', 'a', '1:', ':1', '-1', '1:2:3', '1.5', '0x10', 'vdx.dlq.g:0:1'])('refuses %j with DLQ.BAD_ID', (text) => {
    expect(() => parsePoisonId(text)).toThrow(expect.objectContaining({ code: 'DLQ.BAD_ID', path: 'id' }));
  });

  it('prints an id the way --id takes it, and the marker with the topic in front', () => {
    expect(poisonIdText({ partition: 0, offset: '4' })).toBe('0:4');
    expect(replayMarker('vdx.dlq.routing', parsePoisonId('4'))).toBe('vdx.dlq.routing:0:4');
  });

  it('knows the group of a dead-letter topic, and nothing else for one', () => {
    expect(groupOfDeadLetterTopic('vdx.dlq.projection.delivery-state')).toBe('projection.delivery-state');
    expect(groupOfDeadLetterTopic('vdx.dlq.')).toBeNull();
    expect(groupOfDeadLetterTopic('vdx.dlq-replays.v1')).toBeNull();
    expect(groupOfDeadLetterTopic('vdx.routing.events.v1')).toBeNull();
  });
});

describe('a dead letter as the operator sees it', () => {
  it('has its place, key, source, code, reason, attempts and time from the headers', () => {
    expect(poisonMessageOf(parked(), 'routing')).toEqual({
      id: '0:4',
      group: 'routing',
      topic: 'vdx.dlq.routing',
      partition: 0,
      offset: '4',
      key: 'doc-1',
      valueBytes: 4,
      source: { topic: 'vdx.gateway.events.v1', partition: 2, offset: '118' },
      code: 'ROUTING.NO_ROUTE',
      reason: 'no route to 000.00.00.X99',
      attempts: 1,
      at: '2025-05-01T10:00:00.000Z',
      replayedFrom: null,
    });
  });

  it('shows what is missing as null rather than guessing', () => {
    const bare = poisonMessageOf({ topic: 'vdx.dlq.g', partition: 0, offset: '0', key: null, value: null, headers: { [DLQ_HEADERS.attempts]: '' } }, 'g');
    expect(bare).toEqual(expect.objectContaining({ key: null, valueBytes: null, source: null, code: null, reason: null, attempts: null, at: null }));
  });

  it('says when it is the second failure of a replayed message', () => {
    const again = parked({ headers: { ...parked().headers, [DLQ_REPLAYED_FROM_HEADER]: 'vdx.dlq.routing:0:1' } });
    expect(poisonMessageOf(again, 'routing').replayedFrom).toBe('vdx.dlq.routing:0:1');
  });
});

describe('what a replay sends back', () => {
  it('is the original key, value and headers to the source topic and partition, plus the marker', () => {
    const r = replayRecordOf(parked());
    expect(r).toEqual({
      marker: 'vdx.dlq.routing:0:4',
      source: { topic: 'vdx.gateway.events.v1', partition: 2, offset: '118' },
      key: 'doc-1',
      value: Buffer.from([0, 1, 2, 250]),
      headers: { 'vdx-event-type': 'PackageAccepted', 'vdx-trace': '00-abc-01', [DLQ_REPLAYED_FROM_HEADER]: 'vdx.dlq.routing:0:4' },
    });
  });

  it('drops every vdx-dlq-* header, an earlier replay marker included, and keeps header bytes as they are', () => {
    const bytes = Buffer.from([0xff, 0x00]);
    const headers = replayHeaders({ a: bytes, b: 'text', c: undefined, [DLQ_HEADERS.code]: 'X', [DLQ_REPLAYED_FROM_HEADER]: 'vdx.dlq.g:0:1', 'vdx-dlq-future-header': 'y' }, 'vdx.dlq.g:0:9');
    expect(headers).toEqual({ a: bytes, b: 'text', [DLQ_REPLAYED_FROM_HEADER]: 'vdx.dlq.g:0:9' });
    expect(headers['a']).toBe(bytes);
  });

  it.each([
    ['missing', undefined],
    ['not topic/partition/offset', 'vdx.gateway.events.v1:2:118'],
  ])('refuses a record whose source header is %s with DLQ.NO_SOURCE', (_what, source) => {
    const headers = { ...parked().headers };
    delete headers[DLQ_HEADERS.source];
    const record = parked({ headers: source === undefined ? headers : { ...headers, [DLQ_HEADERS.source]: source } });
    expect(() => replayRecordOf(record)).toThrow(expect.objectContaining({ code: 'DLQ.NO_SOURCE', message: expect.stringContaining('vdx.dlq.routing 0:4 has no usable vdx-dlq-source header') }));
  });
});

describe('the replay ledger', () => {
  const entry = ledgerEntryOf('vdx.dlq.routing', { partition: 0, offset: '4' }, { topic: 'vdx.gateway.events.v1', partition: 2, offset: '118' }, new Date('2025-05-02T08:30:00.000Z'), 'alice');

  it('keys an entry by the marker and says where it went, when and by whom', () => {
    expect(entry).toEqual({ marker: 'vdx.dlq.routing:0:4', dlqTopic: 'vdx.dlq.routing', partition: 0, offset: '4', to: { topic: 'vdx.gateway.events.v1', partition: 2 }, at: '2025-05-02T08:30:00.000Z', operator: 'alice' });
    expect(replayedText(entry)).toBe('replayed 2025-05-02T08:30:00.000Z by alice to vdx.gateway.events.v1/2');
  });

  it('reads back what it wrote, a tombstone as nothing, and ignores records of another shape', () => {
    expect(decodeLedgerEntry(encodeLedgerEntry(entry))).toEqual(entry);
    expect(decodeLedgerEntry(null)).toBeNull();
    expect(decodeLedgerEntry(Buffer.from('not json'))).toBeNull();
    expect(decodeLedgerEntry(Buffer.from(JSON.stringify({ ...entry, to: 'vdx.gateway.events.v1' })))).toBeNull();
    expect(decodeLedgerEntry(Buffer.from(JSON.stringify({ ...entry, partition: '0' })))).toBeNull();
  });
});
