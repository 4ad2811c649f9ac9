// Canonical XML (1.0, 1.1, exclusive 1.0; comments never kept) over parser events instead of a
// DOM, for documents too large to hold: the canonical octets go to a sink (a digest) as they are
// produced. A whole document, or one element and its descendants (a document subset's apex),
// optionally without one element's subtree (the enveloped Signature).
import { XML_NS, joinUriReference } from './xml-attributes';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** One attribute of a start tag, as a namespace-aware parser reports it (xmlns ones included). */
export interface StreamAttribute {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  readonly value: string;
}

/** The events a canonicaliser needs, in document order. */
export type StreamEvent =
  | { readonly kind: 'open'; readonly name: string; readonly prefix: string; readonly local: string; readonly uri: string; readonly attributes: readonly StreamAttribute[] }
  | { readonly kind: 'close' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'pi'; readonly target: string; readonly body: string }
  | { readonly kind: 'comment'; readonly text: string };

export interface StreamingC14nOptions {
  /** `inclusive` (Canonical XML 1.0 or 1.1) or `exclusive` (with `prefixList` treated inclusively). */
  readonly mode: 'inclusive' | 'exclusive';
  readonly version?: '1.0' | '1.1';
  readonly prefixList?: readonly string[];
  /**
   * Which element is the apex: undefined for the whole document; else called for each start tag
   * (with its depth, 0 for the root) until one answers true.
   */
  readonly apex?: (open: Extract<StreamEvent, { kind: 'open' }>, depth: number, path: readonly string[]) => boolean;
  /** An element whose subtree is left out (the enveloped Signature), asked as `apex` is. */
  readonly exclude?: (open: Extract<StreamEvent, { kind: 'open' }>, depth: number, path: readonly string[]) => boolean;
}

