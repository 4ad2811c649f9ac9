import { firstChildNamed, readXml, type XElement } from './dom';
import { inheritedXmlAttributes, joinUriReference, removeDotSegments } from './xml-attributes';

// Canonical XML 1.1 §2.4 fixes up the xml:base of a document subset's apex by joining the values
// of its omitted ancestors (RFC 3986 §5.2, remove_dot_segments keeping leading `..` of relative
// references). The cases marked libxml2 are what xmlsec1 renders (xmlsec-interop.int.spec.ts
// checks the whole path against it).
describe('xml:base fix-up', () => {
  const join = (...chain: string[]): string => chain.slice(1).reduce((base, ref) => joinUriReference(base, ref), chain[0]!);

  it.each([
    [['http://a.vn/x/y/', 'z/'], 'http://a.vn/x/y/z/'], // libxml2
    [['https://vpcp.example.vn/van-ban/', '2026/12/'], 'https://vpcp.example.vn/van-ban/2026/12/'],
    [['http://a.vn/x/y', '../../q'], 'http://a.vn/q'], // libxml2
    [['docs/', '../a/', 'b'], 'a/b'], // libxml2
    [['../x/', '../y/'], '../y/'], // libxml2
    [['foo/bar', '..'], ''], // libxml2 (then no xml:base at all)
    [['/abs/', 'rel/', '../up'], '/abs/up'], // libxml2
    [['http://a.vn/p?q=1', '#frag'], 'http://a.vn/p?q=1#frag'], // libxml2
    [['http://a.vn/p?q=1', '?r=2'], 'http://a.vn/p?r=2'],
    [['http://a.vn/x/', '//b.vn/y'], 'http://b.vn/y'],
    [['http://a.vn/x/', 'urn:isbn:1'], 'urn:isbn:1'],
    [['a/b/', '../../../c/'], '../c/'],
  ])('%j joins to %j', (chain, joined) => {
    expect(join(...chain)).toBe(joined);
  });

  it.each([
    ['/a/b/c/./../../g', '/a/g'],
    ['mid/content=5/../6', 'mid/6'],
    ['../../a/./b', '../../a/b'],
    ['a/../..', '..'],
    ['/..', '/'],
  ])('removes the dot segments of %s: %s', (path, removed) => {
    expect(removeDotSegments(path)).toBe(removed);
  });
});

describe('inheritedXmlAttributes', () => {
  const doc = '<r xml:lang="vi" xml:space="preserve" xml:base="http://a.vn/x/" xml:id="r1"><m xml:lang="en" xml:base="y/"><apex xml:base="z"/></m></r>';
  const apex = (): XElement => {
    const read = readXml(new Uint8Array(Buffer.from(doc)), { maxBytes: 1000, maxDepth: 8 });
    if (!read.ok) throw new Error(read.message);
    return firstChildNamed(firstChildNamed(read.root, 'm')!, 'apex')!;
  };

  it('1.0: every xml:* attribute of the nearest ancestor that has it, the apex keeping its own', () => {
    expect(Object.fromEntries(inheritedXmlAttributes(apex(), '1.0'))).toEqual({ lang: 'en', space: 'preserve', id: 'r1' });
  });

  it('1.1: xml:lang and xml:space inherited, xml:id not, xml:base joined with the apex\'s own', () => {
    expect(Object.fromEntries(inheritedXmlAttributes(apex(), '1.1'))).toEqual({ lang: 'en', space: 'preserve', base: 'http://a.vn/x/y/z' });
  });
});
