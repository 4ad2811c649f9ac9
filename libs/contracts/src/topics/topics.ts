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