/** Text as Canonical XML escapes it. */
export const escapeText = (s: string): string => s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
/** An attribute value as Canonical XML escapes it (so that it reads back unchanged). */
export const escapeAttr = (s: string): string => s.replace(/[&<"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c] as string);

interface Frame {
  /** In-scope namespace bindings (prefix → URI; '' the default). */
  readonly inScope: ReadonlyMap<string, string>;
  /** What the nearest output ancestor rendered, for the exclusive rule (prefix → URI). */
  readonly rendered: ReadonlyMap<string, string>;
  /** xml:* attributes in scope (for a subset apex), local name → value; xml:base values outermost first. */
  readonly xmlAttrs: ReadonlyMap<string, string>;
  readonly bases: readonly string[];
  readonly output: boolean;
  readonly excluded: boolean;
}

/**
 * Canonicalises the events it is given into `sink`. Outside the apex nothing is written; the
 * apex renders every namespace in scope (inclusive) or those it visibly uses (exclusive), and
 * the xml:* attributes it inherits (inclusive, by the 1.0 or 1.1 rule).
 */
export class StreamingCanonicalizer {
  private readonly stack: Frame[] = [];
  private readonly path: string[] = [];
  private depth = 0;
  private apexDone = false;
  private rootSeen = false;
  private rootClosed = false;

  constructor(
    private readonly opts: StreamingC14nOptions,
    private readonly sink: (chunk: string) => void,
  ) {}

  private get top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  event(e: StreamEvent): void {
    switch (e.kind) {
      case 'open':
        return this.open(e);
      case 'close':
        return this.close();
      case 'text':
        if (this.top?.output && !this.top.excluded) this.sink(escapeText(e.text));
        return;
      case 'pi':
        return this.pi(e.target, e.body);
      case 'comment':
        return;
    }
  }

  private open(e: Extract<StreamEvent, { kind: 'open' }>): void {
    const parent = this.top;
    const depth = this.depth++;
    this.path.push(e.local);
    if (depth === 0) this.rootSeen = true;
    const declared = e.attributes.filter((a) => a.uri === XMLNS_NS);
    const inScope = new Map(parent?.inScope ?? []);
    for (const d of declared) inScope.set(d.prefix === '' ? '' : d.local, d.value);
    const xmlAttrs = new Map(parent?.xmlAttrs ?? []);
    const own = e.attributes.filter((a) => a.uri === XML_NS);
    for (const a of own) xmlAttrs.set(a.local, a.value);
    const base = own.find((a) => a.local === 'base');
    const bases = base ? [...(parent?.bases ?? []), base.value] : (parent?.bases ?? []);
    const excluded = parent?.excluded === true || (this.opts.exclude?.(e, depth, this.path) ?? false);
    let output = parent?.output === true;
    let isApex = false;
    if (!output && !this.apexDone) {
      isApex = this.opts.apex ? this.opts.apex(e, depth, this.path) : depth === 0;
      output = isApex;
    }
    const rendered = new Map(parent?.output ? parent.rendered : []);
    const frame: Frame = { inScope, rendered, xmlAttrs, bases, output, excluded };
    this.stack.push(frame);
    if (!output || excluded) return;

    const namespaces = this.opts.mode === 'exclusive' ? this.exclusiveNamespaces(e, frame, parent?.output === true) : this.inclusiveNamespaces(frame, parent, isApex);
    for (const [prefix, uri] of namespaces) rendered.set(prefix, uri);
    const attributes = e.attributes.filter((a) => a.uri !== XMLNS_NS).map((a) => ({ uri: a.uri, local: a.local, name: a.name, value: a.value }));
    if (isApex && this.opts.mode === 'inclusive') this.inheritXmlAttributes(attributes, frame, own);
    attributes.sort((a, b) => (a.uri === b.uri ? (a.local < b.local ? -1 : a.local > b.local ? 1 : 0) : a.uri < b.uri ? -1 : 1));
    const nsText = [...namespaces].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([prefix, uri]) => (prefix === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${prefix}="${escapeAttr(uri)}"`));
    this.sink(`<${e.name}${nsText.join('')}${attributes.map((a) => ` ${a.name}="${escapeAttr(a.value)}"`).join('')}>`);
    this.names.push(e.name);
  }

  /** Inclusive: the declarations whose binding differs from the output parent's (all in scope at the apex). */
  private inclusiveNamespaces(frame: Frame, parent: Frame | undefined, isApex: boolean): Map<string, string> {
    const out = new Map<string, string>();
    const before = isApex || !parent ? new Map<string, string>() : parent.rendered;
    for (const [prefix, uri] of frame.inScope) {
      const had = before.get(prefix) ?? (prefix === '' ? '' : undefined);
      if (had === uri) continue;
      // xmlns="" only undoes a default rendered on an output ancestor.
      if (prefix === '' && uri === '' && (before.get('') ?? '') === '') continue;
      out.set(prefix, uri);
    }
    // A default undeclared here but rendered above (no binding in scope) needs xmlns="".
    if (!frame.inScope.has('') && (before.get('') ?? '') !== '') out.set('', '');
    return out;
  }

  /** Exclusive: the namespaces the element and its attributes use, and the inclusive prefix list, not rendered above with the same URI. */
  private exclusiveNamespaces(e: Extract<StreamEvent, { kind: 'open' }>, frame: Frame, parentOutput: boolean): Map<string, string> {
    const before = parentOutput ? frame.rendered : new Map<string, string>();
    const used = new Set<string>([e.prefix]);
    for (const a of e.attributes) if (a.uri !== XMLNS_NS && a.prefix !== '' && a.prefix !== 'xml') used.add(a.prefix);
    for (const p of this.opts.prefixList ?? []) {
      const prefix = p === '#default' ? '' : p;
      if (frame.inScope.has(prefix)) used.add(prefix);
    }
    const out = new Map<string, string>();
    for (const prefix of used) {
      const uri = frame.inScope.get(prefix) ?? '';
      const had = before.get(prefix) ?? (prefix === '' ? '' : undefined);
      if (had === uri) continue;
      out.set(prefix, uri);
    }
    return out;
  }

  /** The xml:* attributes the apex takes from its ancestors (Canonical XML 1.0 or 1.1). */
  private inheritXmlAttributes(attributes: { uri: string; local: string; name: string; value: string }[], frame: Frame, own: readonly StreamAttribute[]): void {
    const ownNames = new Set(own.map((a) => a.local));
    const version = this.opts.version ?? '1.0';
    for (const [local, value] of frame.xmlAttrs) {
      if (ownNames.has(local)) continue;
      if (version === '1.1' && local !== 'lang' && local !== 'space') continue;
      attributes.push({ uri: XML_NS, local, name: `xml:${local}`, value });
    }
    if (version === '1.1' && frame.bases.length > 0) {
      const joined = frame.bases.slice(1).reduce((b, r) => joinUriReference(b, r), frame.bases[0] as string);
      const at = attributes.findIndex((a) => a.uri === XML_NS && a.local === 'base');
      if (at >= 0) attributes.splice(at, 1);
      if (joined !== '') attributes.push({ uri: XML_NS, local: 'base', name: 'xml:base', value: joined });
    }
  }

  private close(): void {
    const frame = this.stack.pop();
    this.depth--;
    this.path.pop();
    if (this.depth === 0) this.rootClosed = true;
    if (!frame?.output || frame.excluded) return;
    this.sink(`</${this.names.pop() ?? ''}>`);
    if (!this.top?.output) this.apexDone = true;
  }

  private readonly names: string[] = [];

  private pi(target: string, body: string): void {
    const text = `<?${target}${body ? ` ${body}` : ''}?>`;
    if (this.top) {
      if (this.top.output && !this.top.excluded) this.sink(text);
      return;
    }
    // Around the root: only a whole-document canonicalisation renders them.
    if (this.opts.apex) return;
    if (!this.rootSeen) this.sink(`${text}\n`);
    else if (this.rootClosed) this.sink(`\n${text}`);
  }
}
