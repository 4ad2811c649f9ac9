import { DirectoryQueryError } from './directory-query.error';

/** Per partition of the directory's event topic, the last offset a reader has seen. */
export type ChangeCursor = Readonly<Record<number, number>>;

export function encodeCursor(cursor: ChangeCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** An empty string is the beginning; anything unreadable is refused with a coded error. */
export function decodeCursor(text: string): ChangeCursor {
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    const out: Record<number, number> = {};
    for (const [k, v] of Object.entries(parsed)) {
      const p = Number(k);
      if (!Number.isInteger(p) || p < 0 || typeof v !== 'number' || !Number.isInteger(v) || v < -1) throw new Error(`bad entry ${k}`);
      out[p] = v;
    }
    return out;
  } catch {
    throw new DirectoryQueryError('DIRECTORY.INVALID_CURSOR', 'the change cursor is not one this service issued', { path: 'cursor' });
  }
}

/** The cursor after reading `seen` (partition, offset) positions on top of `from`. */
export function advanceCursor(from: ChangeCursor, seen: readonly { p: number; o: number }[]): ChangeCursor {
  const next: Record<number, number> = { ...from };
  for (const { p, o } of seen) next[p] = Math.max(next[p] ?? -1, o);
  return next;
}
