import { deadLetterTopic } from '@vdx/contracts';
import { textHeaders, type ConsumedRecord } from './records';
import { errorCode } from './retry';

/** Headers a dead-lettered record carries on top of its original ones. */
export const DLQ_HEADERS = {
  code: 'vdx-dlq-code',
  reason: 'vdx-dlq-reason',
  group: 'vdx-dlq-group',
  source: 'vdx-dlq-source',
  attempts: 'vdx-dlq-attempts',
  at: 'vdx-dlq-at',
} as const;

/** A record ready to be appended to a dead-letter topic. */
export interface DeadLetter {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** The original bytes and headers, unchanged, plus why and where from, so an operator can redrive. */
export function deadLetterOf(record: ConsumedRecord, groupId: string, err: unknown, attempts: number, now = new Date()): DeadLetter {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    topic: deadLetterTopic(groupId),
    key: record.key,
    value: record.value,
    headers: {
      ...textHeaders(record.headers),
      [DLQ_HEADERS.code]: errorCode(err),
      [DLQ_HEADERS.reason]: reason.slice(0, 2000),
      [DLQ_HEADERS.group]: groupId,
      [DLQ_HEADERS.source]: `${record.topic}/${record.partition}/${record.offset}`,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.at]: now.toISOString(),
    },
  };
}

/** Where a dead-lettered record came from, parsed back from its headers. */
export function deadLetterSource(headers: Record<string, string | Buffer | undefined>): { topic: string; partition: number; offset: string } | null {
  const raw = headers[DLQ_HEADERS.source];
  const text = raw === undefined ? undefined : raw.toString();
  const m = text ? /^(.+)\/(\d+)\/(\d+)$/.exec(text) : null;
  return m ? { topic: m[1]!, partition: Number(m[2]), offset: m[3]! } : null;
}
