/** The services that own an event topic (docs/architecture.md invariant 2, one writer per topic). */
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

/**
 * Priority lanes (docs/adr/0008-priority-lanes.md). Urgent documents (edXML Priority 1 khẩn,
 * 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ) travel every pipeline topic's urgent twin,
 * `<topic>.urgent`, which each stage consumes beside the normal topic: a backlog of normal
 * documents queues in the normal topic and cannot hold an urgent one back. Both lanes have the
 * same partition count and the same keys, so a document's partition owner owns it in both.
 */
export type Lane = 'urgent' | 'normal';

const URGENT_PRIORITIES: ReadonlySet<string> = new Set(['1', '2', '3', '4']);

/** The lane of a package's Priority: 1–4 urgent; 0, none or a value outside QCVN 102's list normal. */
export function laneOf(priority: string | null | undefined): Lane {
  return priority !== null && priority !== undefined && URGENT_PRIORITIES.has(priority) ? 'urgent' : 'normal';
}

/** The topic of `lane` for a pipeline topic: the topic itself for normal, `<topic>.urgent` for urgent. */
export function laneTopic(topic: string, lane: Lane): string {
  return lane === 'urgent' ? `${topic}.urgent` : topic;
}

/** Both lanes of a pipeline topic, urgent first: what a stage subscribes to and a replay reads. */
export function laneTopics(topic: string): readonly [string, string] {
  return [laneTopic(topic, 'urgent'), topic];
}

/** Both lanes of each topic, in order, without repeats. */
export function withLanes(topics: readonly string[]): string[] {
  return [...new Set(topics.flatMap((t) => laneTopics(t)))];
}

/** Whether `topic` is an urgent lane (`<topic>.urgent`). */
export function isUrgentLane(topic: string): boolean {
  return topic.endsWith('.urgent');
}
