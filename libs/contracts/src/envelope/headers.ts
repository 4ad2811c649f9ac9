/** Kafka header names every event carries besides its Avro value. */
export const HEADERS = {
  /** Fingerprint of the envelope schema that wrote the value. */
  envelope: 'vdx-envelope',
  /** Fingerprint of the payload schema (type and version) that wrote the payload. */
  schema: 'vdx-schema',
  type: 'vdx-type',
  eventId: 'vdx-event-id',
  correlationId: 'vdx-correlation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Headers as the messaging layer hands them over: one value, string or bytes. */
export type MessageHeaders = Record<string, string | Buffer | undefined>;

/** A header as text, whatever form the client delivered it in. */
export function headerText(headers: MessageHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.toString('utf8');
}
