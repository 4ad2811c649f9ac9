import fc from 'fast-check';
import { C14N, C14N11, EXC_C14N } from './algorithms';
import { canonicalizeApex, canonicalizer, outsideRoot } from './dom-c14n';
import { elementChildren, readXml, type XElement } from './dom';
import { StreamingCanonicalizer, type StreamingC14nOptions } from './streaming-c14n';
import { XmlEventReader } from './xml-stream';

// The streaming canonicaliser must produce the octets the DOM path produces (xml-crypto's
// canonicalisers with the inherited xml:* attributes, which xmlsec-interop.int.spec.ts holds
// against xmlsec1), for whole documents, for an element on its own, and without an element's
// subtree, on random documents with namespaces declared, redeclared and undeclared at every level.
// The prefix lists leave out `#default`: xml-crypto's exclusive canonicaliser ignores it, where the
// specification (and xmlsec1) render the default namespace in scope; the streamed form does.

interface Node {
  readonly prefix: string;
  readonly name: string;
  readonly declares: readonly (readonly [string, string])[];
  readonly attrs: readonly { readonly prefix: string; readonly local: string; readonly value: string }[];
  readonly children: readonly Child[];
}
type Child = { readonly kind: 'el'; readonly node: Node } | { readonly kind: 'text' | 'comment' | 'cdata'; readonly text: string };

const chars = fc.constantFrom('a', 'Z', ' ', '&', '<', '>', '"', "'", '\t', '\n', '\r\n', '\r', 'ệ', 'ư', '\u00a0', '0');
const text = fc.array(chars, { maxLength: 6 }).map((a) => a.join(''));
const prefix = fc.constantFrom('', '', 'p', 'q');
const declaration = fc.constantFrom<readonly [string, string]>(['', ''], ['', 'urn:d1'], ['', 'urn:d2'], ['p', 'urn:p1'], ['p', 'urn:p2'], ['q', 'urn:q']);
const attribute = fc.oneof(
  fc.record({ prefix, local: fc.constantFrom('a', 'b', 'Id'), value: text }),
  fc.record({ prefix: fc.constant('xml'), local: fc.constantFrom('lang', 'space', 'base', 'id'), value: fc.constantFrom('vi', 'preserve', 'http://a.vn/x/', 'y/', '../z', 'k1') }),
);
const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node; child: Child }>((tie) => ({
  node: fc.record({
    prefix,
    name: fc.constantFrom('e', 'f', 'g'),
    declares: fc.array(declaration, { maxLength: 2 }),
    attrs: fc.array(attribute, { maxLength: 3 }),
    children: fc.array(tie('child'), { maxLength: 4 }),
  }),
  // At the depth limit, oneof takes its first arbitrary: a leaf.
  child: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'tree' },
    // No processing instruction inside the root: xml-crypto's canonicalisers cannot render one
    // (the DOM path reports an internal error).
    fc.record({ kind: fc.constantFrom('text' as const, 'comment' as const, 'cdata' as const), text }),
    fc.record({ kind: fc.constant('el' as const), node: tie('node') }),
  ),
})).node;

const escText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** XML source for a tree: a prefix not in scope is declared where it is used; repeated attributes are dropped. */
function render(n: Node, scope: ReadonlyMap<string, string>): string {
  const declared = new Map<string, string>();
  for (const [p, uri] of n.declares) if (!(p !== '' && uri === '')) declared.set(p, uri);
  const inScope = new Map([...scope, ...declared]);
  const need = (p: string) => {
    if (p !== '' && p !== 'xml' && !inScope.has(p)) {
      declared.set(p, `urn:${p}0`);
      inScope.set(p, `urn:${p}0`);
    }
  };
  need(n.prefix);
  const seen = new Set<string>();
  const attrs: string[] = [];
  for (const a of n.attrs) {
    need(a.prefix);
    const expanded = `${a.prefix === '' ? '' : inScope.get(a.prefix) ?? a.prefix}|${a.local}`;
    if (seen.has(expanded)) continue;
    seen.add(expanded);
    attrs.push(` ${a.prefix ? `${a.prefix}:` : ''}${a.local}="${escAttr(a.value)}"`);
  }
  const decls = [...declared].map(([p, uri]) => (p === '' ? ` xmlns="${uri}"` : ` xmlns:${p}="${uri}"`));
  const tag = `${n.prefix ? `${n.prefix}:` : ''}${n.name}`;
  const body = n.children
    .map((c) => {
      if (c.kind === 'el') return render(c.node, inScope);
      if (c.kind === 'text') return escText(c.text);
      if (c.kind === 'cdata') return `<![CDATA[${c.text.replace(/]]>/g, '')}]]>`;
      return `<!--${c.text.replace(/-/g, '')}-->`;
    })
    .join('');
  return `<${tag}${decls.join('')}${attrs.join('')}>${body}</${tag}>`;
}

