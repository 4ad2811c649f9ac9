// Push parser: bytes in, an element tree of the in-memory part out, attachment content streamed
// to a sink. Synchronous by design; callers that need backpressure await `settle()` between chunks.

import { createHash, type Hash } from 'node:crypto';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { AttachmentSink, AttachmentStart, AttachmentWriter } from './attachment-sink';
import { Base64StreamDecoder } from './base64-decoder';
import { ErrorCodes } from './codes';
import { EdxmlError } from './edxml.error';
import type { EdxmlLimits } from './limits';
import { PackageLexer, type LexerTarget } from './package-lexer';
import { CONTAINER_CHILDREN } from './schema';
import {
  appendText,
  childElements,
  createElement,
  directText,
  EMPTY_SCOPE,
  releaseStrayChildren,
  type XmlElement,
} from './xml-tree';
import { xmlTrim } from './xml-text';

/** Local names leading to streamed content: edXML/AttachmentEncoded/Attachment/ContentTransferEncoded. */
const CONTENT_PATH = ['edXML', 'AttachmentEncoded', 'Attachment', 'ContentTransferEncoded'] as const;

interface OpenContent {
  readonly el: XmlElement;
  readonly writer: AttachmentWriter;
  readonly decoder: Base64StreamDecoder;
  readonly hash: Hash;
  size: number;
}

export interface EngineOptions {
  readonly limits: EdxmlLimits;
  readonly sink: AttachmentSink;
  /** Required local name of the root element; `edXML` for packages. */
  readonly rootLocalName: string;
  /** Repair elements left unclosed instead of failing (packages only; see the error handler). */
  readonly repairUnclosed: boolean;
}

export class ParseEngine implements LexerTarget {
  private readonly sax = new SaxesParser({ xmlns: false, position: true });
  private readonly lexer: PackageLexer;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly stack: XmlElement[] = [];
  private readonly streamed = new WeakSet<XmlElement>();
  private root: XmlElement | undefined;
  private lastClosed: XmlElement | undefined;
  private elements = 0;
  private totalBytes = 0;
  private markupBytes = 0;
  private attachmentIndex = -1;
  /** The first AttachmentEncoded: the only one the reader reads, so the only one streamed. */
  private encoded: XmlElement | undefined;
  private content: OpenContent | undefined;
  private pending: Array<Promise<void>> = [];
  private sinkFailure: EdxmlError | undefined;
  private started = false;

  constructor(private readonly options: EngineOptions) {
    this.lexer = new PackageLexer(this, options.limits.maxTextLength);
    const sax = this.sax;
    sax.on('error', (err) => {
      // saxes closes the elements an end tag skips over, one error each; the reference SDK's own
      // sample needs this, so repair (reported as EDXML.UNCLOSED_ELEMENT) instead of failing.
      const parent = this.stack[this.stack.length - 1];
      if (
        options.repairUnclosed &&
        /unexpected close tag\.$/.test(err.message) &&
        this.lastClosed !== undefined &&
        parent !== undefined
      ) {
        releaseStrayChildren(this.lastClosed, parent, CONTAINER_CHILDREN[this.lastClosed.local] ?? []);
        return;
      }
      const code = /undefined entity/.test(err.message) ? ErrorCodes.ENTITY_FORBIDDEN : ErrorCodes.MALFORMED_XML;
      throw new EdxmlError(code, err.message);
    });
    sax.on('doctype', () => {
      throw new EdxmlError(ErrorCodes.DTD_FORBIDDEN, 'DOCTYPE is not accepted');
    });
    sax.on('xmldecl', (decl) => {
      const enc = decl.encoding?.toLowerCase();
      if (enc !== undefined && enc !== 'utf-8' && enc !== 'utf8') {
        throw new EdxmlError(ErrorCodes.UNSUPPORTED_ENCODING, `encoding ${decl.encoding} is not supported; edXML is UTF-8`);
      }
    });
    sax.on('opentagstart', () => {
      if (++this.elements > options.limits.maxElements) {
        throw new EdxmlError(ErrorCodes.TOO_MANY_ELEMENTS, `more than ${options.limits.maxElements} elements`);
      }
      if (this.stack.length + 1 > options.limits.maxDepth) {
        throw new EdxmlError(ErrorCodes.TOO_DEEP, `elements nested deeper than ${options.limits.maxDepth}`);
      }
    });
    sax.on('opentag', (tag) => this.openElement(tag));
    sax.on('closetag', () => this.closeElement());
    sax.on('text', (text) => this.onText(text));
    sax.on('cdata', (text) => this.onText(text));
  }

  /** True while the innermost open element is streamed attachment content. */
  get inAttachmentContent(): boolean {
    return this.content !== undefined && this.stack[this.stack.length - 1] === this.content.el;
  }

  /** Feeds raw package bytes. */
  writeBytes(chunk: Uint8Array): void {
    this.count(chunk.byteLength);
    let text: string;
    try {
      text = this.utf8.decode(chunk, { stream: true });
    } catch (cause) {
      throw new EdxmlError(ErrorCodes.MALFORMED_XML, 'input is not valid UTF-8', { cause });
    }
    this.pushText(text);
  }

  /** Feeds already-decoded text. */
  writeString(chunk: string): void {
    this.count(Buffer.byteLength(chunk));
    this.pushText(chunk);
  }

  /** Promise to await before feeding more input when the sink is asynchronous; undefined when nothing is pending. */
  settle(): Promise<void> | undefined {
    if (this.sinkFailure !== undefined) throw this.sinkFailure;
    if (this.pending.length === 0) return undefined;
    const batch = this.pending;
    this.pending = [];
    return Promise.all(batch).then(() => {
      if (this.sinkFailure !== undefined) throw this.sinkFailure;
    });
  }

