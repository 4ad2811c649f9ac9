import { SchemaCatalogue, type EventDefinition } from './catalogue';
import { AGENCY_EVENTS } from './directory/agency-events';
import { DELIVERY_COMMAND_EVENTS, DELIVERY_EVENTS } from './exchange/delivery-events';
import { GATEWAY_EVENTS } from './exchange/package-events';
import { ROUTING_EVENTS } from './exchange/routing-events';
import { SIGNATURE_EVENTS } from './exchange/signature-events';
import { LEGACY_EDGE_EVENTS } from './legacy/system-secret-events';
import { ProbeRecordedEvent } from './platform/probe-recorded.event';

const DEFINITIONS = [
  ProbeRecordedEvent,
  ...AGENCY_EVENTS,
  ...GATEWAY_EVENTS,
  ...SIGNATURE_EVENTS,
  ...ROUTING_EVENTS,
  ...DELIVERY_EVENTS,
  ...DELIVERY_COMMAND_EVENTS,
  ...LEGACY_EDGE_EVENTS,
] as const;

/** Every event type of the axis. A new type or version is added here and locked (schema-lock.json). */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = DEFINITIONS as readonly EventDefinition<unknown>[];

/** The type literal of every event the axis knows: what `EventEnvelope.type` holds. */
export type EventType = (typeof DEFINITIONS)[number]['type'];

/** The catalogue every service decodes with. */
export const catalogue = new SchemaCatalogue(EVENT_DEFINITIONS);