const documentOf = (root: Node, pis: boolean): string => `<?xml version="1.0" encoding="UTF-8"?>\n${pis ? '<?before x?>\n' : ''}${render(root, new Map())}${pis ? '\n<?after?>' : ''}`;

function streamed(xml: string, opts: StreamingC14nOptions): string {
  let out = '';
  const c14n = new StreamingCanonicalizer(opts, (s) => (out += s));
  const reader = new XmlEventReader({ maxBytes: 1 << 20, maxDepth: 64 }, (e) => c14n.event(e));
  // A few bytes at a time: events split across chunks, multi-byte characters too.
  const bytes = Buffer.from(xml, 'utf8');
  for (let i = 0; i < bytes.length; i += 7) reader.write(bytes.subarray(i, i + 7));
  const refused = reader.end();
  if (refused) throw new Error(refused.message);
  return out;
}

function dom(xml: string) {
  const read = readXml(new Uint8Array(Buffer.from(xml, 'utf8')), { maxBytes: 1 << 20, maxDepth: 64 });
  if (!read.ok) throw new Error(read.message);
  return read;
}

const ALGORITHMS = [
  ['Canonical XML 1.0', C14N, { mode: 'inclusive', version: '1.0' }],
  ['Canonical XML 1.1', C14N11, { mode: 'inclusive', version: '1.1' }],
  ['exclusive C14N', EXC_C14N, { mode: 'exclusive' }],
] as const;

describe('StreamingCanonicalizer renders what the DOM path renders', () => {
  it.each(ALGORITHMS)('whole documents, %s', (_, algorithm, mode) => {
    fc.assert(
      fc.property(node, fc.boolean(), fc.subarray(['p', 'q']), (root, pis, prefixList) => {
        const xml = documentOf(root, pis);
        const { document, root: el } = dom(xml);
        const expected = `${outsideRoot(document, el, 'before')}${canonicalizer(algorithm, false).process(el, { ancestorNamespaces: [], inclusiveNamespacesPrefixList: prefixList })}${outsideRoot(document, el, 'after')}`;
        expect(streamed(xml, { ...mode, prefixList })).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it.each(ALGORITHMS)('an element on its own (the first child of the root), %s', (_, algorithm, mode) => {
    fc.assert(
      fc.property(node, fc.subarray(['p', 'q']), (root, prefixList) => {
        const xml = documentOf(root, false);
        const apex = elementChildren(dom(xml).root)[0];
        fc.pre(apex !== undefined);
        const expected = canonicalizeApex(apex as XElement, algorithm, false, prefixList);
        expect(streamed(xml, { ...mode, prefixList, apex: (_e, depth) => depth === 1 })).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it.each(ALGORITHMS)('without the subtree of one element (the enveloped Signature), %s', (_, algorithm, mode) => {
    fc.assert(
      fc.property(node, (root) => {
        const xml = documentOf(root, false);
        const { root: el } = dom(xml);
        const excluded = elementChildren(el)[0];
        fc.pre(excluded !== undefined);
        el.removeChild(excluded as XElement);
        const expected = canonicalizer(algorithm, false).process(el, { ancestorNamespaces: [], inclusiveNamespacesPrefixList: [] });
        let first = true;
        const exclude = (_e: unknown, depth: number) => {
          if (depth !== 1 || !first) return false;
          first = false;
          return true;
        };
        expect(streamed(xml, { ...mode, exclude })).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