  /** Ends the input and returns the root element. */
  end(): XmlElement {
    let tail: string;
    try {
      tail = this.utf8.decode();
    } catch (cause) {
      throw new EdxmlError(ErrorCodes.MALFORMED_XML, 'input is not valid UTF-8', { cause });
    }
    if (tail.length > 0) this.pushText(tail);
    this.sax.close();
    if (this.root === undefined) throw new EdxmlError(ErrorCodes.MALFORMED_XML, 'no root element');
    return this.root;
  }

  /** Tells an attachment writer still open that parsing failed. */
  abort(error: Error): void {
    const open = this.content;
    this.content = undefined;
    if (open?.writer.abort !== undefined) {
      void Promise.resolve()
        .then(() => open.writer.abort?.(error))
        .catch(() => undefined);
    }
  }

  // LexerTarget

  markup(text: string): void {
    this.markupBytes += Buffer.byteLength(text);
    if (this.markupBytes > this.options.limits.maxMarkupBytes) {
      throw new EdxmlError(
        ErrorCodes.TOO_LARGE,
        `markup outside attachment content exceeds ${this.options.limits.maxMarkupBytes} bytes`,
      );
    }
    this.sax.write(text);
  }

  attachmentText(text: string): void {
    const open = this.content;
    if (open === undefined) return;
    const bytes = open.decoder.decode(text);
    if (bytes !== undefined) this.deliver(open, bytes);
  }

  private pushText(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      // A BOM given as text (string input) is not content.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.lexer.push(text);
  }

  private count(bytes: number): void {
    this.totalBytes += bytes;
    if (this.totalBytes > this.options.limits.maxTotalBytes) {
      throw new EdxmlError(ErrorCodes.TOO_LARGE, `package exceeds ${this.options.limits.maxTotalBytes} bytes`);
    }
  }

  private openElement(tag: SaxesTagPlain): void {
    const parent = this.stack[this.stack.length - 1];
    const el = createElement(tag.name, tag.attributes, parent?.scope ?? EMPTY_SCOPE);
    if (parent === undefined) {
      if (el.local !== this.options.rootLocalName) {
        throw new EdxmlError(
          ErrorCodes.NOT_EDXML,
          `root element is ${el.qname}, expected ${this.options.rootLocalName}`,
        );
      }
      this.root = el;
    } else {
      parent.children.push(el);
    }
    this.stack.push(el);
    if (this.options.rootLocalName !== CONTENT_PATH[0]) return;
    const depth = this.stack.length;
    if (depth === 2 && el.local === CONTENT_PATH[1]) {
      this.encoded ??= el;
    } else if (depth === 3 && el.local === CONTENT_PATH[2] && parent !== undefined && parent === this.encoded) {
      this.attachmentIndex++;
    } else if (depth === 4 && el.local === CONTENT_PATH[3] && parent !== undefined && this.isContentParent(parent)) {
      this.startContent(el, parent);
    }
  }

  private isContentParent(attachment: XmlElement): boolean {
    return (
      attachment.local === CONTENT_PATH[2] &&
      this.stack[1] !== undefined &&
      this.stack[1] === this.encoded &&
      !this.streamed.has(attachment)
    );
  }

  private startContent(el: XmlElement, attachment: XmlElement): void {
    this.streamed.add(attachment);
    const start: { -readonly [K in keyof AttachmentStart]: AttachmentStart[K] } = {
      index: this.attachmentIndex,
      path: `edXML/AttachmentEncoded/Attachment[${this.attachmentIndex + 1}]`,
    };
    for (const child of childElements(attachment)) {
      const value = xmlTrim(directText(child));
      if (value === '') continue;
      if (child.local === 'ContentId') start.contentId ??= value;
      else if (child.local === 'AttachmentName') start.attachmentName ??= value;
      else if (child.local === 'Description') start.description ??= value;
      else if (child.local === 'ContentType') start.contentType ??= value;
    }
    let writer: AttachmentWriter;
    try {
      writer = this.options.sink.open(start);
    } catch (cause) {
      throw sinkError(cause);
    }
    this.content = { el, writer, decoder: new Base64StreamDecoder(), hash: createHash('sha256'), size: 0 };
  }

  private closeElement(): void {
    const el = this.stack.pop();
    this.lastClosed = el;
    const open = this.content;
    if (open === undefined || el !== open.el) return;
    this.content = undefined;
    const tail = open.decoder.end();
    if (tail !== undefined) this.deliver(open, tail);
    const problem = open.decoder.problem;
    el.content = {
      size: open.size,
      sha256: open.hash.digest('hex'),
      ...(problem === undefined ? {} : { problem }),
    };
    this.track(() => open.writer.end());
  }

  private onText(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return;
    if (this.content !== undefined && top === this.content.el) {
      // Only CDATA reaches here: plain attachment text is diverted by the lexer.
      this.attachmentText(text);
      return;
    }
    appendText(top, text);
  }

  private deliver(open: OpenContent, bytes: Buffer): void {
    open.size += bytes.length;
    open.hash.update(bytes);
    this.track(() => open.writer.write(bytes));
  }

  private track(call: () => void | Promise<void>): void {
    let result: void | Promise<void>;
    try {
      result = call();
    } catch (cause) {
      throw sinkError(cause);
    }
    if (isPromiseLike(result)) {
      this.pending.push(
        Promise.resolve(result).then(undefined, (cause: unknown) => {
          this.sinkFailure ??= sinkError(cause);
        }),
      );
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function sinkError(cause: unknown): EdxmlError {
  if (cause instanceof EdxmlError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new EdxmlError(ErrorCodes.SINK_FAILED, `attachment sink failed: ${detail}`, { cause });
}
