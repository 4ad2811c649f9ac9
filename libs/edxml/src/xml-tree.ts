// A small element tree for the in-memory part of a package (everything but attachment content).

import { escapeAttribute, escapeText } from './xml-text';

export interface DecodedContent {
  readonly size: number;
  readonly sha256: string;
  readonly problem?: string;
}

export interface XmlElement {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  /** Attributes in document order, namespace declarations included. */
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  /** Namespace declarations made on this element: prefix (`''` for the default) → URI. */
  readonly decls: ReadonlyArray<readonly [string, string]>;
  /** All namespace bindings in scope on this element. */
  readonly scope: NamespaceScope;
  /** Resolved namespace; undefined when none or unbound. */
  readonly ns: string | undefined;
  readonly unboundPrefix: boolean;
  readonly children: XmlChild[];
  /** Set on a streamed `ContentTransferEncoded` element once its content is decoded. */
  content?: DecodedContent;
  /** Set when the element had no end tag and was closed by an ancestor's end tag. */
  unclosed?: boolean;
}

export type XmlChild = XmlElement | string;

/** Namespace bindings in scope: a chain to the parent, never a copy, so wide trees cost nothing extra. */
export interface NamespaceScope {
  get(prefix: string): string | undefined;
}

export const EMPTY_SCOPE: NamespaceScope = { get: () => undefined };

class ChildScope implements NamespaceScope {
  constructor(
    private readonly own: ReadonlyMap<string, string>,
    private readonly parent: NamespaceScope,
  ) {}

  get(prefix: string): string | undefined {
    // An empty URI undeclares the prefix (xmlns="" for the default namespace).
    const uri = this.own.get(prefix);
    if (uri !== undefined) return uri === '' ? undefined : uri;
    return this.parent.get(prefix);
  }
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Splits a qualified name into prefix and local name. */
export function splitName(qname: string): { prefix: string; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

/** Builds an element, resolving namespaces against the parent's scope. */
export function createElement(
  qname: string,
  attributes: Readonly<Record<string, string>>,
  parentScope: NamespaceScope,
): XmlElement {
  const attrs = Object.entries(attributes);
  const decls: Array<readonly [string, string]> = [];
  for (const [name, value] of attrs) {
    if (name === 'xmlns') decls.push(['', value]);
    else if (name.startsWith('xmlns:')) decls.push([name.slice(6), value]);
  }
  const scope = decls.length === 0 ? parentScope : new ChildScope(new Map(decls), parentScope);
  const { prefix, local } = splitName(qname);
  const ns = prefix === 'xml' ? XML_NS : scope.get(prefix);
  return {
    qname,
    prefix,
    local,
    attributes: attrs,
    decls,
    scope,
    ns,
    unboundPrefix: prefix !== '' && ns === undefined,
    children: [],
  };
}

/** Appends text, merging with a preceding text child. */
export function appendText(el: XmlElement, text: string): void {
  const last = el.children.length - 1;
  const prev = el.children[last];
  if (typeof prev === 'string') el.children[last] = prev + text;
  else el.children.push(text);
}

/**
 * Repairs an element closed by an ancestor's end tag: from its first child that cannot belong
 * to it on, the content moves to `parent`, right after it. `allowed` lists the child names the
 * element may have (none for a leaf); unknown containers keep their children.
 */
export function releaseStrayChildren(el: XmlElement, parent: XmlElement, allowed: readonly string[] | undefined): void {
  el.unclosed = true;
  const cut = el.children.findIndex((c) => typeof c !== 'string' && allowed !== undefined && !allowed.includes(c.local));
  if (cut < 0) return;
  const moved = el.children.splice(cut);
  const at = parent.children.lastIndexOf(el);
  parent.children.splice(at + 1, 0, ...moved);
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** Concatenated direct text children. */
export function directText(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s;
}

/** Attribute names whose prefix is bound nowhere (`xmlns` and `xml` are always bound). */
export function unboundAttributePrefixes(el: XmlElement): string[] {
  const out: string[] = [];
  for (const [name] of el.attributes) {
    const { prefix } = splitName(name);
    if (prefix !== '' && prefix !== 'xmlns' && prefix !== 'xml' && el.scope.get(prefix) === undefined) out.push(name);
  }
  return out;
}

/**
 * Serializes an element so it stands alone: prefixes it uses but inherits from `outerScope` are
 * declared on it. The output is a fixed point: parsing and serializing it again gives the same text.
 */
export function serializeStandalone(el: XmlElement, outerScope: NamespaceScope): string {
  const needed = new Set<string>();
  collectInheritedPrefixes(el, new Set(), needed);
  const extra: Array<readonly [string, string]> = [];
  for (const p of [...needed].sort()) {
    const uri = outerScope.get(p);
    if (uri !== undefined) extra.push([p === '' ? 'xmlns' : `xmlns:${p}`, uri]);
  }
  const parts: string[] = [];
  writeElement(el, extra, parts);
  return parts.join('');
}

function collectInheritedPrefixes(el: XmlElement, declared: ReadonlySet<string>, needed: Set<string>): void {
  let inner = declared;
  if (el.decls.length > 0) {
    const next = new Set(declared);
    for (const [p] of el.decls) next.add(p);
    inner = next;
  }
  const use = (p: string): void => {
    if (p !== 'xml' && p !== 'xmlns' && !inner.has(p)) needed.add(p);
  };
  use(el.prefix);
  for (const [name] of el.attributes) {
    const { prefix } = splitName(name);
    if (prefix !== '') use(prefix);
  }
  for (const c of el.children) if (typeof c !== 'string') collectInheritedPrefixes(c, inner, needed);
}

function writeElement(el: XmlElement, extra: ReadonlyArray<readonly [string, string]>, out: string[]): void {
  out.push('<', el.qname);
  for (const [name, value] of [...extra, ...el.attributes]) out.push(' ', name, '="', escapeAttribute(value), '"');
  if (el.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const c of el.children) {
    if (typeof c === 'string') out.push(escapeText(c));
    else writeElement(c, [], out);
  }
  out.push('</', el.qname, '>');
}
