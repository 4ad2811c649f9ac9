import type { ByteRange } from './blob-store';

/** A range resolved against a blob's size: `start` ≤ `end` ≤ size, `end` exclusive. */
export interface ResolvedRange {
  start: number;
  end: number;
}

/** Clamps a requested range to `size` (like `Buffer.subarray`); non-integer or negative offsets are a RangeError. */
export function resolveRange(size: number, range?: ByteRange): ResolvedRange {
  if (!range) return { start: 0, end: size };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`range start must be a non-negative integer, got ${start}`);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < 0)) throw new RangeError(`range end must be a non-negative integer, got ${end}`);
  const s = Math.min(start, size);
  const e = Math.max(s, Math.min(end ?? size, size));
  return { start: s, end: e };
}
