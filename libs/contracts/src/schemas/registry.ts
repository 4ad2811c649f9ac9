import { SchemaCatalogue, type EventDefinition } from './catalogue';
import { AGENCY_EVENTS } from './directory/agency-events';
import { DELIVERY_COMMAND_EVENTS, DELIVERY_EVENTS } from './exchange/delivery-events';
import { GATEWAY_EVENTS } from './exchange/package-events';
import { ROUTING_EVENTS } from './exchange/routing-events';
import { SIGNATURE_EVENTS } from './exchange/signature-events';
import { LEGACY_EDGE_EVENTS } from './legacy/system-secret-events';
import { ProbeRecordedEvent } from './platform/probe-recorded.event';

/** Every event type of the axis. A new type or version is added here and locked (schema-lock.json). */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
  ProbeRecordedEvent as EventDefinition,
  ...(AGENCY_EVENTS as readonly EventDefinition[]),
  ...(GATEWAY_EVENTS as readonly EventDefinition[]),
  ...(SIGNATURE_EVENTS as readonly EventDefinition[]),
  ...(ROUTING_EVENTS as readonly EventDefinition[]),
  ...(DELIVERY_EVENTS as readonly EventDefinition[]),
  ...(DELIVERY_COMMAND_EVENTS as readonly EventDefinition[]),
  ...(LEGACY_EDGE_EVENTS as readonly EventDefinition[]),
];

/** The catalogue every service decodes with. */
export const catalogue = new SchemaCatalogue(EVENT_DEFINITIONS);
