// The xml:* attributes the apex of a document subset takes from its omitted ancestors when it is
// canonicalised on its own (a Reference to one element, SignedInfo): Canonical XML 1.0 §2.4
// and Canonical XML 1.1 §2.4. The canonicalisers of xml-crypto render namespaces only.
import type { XElement, XNode } from './dom';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Which Canonical XML an inclusive canonicalisation follows. */
export type C14nVersion = '1.0' | '1.1';

/** xml:* attributes of one element, by local name. */
function xmlAttributesOf(el: XElement): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes[i];
    if (a && a.namespaceURI === XML_NS) out.set(a.localName, a.value);
  }
  return out;
}

/** A copy of `apex` with the xml:* attributes of {@link inheritedXmlAttributes} set (or removed). */
export function withInheritedXmlAttributes(apex: XElement, copy: XElement, version: C14nVersion): XElement {
  for (const [name, value] of inheritedXmlAttributes(apex, version)) {
    if (value === null) copy.removeAttributeNS(XML_NS, name);
    else copy.setAttributeNS(XML_NS, `xml:${name}`, value);
  }
  return copy;
}

function ancestorsOf(el: XElement): XElement[] {
  const out: XElement[] = [];
  for (let n: XNode | null = el.parentNode; n && n.nodeType === 1; n = n.parentNode) out.push(n as XElement);
  return out;
}

/**
 * The xml:* attributes to set on `apex` (by local name, with their values) so that it renders
 * as the apex of a document subset. C14N 1.0: every xml:* attribute of the nearest ancestor
 * that has it, unless the apex has its own. C14N 1.1: only the simple inheritable ones
 * (`xml:lang`, `xml:space`) that way, never `xml:id`, and `xml:base` fixed up: the values of
 * the ancestors joined outermost first, then the apex's own. A null value removes the apex's
 * own attribute.
 */
export function inheritedXmlAttributes(apex: XElement, version: C14nVersion): Map<string, string | null> {
  const own = xmlAttributesOf(apex);
  const ancestors = ancestorsOf(apex);
  const out = new Map<string, string | null>();
  for (const ancestor of ancestors) {
    for (const [name, value] of xmlAttributesOf(ancestor)) {
      if (own.has(name) || out.has(name)) continue;
      if (version === '1.1' && name !== 'lang' && name !== 'space') continue;
      out.set(name, value);
    }
  }
  if (version === '1.1') {
    const bases = ancestors
      .map((a) => xmlAttributesOf(a).get('base'))
      .filter((b): b is string => b !== undefined)
      .reverse();
    if (bases.length > 0) {
      const ownBase = own.get('base');
      const joined = [...bases.slice(1), ...(ownBase !== undefined ? [ownBase] : [])].reduce((base, ref) => joinUriReference(base, ref), bases[0] as string);
      // An empty join (`foo/bar` then `..`) leaves no xml:base, as libxml2 renders it.
      if (joined !== ownBase) out.set('base', joined === '' ? null : joined);
    }
  }
  return out;
}

interface UriParts {
  scheme?: string;
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
}

// RFC 3986 appendix B.
const URI = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function parseUri(text: string): UriParts {
  const m = URI.exec(text) as RegExpExecArray;
  return {
    ...(m[1] !== undefined ? { scheme: m[1] } : {}),
    ...(m[2] !== undefined ? { authority: m[2] } : {}),
    path: m[3] ?? '',
    ...(m[4] !== undefined ? { query: m[4] } : {}),
    ...(m[5] !== undefined ? { fragment: m[5] } : {}),
  };
}

function composeUri(u: UriParts): string {
  return `${u.scheme !== undefined ? `${u.scheme}:` : ''}${u.authority !== undefined ? `//${u.authority}` : ''}${u.path}${u.query !== undefined ? `?${u.query}` : ''}${u.fragment !== undefined ? `#${u.fragment}` : ''}`;
}

/**
 * RFC 3986 §5.2.4 remove_dot_segments as Canonical XML 1.1 §2.4 modifies it for relative
 * references: leading `..` segments that cannot be resolved are kept, not dropped.
 */
export function removeDotSegments(path: string): string {
  let input = path;
  const output: string[] = [];
  const onlyUp = (): boolean => output.every((s) => s === '..' || s === '/..');
  while (input.length > 0) {
    if (input.startsWith('../')) {
      if (onlyUp() && !path.startsWith('/')) output.push(output.length === 0 ? '..' : '/..');
      input = input.slice(3);
      if (output.length > 0 && input.length > 0 && !input.startsWith('/')) input = `/${input}`;
    } else if (input.startsWith('./')) {
      input = input.slice(2);
    } else if (input.startsWith('/./')) {
      input = input.slice(2);
    } else if (input === '/.') {
      input = '/';
    } else if (input.startsWith('/../') || input === '/..') {
      input = input === '/..' ? '/' : input.slice(3);
      if (output.length > 0 && !onlyUp()) output.pop();
      else if (!path.startsWith('/')) output.push(output.length === 0 ? '..' : '/..');
      // A relative path that climbed back to its start goes on without a leading slash.
      if (!path.startsWith('/') && output.length === 0) input = input.replace(/^\//, '');
    } else if (input === '.') {
      input = '';
    } else if (input === '..') {
      if (onlyUp() && !path.startsWith('/')) output.push(output.length === 0 ? '..' : '/..');
      else output.pop();
      input = '';
    } else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next === -1 ? input : input.slice(0, next);
      output.push(segment);
      input = next === -1 ? '' : input.slice(next);
    }
  }
  return output.join('');
}

/** `ref` resolved against `base` (RFC 3986 §5.2.2, with the modified remove_dot_segments); `base` may itself be relative. */
export function joinUriReference(base: string, ref: string): string {
  const r = parseUri(ref);
  if (r.scheme !== undefined) return composeUri({ ...r, path: removeDotSegments(r.path) });
  const b = parseUri(base);
  const t: UriParts = { path: '' };
  if (b.scheme !== undefined) t.scheme = b.scheme;
  if (r.authority !== undefined) {
    t.authority = r.authority;
    t.path = removeDotSegments(r.path);
    if (r.query !== undefined) t.query = r.query;
  } else {
    if (b.authority !== undefined) t.authority = b.authority;
    if (r.path === '') {
      t.path = b.path;
      if (r.query !== undefined) t.query = r.query;
      else if (b.query !== undefined) t.query = b.query;
    } else {
      if (r.path.startsWith('/')) {
        t.path = removeDotSegments(r.path);
      } else {
        const merged = b.authority !== undefined && b.path === '' ? `/${r.path}` : `${b.path.slice(0, b.path.lastIndexOf('/') + 1)}${r.path}`;
        t.path = removeDotSegments(merged);
      }
      if (r.query !== undefined) t.query = r.query;
    }
  }
  if (r.fragment !== undefined) t.fragment = r.fragment;
  return composeUri(t);
}
