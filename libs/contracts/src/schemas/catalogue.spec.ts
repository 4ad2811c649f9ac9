import { Type, type Schema } from 'avsc';
import { createEvent, isEvent } from '../envelope/create-event';
import type { EventEnvelope } from '../envelope/envelope';
import { EventCodec } from '../envelope/event-codec';
import { HEADERS } from '../envelope/headers';
import { SchemaCatalogue, defineEvent, type EventDefinition, type EventTypeOf } from './catalogue';
import { DeliveryQueuedEvent } from './exchange/delivery-events';
import { ProbeRecordedEvent } from './platform/probe-recorded.event';
import { EVENT_DEFINITIONS, catalogue, type EventType } from './registry';

// The upcasters of the axis are its schema versions: data written with an older version is read
// as the current one by Avro schema resolution (`SchemaCatalogue.decodeToCurrent`), new fields
// taking their defaults. These tests hold that per version, for the real catalogue and for a
// synthetic type with three versions.

const record = (fields: Schema[]): Schema => ({ type: 'record', name: 'Thing', namespace: 'vdx.test.v1', fields } as Schema);
interface Thing {
  readonly id: string;
  readonly size: number;
  readonly label: string | null;
  readonly tags: readonly string[];
}
// v1: id and a legacy field; v2 adds size (default 0) and drops the legacy field; v3 adds an
// optional label (default null) and tags (default empty).
const THING_V1 = record([{ name: 'id', type: 'string' }, { name: 'legacy', type: 'string' }] as never);
const THING_V2 = record([{ name: 'id', type: 'string' }, { name: 'size', type: 'int', default: 0 }] as never);
const THING_V3 = record([
  { name: 'id', type: 'string' },
  { name: 'size', type: 'int', default: 0 },
  { name: 'label', type: ['null', 'string'], default: null },
  { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
] as never);
const Thing = defineEvent<'vdx.test.Thing', Thing>('vdx.test.Thing', [THING_V1, THING_V2, THING_V3]);
const things = new SchemaCatalogue([Thing]);
const [v1, v2, v3] = things.entries().get('vdx.test.Thing')!;

describe('defineEvent', () => {
  it('keeps the literal type of the event type', () => {
    // Compile-time: `.type` is the literal itself, not `string` (tsc fails otherwise).
    const literal: 'vdx.delivery.DeliveryQueued' = DeliveryQueuedEvent.type;
    const both: [EventTypeOf<typeof Thing>] extends ['vdx.test.Thing'] ? (['vdx.test.Thing'] extends [EventTypeOf<typeof Thing>] ? true : false) : false = true;
    expect([literal, both, Thing.type]).toEqual(['vdx.delivery.DeliveryQueued', true, 'vdx.test.Thing']);
  });

  it('types an envelope with the literals of the catalogue, and narrows it with isEvent', () => {
    const event: EventEnvelope = createEvent(DeliveryQueuedEvent, { aggregateId: 'd', aggregateSeq: 1, payload: {} as never, actor: { kind: 'system', id: 'tests' }, correlationId: 'c' });
    // Compile-time: `EventEnvelope.type` is the union of the catalogue's types, so a comparison
    // with a type the axis does not know fails to compile (tsc fails if it ever compiles).
    // @ts-expect-error: 'vdx.delivery.DeliveryQeued' is not an event type of the axis
    const typo = event.type === 'vdx.delivery.DeliveryQeued';
    const known: EventType = event.type;
    const narrowed = isEvent(DeliveryQueuedEvent, event) ? event.type : null;
    const literal: 'vdx.delivery.DeliveryQueued' | null = narrowed;
    // And the union holds exactly the catalogue's types.
    const everyType: readonly EventType[] = EVENT_DEFINITIONS.map((d) => d.type as EventType);
    expect([typo, known, literal]).toEqual([false, 'vdx.delivery.DeliveryQueued', 'vdx.delivery.DeliveryQueued']);
    expect(new Set(everyType)).toEqual(new Set(catalogue.entries().keys()));
  });

  it('refuses a type without a schema', () => {
    expect(() => defineEvent<'vdx.test.Empty', never>('vdx.test.Empty', [])).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNKNOWN_SCHEMA' }));
  });
});

describe('upcasting with decodeToCurrent', () => {
  it('numbers versions from 1 and reads the current version as it is', () => {
    expect([v1!.version, v2!.version, v3!.version]).toEqual([1, 2, 3]);
    expect(things.current('vdx.test.Thing')).toBe(v3);
    const bytes = v3!.avro.toBuffer({ id: 't', size: 4, label: 'x', tags: ['a'] });
    expect(things.decodeToCurrent(v3!, bytes)).toEqual({ version: 3, value: { id: 't', size: 4, label: 'x', tags: ['a'] } });
  });

  it('reads v1 data as v3: dropped fields gone, added ones at their defaults', () => {
    const bytes = v1!.avro.toBuffer({ id: 't-1', legacy: 'cũ' });
    expect(things.decodeToCurrent(v1!, bytes)).toEqual({ version: 3, value: { id: 't-1', size: 0, label: null, tags: [] } });
  });

  it('reads v2 data as v3, keeping what v2 wrote', () => {
    const bytes = v2!.avro.toBuffer({ id: 't-2', size: 7 });
    expect(things.decodeToCurrent(v2!, bytes)).toEqual({ version: 3, value: { id: 't-2', size: 7, label: null, tags: [] } });
    // The resolver is built once per pair of versions and reused.
    expect(things.decodeToCurrent(v2!, v2!.avro.toBuffer({ id: 't-3', size: 8 }))).toEqual({ version: 3, value: { id: 't-3', size: 8, label: null, tags: [] } });
  });

  it('reads ProbeRecorded v1 as v2 with weight 1', () => {
    const [probeV1] = catalogue.entries().get(ProbeRecordedEvent.type)!;
    const bytes = probeV1!.avro.toBuffer({ probeId: 'p', seq: 3, note: 'n' });
    expect(catalogue.decodeToCurrent(probeV1!, bytes)).toEqual({ version: 2, value: { probeId: 'p', seq: 3, note: 'n', weight: 1 } });
  });

  // Every evolved type of the axis: each older version's fields survive, each newer field takes its default.
  const evolved = [...catalogue.entries()].flatMap(([type, versions]) => versions.slice(0, -1).map((writer) => [type, writer.version, writer] as const));
  it.each(evolved)('reads %s v%i data as the current version', (type, _version, writer) => {
    const current = catalogue.current(type);
    const written = writer.avro.random() as unknown as Record<string, unknown>;
    const { version, value } = catalogue.decodeToCurrent(writer, writer.avro.toBuffer(written));
    expect(version).toBe(current.version);
    const read = value as Record<string, unknown>;
    const fields = (current.avro as Type & { fields: { name: string; defaultValue(): unknown }[] }).fields;
    for (const field of fields) {
      const expected = field.name in written ? written[field.name] : field.defaultValue();
      // A nested record (the package reference) may have gained fields of its own, with defaults.
      if (typeof expected === 'object' && expected !== null && !Buffer.isBuffer(expected)) expect([field.name, read[field.name]]).toMatchObject([field.name, expected]);
      else expect([field.name, read[field.name]]).toEqual([field.name, expected]);
    }
  });

  it('fails to decode data no version of the type can read, with CONTRACTS.UNDECODABLE through the codec', () => {
    // A writer whose v1 has a field the reader's current version requires without a default.
    const strict = defineEvent<'vdx.test.Thing', Thing>('vdx.test.Thing', [THING_V1, record([{ name: 'id', type: 'string' }, { name: 'size', type: 'int' }] as never)]);
    const thingV1 = defineEvent<'vdx.test.Thing', { id: string; legacy: string }>('vdx.test.Thing', [THING_V1]);
    const writer = new EventCodec(new SchemaCatalogue([thingV1]));
    const reader = new EventCodec(new SchemaCatalogue([strict]));
    const old = writer.encode(createEvent(thingV1, { aggregateId: 't', aggregateSeq: 1, payload: { id: 't', legacy: 'x' }, actor: { kind: 'system', id: 'tests' }, correlationId: 'c' }));
    expect(old.headers[HEADERS.schema]).toBe(v1!.fingerprint);
    expect(() => reader.decode(old.value, old.headers)).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNDECODABLE' }));
    // The same bytes read by a catalogue whose current version gives the field a default.
    expect(new EventCodec(things).decode(old.value, old.headers)).toMatchObject({ schemaVersion: 3, payload: { id: 't', size: 0, label: null, tags: [] } });
  });

  it('refuses data written with a schema it does not know', () => {
    expect(() => things.byFingerprint('0000000000000000')).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNKNOWN_SCHEMA' }));
    expect(() => things.current('vdx.test.Other')).toThrow(expect.objectContaining({ code: 'CONTRACTS.UNKNOWN_EVENT_TYPE', path: 'type' }));
  });

  it('keeps one definition per type and one schema per record name', () => {
    expect(() => new SchemaCatalogue([Thing, Thing as EventDefinition])).toThrow(expect.objectContaining({ code: 'CONTRACTS.DUPLICATE_SCHEMA' }));
    const twin = defineEvent<'vdx.test.Twin', Thing>('vdx.test.Twin', [THING_V1]);
    expect(() => new SchemaCatalogue([Thing, twin])).toThrow(expect.objectContaining({ code: 'CONTRACTS.DUPLICATE_SCHEMA' }));
  });
});

describe('the evidence reference of the verdict events', () => {
  const evidence = { sha256: 'e'.repeat(64), size: 48_213, contentType: 'application/vnd.vdx.signature-evidence+json' };
  const verdicts = [
    ['vdx.signature.SignatureVerified', 3],
    ['vdx.signature.SignatureRejected', 3],
    ['vdx.signature.SignatureRechecked', 2],
  ] as const;

  it.each(verdicts)('%s gains it in v%i: data written before reads with a null reference, every other field kept', (type, added) => {
    const versions = catalogue.entries().get(type)!;
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: added }, (_, i) => i + 1));
    const before = versions[added - 2]!;
    const written = before.avro.random() as unknown as Record<string, unknown>;
    const { version, value } = catalogue.decodeToCurrent(before, before.avro.toBuffer(written));
    expect(version).toBe(added);
    expect(value).toMatchObject({ ...written, evidence: null });
  });

  it.each(verdicts)('%s v%i writes the reference, and null when none was kept', (type, added) => {
    const current = catalogue.current(type);
    expect(current.version).toBe(added);
    const written = { ...(current.avro.random() as unknown as Record<string, unknown>), evidence };
    expect((current.avro.fromBuffer(current.avro.toBuffer(written)) as { evidence: unknown }).evidence).toEqual(evidence);
    // Left out by the writer: null.
    const { evidence: _left, ...without } = written;
    expect((current.avro.fromBuffer(current.avro.toBuffer(without)) as { evidence: unknown }).evidence).toBeNull();
  });
});

describe('the package reference of events published before the signature verdict joined it', () => {
  it('reads v1 data with a null verdict, and writes today with the verdict', () => {
    const v1 = catalogue.entries().get('vdx.delivery.DeliveryQueued')![0]!;
    const written = v1.avro.random() as unknown as { package: Record<string, unknown> };
    const { version, value } = catalogue.decodeToCurrent(v1, v1.avro.toBuffer(written));
    expect(version).toBe(2);
    expect((value as { package: Record<string, unknown> }).package).toEqual({ ...written.package, signatureVerdict: null });
  });
});
