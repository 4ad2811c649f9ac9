import { SchemaCatalogue, type EventDefinition } from './catalogue';
import { ProbeRecordedEvent } from './platform/probe-recorded.event';

/** Every event type of the axis. A new type or version is added here and locked (schema-lock.json). */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = [ProbeRecordedEvent as EventDefinition];

/** The catalogue every service decodes with. */
export const catalogue = new SchemaCatalogue(EVENT_DEFINITIONS);
