import type { Schema } from 'avsc';

/**
 * Avro schema of the envelope itself. The payload travels as bytes written with the event
 * type's own schema, named by the `vdx-schema` header, so envelope and payloads evolve apart.
 */
export const ENVELOPE_SCHEMA_V1: Schema = {
  type: 'record',
  name: 'EventEnvelope',
  namespace: 'vdx.contracts.v1',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'schemaVersion', type: 'int' },
    { name: 'aggregateId', type: 'string' },
    { name: 'aggregateSeq', type: 'long' },
    // Milliseconds since the epoch, UTC.
    { name: 'occurredAt', type: 'long' },
    { name: 'correlationId', type: 'string' },
    { name: 'causationId', type: ['null', 'string'], default: null },
    {
      name: 'actor',
      type: {
        type: 'record',
        name: 'Actor',
        fields: [
          { name: 'kind', type: { type: 'enum', name: 'ActorKind', symbols: ['agency', 'operator', 'system'] } },
          { name: 'id', type: 'string' },
        ],
      },
    },
    {
      name: 'trace',
      type: [
        'null',
        {
          type: 'record',
          name: 'TraceContext',
          fields: [
            { name: 'traceparent', type: 'string' },
            { name: 'tracestate', type: ['null', 'string'], default: null },
          ],
        },
      ],
      default: null,
    },
    { name: 'payload', type: 'bytes' },
  ],
};
