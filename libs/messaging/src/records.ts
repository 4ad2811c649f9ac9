import type { EventEnvelope, MessageHeaders } from '@vdx/contracts';

/** A Kafka record as the consumer received it, before or after decoding. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit; kept as the decimal string the client gives. */
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: MessageHeaders;
}

/** A decoded event with the coordinates it was read from. */
export interface ConsumedEvent<P = unknown> {
  readonly event: EventEnvelope<P>;
  readonly record: ConsumedRecord;
}

type RawHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined> | undefined;

/** One value per header name (the first, where a client repeats one). */
export function normaliseHeaders(raw: RawHeaders): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [k, v] of Object.entries(raw ?? {})) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

/** Headers as the producer wants them: strings only. */
export function textHeaders(headers: MessageHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = typeof v === 'string' ? v : v.toString('utf8');
  return out;
}

/** The offset to commit after `offset` has been handled. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
