// Incremental base64 decoder for attachment content that arrives in arbitrary text slices.
// It never throws: bad input is remembered as a problem (reported as EDXML.INVALID_BASE64)
// and decoding goes on deterministically, skipping what it cannot use.

const XML_WHITESPACE = /[\t\n\r ]+/g;
const NON_ALPHABET = /[^A-Za-z0-9+/=]/;
const NON_ALPHABET_GLOBAL = /[^A-Za-z0-9+/=]/g;
const NOT_PADDING = /[^=]/;

export class Base64StreamDecoder {
  private carry = '';
  private padded = false;
  private dataChars = 0;
  private firstProblem: string | undefined;

  /** The first problem seen, if any. */
  get problem(): string | undefined {
    return this.firstProblem;
  }

  /** Decodes a slice; returns the bytes it completes (possibly none). */
  decode(text: string): Buffer | undefined {
    let s = text.replace(XML_WHITESPACE, '');
    if (s.length === 0) return undefined;
    if (NON_ALPHABET.test(s)) {
      const bad = NON_ALPHABET.exec(s)?.[0] ?? '';
      this.flag(`character ${JSON.stringify(bad)} is not base64`);
      s = s.replace(NON_ALPHABET_GLOBAL, '');
    }
    if (this.padded) {
      if (NOT_PADDING.test(s)) this.flag('data after padding');
      return undefined;
    }
    const pad = s.indexOf('=');
    if (pad >= 0) {
      if (NOT_PADDING.test(s.slice(pad))) this.flag('data after padding');
      s = s.slice(0, pad);
      this.padded = true;
      const rest = (this.dataChars + s.length) % 4;
      if (rest !== 2 && rest !== 3) this.flag('misplaced padding');
    }
    this.dataChars += s.length;
    if (this.carry.length > 0) s = this.carry + s;
    const usable = s.length - (s.length % 4);
    this.carry = s.slice(usable);
    return usable === 0 ? undefined : Buffer.from(usable === s.length ? s : s.slice(0, usable), 'base64');
  }

  /** Flushes the last partial group. */
  end(): Buffer | undefined {
    const c = this.carry;
    this.carry = '';
    if (c.length === 1) {
      this.flag('truncated input');
      return undefined;
    }
    return c.length === 0 ? undefined : Buffer.from(c, 'base64');
  }

  private flag(problem: string): void {
    this.firstProblem ??= problem;
  }
}
