import {
  AgencyConnectedEvent,
  AgencyRegisteredEvent,
  AgencyReinstatedEvent,
  AgencyRetiredEvent,
  AgencySuspendedEvent,
  AgencyUpdatedEvent,
  eventTopic,
  isEvent,
  type EventEnvelope,
} from '@vdx/contracts';
import type { LogPosition, Projection, ReadModelWrite } from '@vdx/event-sourcing';
import { parseAgencyCode } from '@vdx/agency-code';
import { foldName } from './fold-name';

export const AGENCIES_COLLECTION = 'directory_agencies';
export const DIRECTORY_EVENTS_TOPIC = eventTopic('directory');

/** Field-path-safe key of a connected system inside the `systems` map. */
export function systemKey(systemId: string): string {
  return systemId.replace(/[.$]/g, '_');
}

/**
 * The directory's read model: one document per agency code (never deleted; retired agencies
 * keep their history), with what lookups, subtree listing, diacritics-insensitive search and
 * change feeds need. `rev` is the event's log position: the change cursor compares it.
 */
export function agencyProjection(name = 'directory-agencies', topic = DIRECTORY_EVENTS_TOPIC, collection = AGENCIES_COLLECTION): Projection {
  return {
    name,
    topics: [topic],
    collections: [collection],
    project(event: EventEnvelope, position: LogPosition): ReadModelWrite[] {
      const common = { version: event.aggregateSeq, rev: { p: position.partition, o: Number(position.offset) }, changedAt: event.occurredAt };
      const set = (fields: Record<string, unknown>): ReadModelWrite[] => [{ collection, id: event.aggregateId, update: { $set: { ...fields, ...common } } }];
      if (isEvent(AgencyRegisteredEvent, event)) {
        const p = event.payload;
        const parsed = parseAgencyCode(p.code);
        const ancestors = parsed.ok ? parsed.code.ancestors().map(String) : [];
        return [
          {
            collection,
            id: p.code,
            creates: true,
            update: {
              $set: {
                code: p.code,
                name: p.name,
                nameKey: foldName(p.name),
                parentCode: p.parentCode,
                ancestors,
                level: parsed.ok ? parsed.code.level : 0,
                email: p.email,
                inCharge: p.inCharge,
                status: 'active',
                validFrom: p.validFrom,
                validTo: null,
                successorCode: null,
                ...common,
              },
            },
          },
        ];
      }
      if (isEvent(AgencyUpdatedEvent, event)) {
        const p = event.payload;
        return set({ name: p.name, nameKey: foldName(p.name), email: p.email, inCharge: p.inCharge });
      }
      if (isEvent(AgencyConnectedEvent, event)) {
        const p = event.payload;
        return set({ [`systems.${systemKey(p.systemId)}`]: { systemId: p.systemId, credentialFingerprint: p.credentialFingerprint, endpoint: p.endpoint } });
      }
      if (isEvent(AgencySuspendedEvent, event)) return set({ status: 'suspended', suspendedReason: event.payload.reason });
      if (isEvent(AgencyReinstatedEvent, event)) return set({ status: 'active', suspendedReason: null });
      if (isEvent(AgencyRetiredEvent, event)) {
        const p = event.payload;
        return set({ status: 'retired', successorCode: p.successorCode, validTo: p.validTo, retiredReason: p.reason });
      }
      return [];
    },
  };
}
