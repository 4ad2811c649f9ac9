import { LineIndex } from './line-index';

function index(text: string, chunkSize = 3): LineIndex {
  const lines = new LineIndex();
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkSize) lines.scan(bytes.subarray(i, i + chunkSize));
  lines.finish();
  return lines;
}

describe('LineIndex', () => {
  it('counts LF, CRLF (split across chunks) and lone CR, skipping blank lines', () => {
    const lines = index('ab\r\n\r\ncd\ref\n\nx');
    expect(lines.firstContentLineFrom(0)).toBe(1);
    expect(lines.firstContentLineFrom(3)).toBe(3);
    expect(lines.firstContentLineFrom(9)).toBe(4);
    expect(lines.firstContentLineFrom(12)).toBe(6);
  });
});
