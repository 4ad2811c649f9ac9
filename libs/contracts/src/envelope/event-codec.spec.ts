import { Type } from 'avsc';
import { SchemaCatalogue, defineEvent } from '../schemas/catalogue';
import { ProbeRecordedEvent, type ProbeRecorded } from '../schemas/platform/probe-recorded.event';
import { createEvent } from './create-event';
import { EventCodec } from './event-codec';
import { HEADERS } from './headers';
import { isUuid } from './uuid-v7';

const codec = new EventCodec(new SchemaCatalogue([ProbeRecordedEvent]));
const actor = { kind: 'agency', id: '000.00.00.G22' } as const;

function probe(seq: number) {
  return createEvent(ProbeRecordedEvent, {
    aggregateId: 'probe-1',
    aggregateSeq: seq,
    payload: { probeId: 'probe-1', seq, note: 'xin chào', weight: 3 },
    actor,
    correlationId: 'corr-1',
    causationId: 'cause-1',
    trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    occurredAt: new Date('2026-11-22T01:02:03.456Z'),
  });
}

describe('EventCodec', () => {
  it('round-trips an envelope and sets key and headers', () => {
    const event = probe(7);
    const encoded = codec.encode(event);
    expect(encoded.key).toBe('probe-1');
    expect(encoded.headers[HEADERS.type]).toBe('vdx.platform.ProbeRecorded');
    expect(encoded.headers[HEADERS.traceparent]).toBe(event.trace?.traceparent);
    expect(isUuid(event.eventId)).toBe(true);
    const decoded = codec.decode(encoded.value, encoded.headers);
    expect(decoded).toEqual({ ...event, trace: { traceparent: event.trace?.traceparent, tracestate: null } });
  });

  it('upcasts data written with v1 to the current version with its default', () => {
    const v1 = Type.forSchema(ProbeRecordedEvent.versions[0]!);
    const v1Only = new EventCodec(new SchemaCatalogue([defineEvent<typeof ProbeRecordedEvent.type, Omit<ProbeRecorded, 'weight'>>(ProbeRecordedEvent.type, [ProbeRecordedEvent.versions[0]!])]));
    const old = v1Only.encode({ ...probe(1), schemaVersion: 1, payload: { probeId: 'p', seq: 1, note: 'n' } });
    expect(v1.fromBuffer(Buffer.from(v1.toBuffer({ probeId: 'p', seq: 1, note: 'n' })))).toEqual({ probeId: 'p', seq: 1, note: 'n' });
    const decoded = codec.decode(old.value, old.headers);
    expect(decoded.schemaVersion).toBe(2);
    expect(decoded.payload).toEqual({ probeId: 'p', seq: 1, note: 'n', weight: 1 });
  });

  it('refuses a payload that does not match its schema, naming the field', () => {
    const bad = { ...probe(1), payload: { probeId: 'p', seq: 'one', note: 'n', weight: 1 } };
    expect(() => codec.encode(bad as never)).toThrow(expect.objectContaining({ code: 'CONTRACTS.INVALID_PAYLOAD', path: 'payload.seq' }));
  });

  it('refuses unknown types, unknown schemas, missing headers and garbage with coded errors', () => {
    expect(() => codec.encode({ ...probe(1), type: 'vdx.nope.Thing' })).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNKNOWN_EVENT_TYPE' }));
    const good = codec.encode(probe(1));
    expect(() => codec.decode(good.value, { ...good.headers, [HEADERS.schema]: 'ffffffffffffffff' })).toThrow(
      expect.objectContaining({ code: 'CONTRACTS.UNKNOWN_SCHEMA' }),
    );
    expect(() => codec.decode(good.value, {})).toThrow(expect.objectContaining({ code: 'CONTRACTS.MISSING_HEADER' }));
    expect(() => codec.decode(Buffer.from('not avro at all'), good.headers)).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNDECODABLE' }));
    expect(() => codec.decode(null, good.headers)).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNDECODABLE' }));
  });
});
