// Canonicalisation of a DOM: xml-crypto's canonicalisers, with the xml:* attributes a subset's
// apex inherits and the processing instructions around the root that they leave out.
import { C14nCanonicalization, C14nCanonicalizationWithComments, ExclusiveCanonicalization, ExclusiveCanonicalizationWithComments } from 'xml-crypto';
import { CANONICALIZATIONS } from './algorithms';
import { ancestorNamespaces, PROCESSING_INSTRUCTION_NODE, type XDocument, type XElement, type XNode } from './dom';
import { withInheritedXmlAttributes } from './xml-attributes';

export function canonicalizer(algorithm: string | undefined, keepComments: boolean): { process(node: unknown, options: object): string } {
  const c = (algorithm && CANONICALIZATIONS[algorithm]) || { exclusive: false, comments: false };
  const comments = c.comments && keepComments;
  if (c.exclusive) return comments ? new ExclusiveCanonicalizationWithComments() : new ExclusiveCanonicalization();
  return comments ? new C14nCanonicalizationWithComments() : new C14nCanonicalization();
}

/** Processing instructions before (each followed by a line feed) or after (each preceded by one) the root. */
export function outsideRoot(document: XDocument, root: XElement, side: 'before' | 'after'): string {
  const out: string[] = [];
  let seenRoot = false;
  for (let i = 0; i < document.childNodes.length; i++) {
    const n = document.childNodes[i] as XNode;
    if (n === root) {
      seenRoot = true;
      continue;
    }
    if (n.nodeType !== PROCESSING_INSTRUCTION_NODE || seenRoot !== (side === 'after')) continue;
    // The DOM keeps the XML declaration as a processing instruction; it is none.
    if ((n.target ?? n.nodeName).toLowerCase() === 'xml') continue;
    const data = (n.data ?? '').replace(/^[ \t\r\n]+/, '');
    const pi = `<?${n.target ?? n.nodeName}${data ? ` ${data}` : ''}?>`;
    out.push(side === 'before' ? `${pi}\n` : `\n${pi}`);
  }
  return out.join('');
}

/** `copy` of a subset's apex with the xml:* attributes an inclusive canonicalisation gives it; unchanged for an exclusive one. */
export function withApexAttributes(apex: XElement, copy: XElement, method: (typeof CANONICALIZATIONS)[string] | undefined): XElement {
  // No method named: Canonical XML 1.0, the default of a Reference.
  if (method?.exclusive) return copy;
  return withInheritedXmlAttributes(apex, copy, method?.version ?? '1.0');
}

/** `el` canonicalised on its own (a document subset) by `algorithm`, on a copy. */
export function canonicalizeApex(el: XElement, algorithm: string, keepComments: boolean, prefixList: readonly string[] = []): string {
  // On a copy: the exclusive canonicaliser declares the prefix list's namespaces on its apex.
  const copy = withApexAttributes(el, el.cloneNode(true) as XElement, CANONICALIZATIONS[algorithm]);
  return canonicalizer(algorithm, keepComments).process(copy, { ancestorNamespaces: ancestorNamespaces(el), inclusiveNamespacesPrefixList: [...prefixList] });
}
