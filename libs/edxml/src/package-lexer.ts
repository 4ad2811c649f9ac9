// A coarse lexer in front of saxes. saxes accumulates every text node (and comment, CDATA, ...)
// in memory before emitting it, so left alone it would hold a whole base64 attachment. This lexer
// only tracks markup boundaries: it enforces the size limits before saxes buffers anything,
// rejects DTDs before they are parsed, and diverts the text of an attachment's
// ContentTransferEncoded element to a streaming decoder instead of saxes.

import { ErrorCodes } from './codes';
import { EdxmlError } from './edxml.error';

export interface LexerTarget {
  /** Receives everything except diverted attachment text, in order. */
  markup(text: string): void;
  /** Receives the text content of an open attachment content element. */
  attachmentText(text: string): void;
  /** True while the innermost open element is an attachment's content element. */
  readonly inAttachmentContent: boolean;
}

type Mode = 'text' | 'lt' | 'tag' | 'comment' | 'cdata' | 'pi';

const LT = 0x3c;
const GT = 0x3e;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const DASH = 0x2d;
const RBRACKET = 0x5d;
const QMARK = 0x3f;
const COMMENT_OPEN = '<!--';
const CDATA_OPEN = '<![CDATA[';

export class PackageLexer {
  private mode: Mode = 'text';
  /** Characters of the current text node or markup construct. */
  private run = 0;
  /** Start of a construct, kept until it can be classified. */
  private head = '';
  private quote = 0;
  /** Consecutive `-` (comment), `]` (CDATA) or `?` (PI) just seen. */
  private marks = 0;

  constructor(
    private readonly target: LexerTarget,
    private readonly maxTextLength: number,
  ) {}

  push(s: string): void {
    const n = s.length;
    let i = 0;
    // Start of the slice not yet handed to the target.
    let from = 0;
    const flush = (to: number): void => {
      if (to > from) this.target.markup(s.slice(from, to));
      from = to;
    };
    while (i < n) {
      switch (this.mode) {
        case 'text': {
          const lt = s.indexOf('<', i);
          const end = lt < 0 ? n : lt;
          if (this.target.inAttachmentContent) {
            flush(i);
            if (end > i) this.target.attachmentText(s.slice(i, end));
            from = end;
          } else {
            this.grow(end - i, 'text node');
          }
          if (lt < 0) {
            i = n;
          } else {
            this.mode = 'lt';
            this.head = '<';
            this.run = 1;
            i = lt + 1;
          }
          break;
        }
        case 'lt':
          this.head += s[i] ?? '';
          i++;
          this.classify();
          break;
        case 'tag':
          i = this.scanTag(s, i);
          if (this.atText()) flush(i);
          break;
        case 'comment':
          i = this.scanUntilClose(s, i, DASH, 2);
          if (this.atText()) flush(i);
          break;
        case 'cdata':
          i = this.scanUntilClose(s, i, RBRACKET, 2);
          if (this.atText()) flush(i);
          break;
        case 'pi':
          i = this.scanUntilClose(s, i, QMARK, 1);
          if (this.atText()) flush(i);
          break;
      }
    }
    flush(n);
  }

  // A method, not an inline comparison, because the scanners change the mode behind the compiler's back.
  private atText(): boolean {
    return this.mode === 'text';
  }

  private classify(): void {
    const h = this.head;
    if (h.length < 2) return;
    const second = h.charCodeAt(1);
    if (second === QMARK) return this.enter('pi');
    if (h[1] !== '!') return this.enter('tag');
    if (h.length < 3) return;
    if (h[2] === '-' || h[2] === '[') {
      const open = h[2] === '-' ? COMMENT_OPEN : CDATA_OPEN;
      if (!open.startsWith(h)) throw new EdxmlError(ErrorCodes.MALFORMED_XML, `invalid markup "${h}"`);
      if (h === open) this.enter(h[2] === '-' ? 'comment' : 'cdata');
      return;
    }
    // <!DOCTYPE, <!ENTITY, <!ELEMENT, ...: any markup declaration means a DTD.
    if (/[A-Za-z]/.test(h[2] ?? '')) {
      throw new EdxmlError(ErrorCodes.DTD_FORBIDDEN, 'DOCTYPE and markup declarations are not accepted');
    }
    throw new EdxmlError(ErrorCodes.MALFORMED_XML, `invalid markup "${h}"`);
  }

  private enter(mode: Mode): void {
    this.mode = mode;
    this.run = this.head.length;
    this.head = '';
    this.quote = 0;
    this.marks = 0;
    this.grow(0, mode);
  }

  private scanTag(s: string, start: number): number {
    let i = start;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i++);
      if (this.quote !== 0) {
        if (c === this.quote) this.quote = 0;
      } else if (c === DQUOTE || c === SQUOTE) {
        this.quote = c;
      } else if (c === GT) {
        this.grow(i - start, 'tag');
        this.endConstruct();
        return i;
      } else if (c === LT) {
        throw new EdxmlError(ErrorCodes.MALFORMED_XML, 'unexpected "<" inside a tag');
      }
    }
    this.grow(i - start, 'tag');
    return i;
  }

  /** Scans to `>` preceded by at least `need` `mark` characters (`-->`, `]]>`, `?>`). */
  private scanUntilClose(s: string, start: number, mark: number, need: number): number {
    let i = start;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i++);
      if (c === GT && this.marks >= need) {
        this.grow(i - start, this.mode);
        this.endConstruct();
        return i;
      }
      this.marks = c === mark ? this.marks + 1 : 0;
    }
    this.grow(i - start, this.mode);
    return i;
  }

  private endConstruct(): void {
    this.mode = 'text';
    this.run = 0;
  }

  private grow(chars: number, what: string): void {
    this.run += chars;
    if (this.run > this.maxTextLength) {
      throw new EdxmlError(
        ErrorCodes.TEXT_TOO_LARGE,
        `a ${what} exceeds the limit of ${this.maxTextLength} characters`,
      );
    }
  }
}
