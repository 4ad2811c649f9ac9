/** The services that own an event topic (ARCHITECTURE "one writer per topic"). */
export const SERVICES = ['gateway', 'directory', 'signature', 'routing', 'delivery', 'statistics'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** `vdx.<service>.events.v<N>`: the only topic `service` writes its events to. */
export function eventTopic(service: string, version = 1): string {
  return `vdx.${service}.events.v${version}`;
}

/** Where a consumer group parks messages it could not handle, with the reason in headers. */
export function deadLetterTopic(groupId: string): string {
  return `vdx.dlq.${groupId}`;
}

/** Settings of an event topic: the log of record never expires and is never compacted. */
export const EVENT_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'retention.ms': '-1',
  'cleanup.policy': 'delete',
};

/** Dead-letter topics are part of the record too: an operator must be able to redrive later. */
export const DEAD_LETTER_TOPIC_CONFIG: Readonly<Record<string, string>> = EVENT_TOPIC_CONFIG;

/** `vdx.delivery.commands.v1`: commands on deliveries, keyed like the deliveries' events so the partition's owner decides them. */
export const DELIVERY_COMMANDS_TOPIC = 'vdx.delivery.commands.v1';
/** `vdx.delivery.replies.v1`: the owner's answers to the instances waiting on a command. */
export const DELIVERY_REPLIES_TOPIC = 'vdx.delivery.replies.v1';

/** Answers are read within seconds by the instance that waits; a day is ample. */
export const REPLY_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'retention.ms': String(24 * 3600 * 1000),
  'cleanup.policy': 'delete',
};

/**
 * The key every event about one document travels under, whichever service writes it: the
 * DocumentId when the package has one (a status's is the document it reports on), else the
 * package id. Routing's document aggregate and the deliveries of a document then live on one
 * partition of every pipeline topic (all have the same partition count).
 */
export function documentKey(ref: { readonly documentId: string | null; readonly packageId: string }): string {
  return ref.documentId ?? ref.packageId;
}
