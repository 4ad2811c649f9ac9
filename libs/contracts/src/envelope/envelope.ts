import type { EventType } from '../schemas/registry';

/** Who caused an event: an agency acting through its connected system, an operator, or the axis itself. */
export interface Actor {
  readonly kind: 'agency' | 'operator' | 'system';
  /** Agency code (`000.00.00.G22`), operator login, or service name. */
  readonly id: string;
}

/** W3C trace context as it travels between hops (https://www.w3.org/TR/trace-context/). */
export interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string | null;
}

/**
 * The envelope every event travels in (docs/architecture.md invariant 3). Metadata is plain data;
 * `payload` is the typed body whose Avro schema the catalogue resolves from `type` and
 * `schemaVersion`.
 */
export interface EventEnvelope<P = unknown, T extends string = EventType> {
  /** UUIDv7: unique, and sortable by creation time. */
  readonly eventId: string;
  /**
   * Stable type string chosen once, e.g. `vdx.directory.AgencyRegistered`: one of the
   * catalogue's literals, so a comparison with a type the axis does not know fails to compile.
   */
  readonly type: T;
  readonly schemaVersion: number;
  /** The aggregate the event belongs to. The record key is `documentKey` for the pipeline's events (one document's aggregates share a partition) and this id elsewhere. */
  readonly aggregateId: string;
  /** 1-based position of this event in its aggregate's stream. */
  readonly aggregateSeq: number;
  /** ISO-8601 instant with milliseconds, UTC. */
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: Actor;
  readonly trace: TraceContext | null;
  readonly payload: P;
}
