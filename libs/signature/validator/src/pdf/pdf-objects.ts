import type { ByteSource } from '../bytes';

/** A PDF value as far as a signature dictionary needs it, with where it sits in the file. */
export type PdfValue =
  | { readonly kind: 'name'; readonly value: string; readonly offset: number }
  | { readonly kind: 'number'; readonly value: number; readonly integer: boolean; readonly offset: number }
  | { readonly kind: 'string'; readonly bytes: Uint8Array; readonly offset: number }
  /** A hex string; `start` is its `<`, `end` one past its `>`. Its digits are not decoded here. */
  | { readonly kind: 'hex'; readonly start: number; readonly end: number; readonly offset: number }
  | { readonly kind: 'array'; readonly items: readonly PdfValue[]; readonly offset: number }
  | { readonly kind: 'dict'; readonly entries: readonly PdfEntry[]; readonly offset: number }
  | { readonly kind: 'ref'; readonly num: number; readonly gen: number; readonly offset: number }
  | { readonly kind: 'keyword'; readonly value: string; readonly offset: number };

/** A dictionary entry and the offset of its key (`/ByteRange` ...). */
export interface PdfEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: PdfValue;
}

/** Thrown inside the parser only; the caller turns it into a finding. */
export class PdfSyntaxError extends Error {}

const CHUNK = 64 * 1024;
const MAX_DEPTH = 32;
const MAX_ITEMS = 4096;
const MAX_TOKEN = 256;
const MAX_STRING_BYTES = 8192;

