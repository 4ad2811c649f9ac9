import { KnownDocuments } from './statistics-writer';

describe('KnownDocuments', () => {
  it('tells documents apart per collection', () => {
    const known = new KnownDocuments();
    known.add('headline', 'D1');
    expect(known.has('headline', 'D1')).toBe(true);
    expect(known.has('detail', 'D1')).toBe(false);
    expect(known.has('headline', 'D2')).toBe(false);
  });

  it('keeps the most recently used up to its bound', () => {
    const known = new KnownDocuments(2);
    known.add('c', 'a');
    known.add('c', 'b');
    // Asking for `a` makes it the most recent: `b` is the one forgotten.
    expect(known.has('c', 'a')).toBe(true);
    known.add('c', 'x');
    expect(known.size).toBe(2);
    expect(known.has('c', 'b')).toBe(false);
    expect(known.has('c', 'a')).toBe(true);
    expect(known.has('c', 'x')).toBe(true);
  });
});
