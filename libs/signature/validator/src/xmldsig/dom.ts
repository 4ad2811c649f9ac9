// The document an XML-DSig Signature is checked in: a strict well-formedness gate (saxes, with
// namespaces, no DTD) and then a DOM (@xmldom/xmldom) for the canonicalisers of xml-crypto.
// Only the few DOM members the verifier uses are typed here: @xmldom/xmldom's own typings pull
// the browser DOM library into the whole program.
import { createRequire } from 'node:module';
import { SaxesParser } from 'saxes';

/** The DOM members the verifier reads (W3C DOM Level 2, as @xmldom/xmldom implements them). */
export interface XNode {
  readonly nodeType: number;
  readonly parentNode: XNode | null;
  readonly childNodes: ArrayLike<XNode>;
  readonly nextSibling: XNode | null;
  readonly ownerDocument: XDocument | null;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly data?: string;
  readonly target?: string;
  removeChild(child: XNode): XNode;
  insertBefore(node: XNode, ref: XNode | null): XNode;
  cloneNode(deep: boolean): XNode;
}

export interface XAttr extends XNode {
  readonly name: string;
  readonly localName: string;
  readonly prefix: string | null;
  readonly namespaceURI: string | null;
  readonly value: string;
}

export interface XElement extends XNode {
  readonly localName: string;
  readonly prefix: string | null;
  readonly namespaceURI: string | null;
  readonly tagName: string;
  readonly attributes: ArrayLike<XAttr>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttributeNS(namespaceURI: string | null, qualifiedName: string, value: string): void;
  removeAttributeNS(namespaceURI: string | null, localName: string): void;
}

export interface XDocument extends XNode {
  readonly documentElement: XElement | null;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const PROCESSING_INSTRUCTION_NODE = 7;
export const COMMENT_NODE = 8;

interface XmlDom {
  DOMParser: new (options: { errorHandler: { warning(m: string): void; error(m: string): void; fatalError(m: string): void } }) => { parseFromString(xml: string, mime: string): XDocument };
  XMLSerializer: new () => { serializeToString(node: XNode): string };
}
const xmldom = createRequire(__filename)('@xmldom/xmldom') as XmlDom;

/** Why a document was not read: `malformed` (not well-formed, a DTD, an unbound prefix) or `too-complex`. */
export type DomRefusal = { readonly ok: false; readonly refusal: 'malformed' | 'too-complex'; readonly message: string };

/**
 * Reads UTF-8 XML into a DOM after a strict pass over the same text: well-formed XML 1.0 with
 * namespaces (no unbound prefix), no DOCTYPE (so no entity can be declared, expanded or fetched),
 * no reference but the five predefined entities and character references, at most `maxDepth`
 * levels. The DOM parser is lenient (it repairs what it can); the strict pass first makes sure
 * there is nothing to repair, so both see the same tree.
 */
export function readXml(bytes: Uint8Array, limits: { readonly maxBytes: number; readonly maxDepth: number }): { readonly ok: true; readonly document: XDocument; readonly root: XElement } | DomRefusal {
  if (bytes.length > limits.maxBytes) return { ok: false, refusal: 'too-complex', message: `the document is ${bytes.length} bytes, more than ${limits.maxBytes}` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, refusal: 'malformed', message: 'the document is not UTF-8' };
  }
  const gate = strictPass(text, limits.maxDepth);
  if (gate) return gate;
  const problems: string[] = [];
  const note = (m: string): void => {
    problems.push(m);
  };
  let document: XDocument;
  try {
    document = new xmldom.DOMParser({ errorHandler: { warning: note, error: note, fatalError: note } }).parseFromString(text, 'text/xml');
  } catch (e) {
    return { ok: false, refusal: 'malformed', message: `unreadable XML: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
  }
  const root = document.documentElement;
  if (problems.length > 0 || !root) return { ok: false, refusal: 'malformed', message: `unreadable XML: ${(problems[0] ?? 'no root element').replace(/\s+/g, ' ')}`.slice(0, 300) };
  return { ok: true, document, root };
}

function strictPass(text: string, maxDepth: number): DomRefusal | null {
  const parser = new SaxesParser({ xmlns: true });
  let depth = 0;
  let refusal: DomRefusal | null = null;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('doctype', () => {
    refusal ??= { ok: false, refusal: 'malformed', message: 'a DOCTYPE (DTD) is not accepted in a signed document' };
    throw new Error('doctype');
  });
  parser.on('opentag', () => {
    if (++depth > maxDepth) {
      refusal ??= { ok: false, refusal: 'too-complex', message: `elements nested deeper than ${maxDepth}` };
      throw new Error('depth');
    }
  });
  parser.on('closetag', () => {
    depth--;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    return refusal ?? { ok: false, refusal: 'malformed', message: `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
  }
  return refusal;
}

/** The XML of a node, as the DOM serialises it (for the evidence record). */
export function serialize(node: XNode): string {
  return new xmldom.XMLSerializer().serializeToString(node);
}

/** Element children, in document order. */
export function elementChildren(node: XNode): XElement[] {
  const out: XElement[] = [];
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = node.childNodes[i];
    if (child && child.nodeType === ELEMENT_NODE) out.push(child as XElement);
  }
  return out;
}

/** The first element child with this local name (any namespace), the way the edXML reader picks. */
export function firstChildNamed(node: XNode, local: string): XElement | undefined {
  return elementChildren(node).find((c) => c.localName === local);
}

/** Whether `node` is `ancestor` or inside it. */
export function isInside(node: XNode, ancestor: XNode): boolean {
  for (let n: XNode | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/** Every element in document order, without recursion (the depth is bounded, the breadth is not). */
export function* allElements(root: XElement): Generator<XElement> {
  const stack: XElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as XElement;
    yield el;
    const children = elementChildren(el);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as XElement);
  }
}

/**
 * The namespace declarations in scope at `el` from its ancestors (nearest first wins), as the
 * inclusive canonicaliser needs them for a document subset: undeclarations (`xmlns=""`) shadow
 * and are not namespace nodes; the apex's own declarations and its own prefix (which the
 * canonicaliser renders itself) are left out, as xml-crypto's signer does.
 */
export function ancestorNamespaces(el: XElement): { prefix: string; namespaceURI: string }[] {
  const seen = new Set<string>([el.prefix ?? '']);
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes[i];
    if (a && (a.name === 'xmlns' || a.name.startsWith('xmlns:'))) seen.add(a.name === 'xmlns' ? '' : a.name.slice(6));
  }
  const out: { prefix: string; namespaceURI: string }[] = [];
  for (let n = el.parentNode; n && n.nodeType === ELEMENT_NODE; n = n.parentNode) {
    const attrs = (n as XElement).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i];
      if (!a || !(a.name === 'xmlns' || a.name.startsWith('xmlns:'))) continue;
      const prefix = a.name === 'xmlns' ? '' : a.name.slice(6);
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      if (a.value !== '') out.push({ prefix, namespaceURI: a.value });
    }
  }
  return out;
}
