import { advanceCursor, decodeCursor, encodeCursor } from './change-cursor';
import { DirectoryQueryError } from './directory-query.error';

describe('change cursor', () => {
  it('round-trips and advances per partition, never backwards', () => {
    const next = advanceCursor({ 0: 10 }, [
      { p: 0, o: 12 },
      { p: 2, o: 5 },
      { p: 0, o: 11 },
    ]);
    expect(next).toEqual({ 0: 12, 2: 5 });
    expect(decodeCursor(encodeCursor(next))).toEqual(next);
  });

  it('reads the empty string as the beginning', () => {
    expect(decodeCursor('')).toEqual({});
  });

  it.each(['not-a-cursor', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"x":1}').toString('base64url'), Buffer.from('{"0":-5}').toString('base64url')])(
    'refuses %j with DIRECTORY.INVALID_CURSOR',
    (text) => {
      let error: unknown;
      try {
        decodeCursor(text);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DirectoryQueryError);
      expect((error as DirectoryQueryError).code).toBe('DIRECTORY.INVALID_CURSOR');
    },
  );
});
