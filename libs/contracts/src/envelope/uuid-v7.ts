import { v7 } from 'uuid';

/** A new UUIDv7 (RFC 9562): time-ordered, so event ids sort by creation. */
export function newEventId(): string {
  return v7();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for a lower-case RFC 9562 UUID string of any version. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
