import type { EventDefinition } from '../schemas/catalogue';
import type { Actor, EventEnvelope, TraceContext } from './envelope';
import { newEventId } from './uuid-v7';

/** What a decider knows when it records a fact; ids and the clock come from outside. */
export interface NewEvent<P> {
  readonly aggregateId: string;
  readonly aggregateSeq: number;
  readonly payload: P;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly trace?: TraceContext | null;
  readonly occurredAt?: Date;
  readonly eventId?: string;
}

/** Wraps a payload in an envelope written with the definition's current schema version. */
export function createEvent<P, T extends string>(def: EventDefinition<P, T>, e: NewEvent<P>): EventEnvelope<P, T> {
  return {
    eventId: e.eventId ?? newEventId(),
    type: def.type,
    schemaVersion: def.versions.length,
    aggregateId: e.aggregateId,
    aggregateSeq: e.aggregateSeq,
    occurredAt: (e.occurredAt ?? new Date()).toISOString(),
    correlationId: e.correlationId,
    causationId: e.causationId ?? null,
    actor: e.actor,
    trace: e.trace ?? null,
    payload: e.payload,
  };
}

/** Narrows a decoded envelope to a definition's payload and type. */
export function isEvent<P, T extends string>(def: EventDefinition<P, T>, event: EventEnvelope<unknown, string>): event is EventEnvelope<P, T> {
  return event.type === def.type;
}
