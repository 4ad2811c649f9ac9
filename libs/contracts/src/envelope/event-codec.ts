import { Type } from 'avsc';
import { SchemaCatalogue, schemaFingerprint } from '../schemas/catalogue';
import { ContractError } from './contract.error';
import type { EventType } from '../schemas/registry';
import type { EventEnvelope } from './envelope';
import { ENVELOPE_SCHEMA_V1 } from './envelope.schema';
import { HEADERS, headerText, type MessageHeaders } from './headers';

/** An event as bytes, ready for (or fresh from) a Kafka record. */
export interface EncodedEvent {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

interface EnvelopeRecord {
  eventId: string;
  type: string;
  schemaVersion: number;
  aggregateId: string;
  aggregateSeq: number;
  occurredAt: number;
  correlationId: string;
  causationId: string | null;
  actor: { kind: 'agency' | 'operator' | 'system'; id: string };
  trace: { traceparent: string; tracestate: string | null } | null;
  payload: Buffer;
}

const envelopeType = Type.forSchema(ENVELOPE_SCHEMA_V1);
const envelopePrint = schemaFingerprint(envelopeType);

/** Turns envelopes into Kafka records and back, through the schema catalogue. */
export class EventCodec {
  constructor(private readonly catalogue: SchemaCatalogue) {}

  encode(event: EventEnvelope<unknown, string>): EncodedEvent {
    const entry = this.catalogue.current(event.type);
    if (event.schemaVersion !== entry.version) {
      throw new ContractError(
        'CONTRACTS.INVALID_ENVELOPE',
        `${event.type} is written with v${entry.version}, not v${event.schemaVersion}`,
        { path: 'schemaVersion' },
      );
    }
    const problems: string[] = [];
    if (!entry.avro.isValid(event.payload, { errorHook: (path) => problems.push(path.join('.') || '(root)') })) {
      throw new ContractError(
        'CONTRACTS.INVALID_PAYLOAD',
        `${event.type} payload does not match its schema at ${problems.join(', ')}`,
        { path: `payload.${problems[0] ?? ''}` },
      );
    }
    const occurredAt = new Date(event.occurredAt);
    if (Number.isNaN(occurredAt.getTime())) {
      throw new ContractError('CONTRACTS.INVALID_ENVELOPE', `occurredAt is not an instant: ${event.occurredAt}`, { path: 'occurredAt' });
    }
    const record: EnvelopeRecord = {
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      aggregateId: event.aggregateId,
      aggregateSeq: event.aggregateSeq,
      occurredAt: occurredAt.getTime(),
      correlationId: event.correlationId,
      causationId: event.causationId,
      actor: { kind: event.actor.kind, id: event.actor.id },
      trace: event.trace ? { traceparent: event.trace.traceparent, tracestate: event.trace.tracestate ?? null } : null,
      payload: entry.avro.toBuffer(event.payload),
    };
    let value: Buffer;
    try {
      value = envelopeType.toBuffer(record);
    } catch (err) {
      throw new ContractError('CONTRACTS.INVALID_ENVELOPE', `envelope of ${event.type} is invalid: ${(err as Error).message}`);
    }
    const headers: Record<string, string> = {
      [HEADERS.envelope]: envelopePrint,
      [HEADERS.schema]: entry.fingerprint,
      [HEADERS.type]: event.type,
      [HEADERS.eventId]: event.eventId,
      [HEADERS.correlationId]: event.correlationId,
    };
    if (event.trace) {
      headers[HEADERS.traceparent] = event.trace.traceparent;
      if (event.trace.tracestate) headers[HEADERS.tracestate] = event.trace.tracestate;
    }
    return { key: event.aggregateId, value, headers };
  }

  decode(value: Buffer | null, headers: MessageHeaders): EventEnvelope {
    if (!value) throw new ContractError('CONTRACTS.UNDECODABLE', 'record has no value');
    const envPrint = headerText(headers, HEADERS.envelope);
    const payloadPrint = headerText(headers, HEADERS.schema);
    if (!envPrint || !payloadPrint) {
      throw new ContractError('CONTRACTS.MISSING_HEADER', `record lacks the ${!envPrint ? HEADERS.envelope : HEADERS.schema} header`);
    }
    if (envPrint !== envelopePrint) {
      throw new ContractError('CONTRACTS.UNKNOWN_SCHEMA', `unknown envelope schema ${envPrint}`);
    }
    const writer = this.catalogue.byFingerprint(payloadPrint);
    let record: EnvelopeRecord;
    let payload: { version: number; value: unknown };
    try {
      record = envelopeType.fromBuffer(value) as EnvelopeRecord;
      payload = this.catalogue.decodeToCurrent(writer, record.payload);
    } catch (err) {
      throw new ContractError('CONTRACTS.UNDECODABLE', `${writer.type} record cannot be decoded: ${(err as Error).message}`);
    }
    if (record.type !== writer.type) {
      throw new ContractError('CONTRACTS.INVALID_ENVELOPE', `envelope says ${record.type} but the schema header names ${writer.type}`, { path: 'type' });
    }
    return {
      eventId: record.eventId,
      // The schema header named a type of the catalogue, and the envelope agrees with it.
      type: record.type as EventType,
      schemaVersion: payload.version,
      aggregateId: record.aggregateId,
      aggregateSeq: Number(record.aggregateSeq),
      occurredAt: new Date(Number(record.occurredAt)).toISOString(),
      correlationId: record.correlationId,
      causationId: record.causationId,
      actor: record.actor,
      trace: record.trace,
      payload: payload.value,
    };
  }
}