/** PDF white-space characters (ISO 32000-1 §7.2.2). */
export function isWhite(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

/** PDF delimiters: ( ) < > [ ] { } / %. */
export function isDelimiter(b: number): boolean {
  return b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25;
}

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/**
 * Sequential reads over a {@link ByteSource} through a 64 KiB window, with a budget of bytes
 * (a jump over a known /Contents string costs nothing).
 */
export class PdfReader {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  private spent = 0;

  constructor(
    private readonly source: ByteSource,
    public pos: number,
    private readonly budget: number,
  ) {}

  /** The byte at `at` (default: the current position), or -1 past the end. */
  peek(at = this.pos): number {
    if (at < 0 || at >= this.source.length) return -1;
    if (at < this.windowStart || at >= this.windowStart + this.window.length) {
      this.windowStart = at;
      this.window = this.source.readRange(at, Math.min(CHUNK, this.source.length - at));
    }
    return this.window[at - this.windowStart] ?? -1;
  }

  next(): number {
    const b = this.peek();
    if (b < 0) throw new PdfSyntaxError('unexpected end of file');
    if (++this.spent > this.budget) throw new PdfSyntaxError('signature dictionary larger than the limit');
    this.pos++;
    return b;
  }

  /** Moves to `to` without reading what lies between. */
  jump(to: number): void {
    this.pos = to;
  }

  skipWhite(): void {
    for (;;) {
      const b = this.peek();
      if (b === 0x25) {
        // A comment runs to the end of the line.
        while (this.peek() >= 0 && this.peek() !== 0x0a && this.peek() !== 0x0d) this.next();
      } else if (b >= 0 && isWhite(b)) this.next();
      else return;
    }
  }
}

/**
 * Parses one PDF object value at the reader's position. `skipHex` gives the span of a hex
 * string already known (a signature's /Contents, from its /ByteRange): it is stepped over
 * without reading its megabytes of digits. Bounded by depth, item counts and the reader budget.
 */
export function parseValue(reader: PdfReader, skipHex: { start: number; end: number } | null, depth = 0): PdfValue {
  if (depth > MAX_DEPTH) throw new PdfSyntaxError('objects nested too deep');
  reader.skipWhite();
  const offset = reader.pos;
  const b = reader.peek();
  if (b < 0) throw new PdfSyntaxError('unexpected end of file');
  if (b === 0x2f) return { kind: 'name', value: parseName(reader), offset };
  if (b === 0x28) return { kind: 'string', bytes: parseLiteral(reader), offset };
  if (b === 0x3c && reader.peek(offset + 1) === 0x3c) return parseDict(reader, skipHex, depth, offset);
  if (b === 0x3c) return parseHex(reader, skipHex, offset);
  if (b === 0x5b) {
    reader.next();
    const items: PdfValue[] = [];
    for (;;) {
      reader.skipWhite();
      if (reader.peek() === 0x5d) {
        reader.next();
        return { kind: 'array', items, offset };
      }
      if (items.length >= MAX_ITEMS) throw new PdfSyntaxError('array too long');
      items.push(parseValue(reader, skipHex, depth + 1));
    }
  }
  if (isDigit(b) || b === 0x2b || b === 0x2d || b === 0x2e) return parseNumberOrRef(reader, offset);
  if (isDelimiter(b)) throw new PdfSyntaxError(`unexpected ${String.fromCharCode(b)} at offset ${offset}`);
  return { kind: 'keyword', value: regularToken(reader), offset };
}

function parseDict(reader: PdfReader, skipHex: { start: number; end: number } | null, depth: number, offset: number): PdfValue {
  reader.next();
  reader.next();
  const entries: PdfEntry[] = [];
  for (;;) {
    reader.skipWhite();
    if (reader.peek() === 0x3e && reader.peek(reader.pos + 1) === 0x3e) {
      reader.next();
      reader.next();
      return { kind: 'dict', entries, offset };
    }
    if (entries.length >= MAX_ITEMS) throw new PdfSyntaxError('dictionary too long');
    const keyOffset = reader.pos;
    if (reader.peek() !== 0x2f) throw new PdfSyntaxError(`dictionary key expected at offset ${keyOffset}`);
    const key = parseName(reader);
    entries.push({ key, keyOffset, value: parseValue(reader, skipHex, depth + 1) });
  }
}

function parseHex(reader: PdfReader, skipHex: { start: number; end: number } | null, offset: number): PdfValue {
  if (skipHex && skipHex.start === offset && skipHex.end > offset + 1 && reader.peek(skipHex.end - 1) === 0x3e) {
    reader.jump(skipHex.end);
    return { kind: 'hex', start: offset, end: skipHex.end, offset };
  }
  reader.next();
  for (;;) {
    const c = reader.next();
    if (c === 0x3e) return { kind: 'hex', start: offset, end: reader.pos, offset };
  }
}

function parseName(reader: PdfReader): string {
  reader.next(); // the solidus
  let name = '';
  for (;;) {
    const b = reader.peek();
    if (b < 0 || isWhite(b) || isDelimiter(b)) return name;
    reader.next();
    if (b === 0x23) {
      // #xx escapes a byte in a name.
      const hex = String.fromCharCode(reader.next(), reader.next());
      const code = Number.parseInt(hex, 16);
      if (Number.isNaN(code)) throw new PdfSyntaxError('bad #xx escape in a name');
      name += String.fromCharCode(code);
    } else name += String.fromCharCode(b);
    if (name.length > MAX_TOKEN) throw new PdfSyntaxError('name too long');
  }
}

function regularToken(reader: PdfReader): string {
  let token = '';
  for (;;) {
    const b = reader.peek();
    if (b < 0 || isWhite(b) || isDelimiter(b)) {
      if (token.length === 0) throw new PdfSyntaxError(`unexpected byte at offset ${reader.pos}`);
      return token;
    }
    token += String.fromCharCode(reader.next());
    if (token.length > MAX_TOKEN) throw new PdfSyntaxError('token too long');
  }
}

function parseNumberOrRef(reader: PdfReader, offset: number): PdfValue {
  const token = regularToken(reader);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token) || token.length > 24) throw new PdfSyntaxError(`not a number: ${token.slice(0, 32)}`);
  const value = Number(token);
  const integer = /^[+-]?\d+$/.test(token);
  if (integer && value >= 0) {
    // `num gen R` is an indirect reference; look ahead without committing.
    const save = reader.pos;
    reader.skipWhite();
    if (isDigit(reader.peek())) {
      const gen = regularToken(reader);
      reader.skipWhite();
      if (/^\d{1,5}$/.test(gen) && reader.peek() === 0x52) {
        const after = reader.peek(reader.pos + 1);
        if (after < 0 || isWhite(after) || isDelimiter(after)) {
          reader.next();
          return { kind: 'ref', num: value, gen: Number(gen), offset };
        }
      }
    }
    reader.jump(save);
  }
  return { kind: 'number', value, integer, offset };
}

function parseLiteral(reader: PdfReader): Uint8Array {
  reader.next();
  const out: number[] = [];
  let nesting = 1;
  for (;;) {
    const b = reader.next();
    if (b === 0x5c) {
      // Escapes are kept raw: only the length and the balance of parentheses matter here.
      const e = reader.next();
      if (out.length < MAX_STRING_BYTES) out.push(e);
      continue;
    }
    if (b === 0x28) nesting++;
    if (b === 0x29 && --nesting === 0) return new Uint8Array(out);
    if (out.length < MAX_STRING_BYTES) out.push(b);
  }
}

/** The value of `key` in a dictionary value, if any. */
export function entry(dict: PdfValue, key: string): PdfValue | undefined {
  return dict.kind === 'dict' ? dict.entries.find((e) => e.key === key)?.value : undefined;
}
