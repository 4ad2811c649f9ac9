// A document read as events, a chunk at a time, with the strictness of `readXml` (dom.ts):
// UTF-8, well-formed with namespaces, no DOCTYPE, no entity but the predefined ones, at most
// `maxDepth` levels. For documents too large to hold as a DOM.
import { SaxesParser } from 'saxes';
import type { DomRefusal } from './dom';
import type { StreamAttribute, StreamEvent } from './streaming-c14n';

/** Feeds chunks to a strict parser and hands each event to `onEvent`; `end()` says whether the document was refused. */
export class XmlEventReader {
  private readonly parser = new SaxesParser({ xmlns: true });
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private depth = 0;
  private refusal: DomRefusal | null = null;
  private bytes = 0;

  constructor(
    private readonly limits: { readonly maxBytes: number; readonly maxDepth: number },
    private readonly onEvent: (e: StreamEvent) => void,
  ) {
    const p = this.parser;
    p.on('error', (e) => {
      throw e;
    });
    p.on('doctype', () => this.refuse({ ok: false, refusal: 'malformed', message: 'a DOCTYPE (DTD) is not accepted in a signed document' }));
    p.on('opentag', (t) => {
      if (++this.depth > this.limits.maxDepth) this.refuse({ ok: false, refusal: 'too-complex', message: `elements nested deeper than ${this.limits.maxDepth}` });
      const attributes: StreamAttribute[] = Object.values(t.attributes).map((a) => ({ name: a.name, prefix: a.prefix, local: a.local, uri: a.uri, value: a.value }));
      this.onEvent({ kind: 'open', name: t.name, prefix: t.prefix, local: t.local, uri: t.uri, attributes });
    });
    p.on('closetag', () => {
      this.depth--;
      this.onEvent({ kind: 'close' });
    });
    p.on('text', (text) => this.onEvent({ kind: 'text', text }));
    p.on('cdata', (text) => this.onEvent({ kind: 'text', text }));
    p.on('processinginstruction', (pi) => this.onEvent({ kind: 'pi', target: pi.target, body: pi.body }));
    p.on('comment', (text) => this.onEvent({ kind: 'comment', text }));
  }

  private refuse(r: DomRefusal): never {
    this.refusal ??= r;
    throw new Error(r.message);
  }

  /** Parses one more chunk; false once the document is refused (the rest is ignored). */
  write(chunk: Uint8Array): boolean {
    if (this.refusal) return false;
    this.bytes += chunk.byteLength;
    if (this.bytes > this.limits.maxBytes) {
      this.refusal = { ok: false, refusal: 'too-complex', message: `the document is more than ${this.limits.maxBytes} bytes` };
      return false;
    }
    try {
      this.parser.write(this.decoder.decode(chunk, { stream: true }));
      return true;
    } catch (e) {
      this.refusal ??= e instanceof TypeError ? { ok: false, refusal: 'malformed', message: 'the document is not UTF-8' } : { ok: false, refusal: 'malformed', message: `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
      return false;
    }
  }

  /** Ends the document: null when it was read whole, else why it was refused. */
  end(): DomRefusal | null {
    if (this.refusal) return this.refusal;
    try {
      this.parser.write(this.decoder.decode()).close();
    } catch (e) {
      this.refusal ??= e instanceof TypeError ? { ok: false, refusal: 'malformed', message: 'the document is not UTF-8' } : { ok: false, refusal: 'malformed', message: `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
    }
    return this.refusal;
  }
}
