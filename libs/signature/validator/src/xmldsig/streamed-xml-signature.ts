// XML-DSig over a document too large for a DOM (an edXML package over `maxXmlBytes`): the
// document is read once as events, a chunk at a time. Until the Signature has been read, the
// events are kept (the edXML header comes first and is small); then the references to the whole
// document and to the envelope by its Id are canonicalised and digested as the rest streams by.
// The Signature and the elements above it make a small skeleton document, on which every other
// check runs as for a DOM.
import { createHash, type Hash } from 'node:crypto';
import type { VerificationContext } from '../context';
import { limitsOf, type ValidationLimits } from '../limits';
import { finding, ReasonCode } from '../reason-codes';
import { fileVerdict } from '../verdict/aggregate';
import type { FileVerdict } from '../verdict/verdict';
import { CANONICALIZATIONS, DIGESTS, ENVELOPED_SIGNATURE } from './algorithms';
import { readXml } from './dom';
import { escapeAttr, escapeText, StreamingCanonicalizer, type StreamEvent } from './streaming-c14n';
import { follow, ID_ATTRIBUTES, readSignature, transformFindings, verifySignatureElement, type Reference, type XmlSignatureOptions } from './verify-xml-signature';
import { XmlEventReader } from './xml-stream';

/** Events kept before the Signature is read: beyond, the Signature is too far into the document. */
export const MAX_EVENTS_BEFORE_SIGNATURE_BYTES = 8 * 1024 * 1024;
/** Documents read this way: at most this large (the gateway's body limit is far below). */
export const MAX_STREAMED_XML_BYTES = 4 * 1024 * 1024 * 1024;

interface Annotated {
  readonly event: StreamEvent;
  /** The Signature's own start tag. */
  readonly signature: boolean;
  /** The signed element's own start tag (the envelope at `signedElementPath`). */
  readonly signedElement: boolean;
}

interface Digesting {
  readonly index: number;
  readonly hash: Hash;
  readonly c14n: StreamingCanonicalizer;
}

const startTag = (e: Extract<StreamEvent, { kind: 'open' }>): string => `<${e.name}${e.attributes.map((a) => ` ${a.name}="${escapeAttr(a.value)}"`).join('')}>`;

/** The streamed verification of one document's Signature: `write` every chunk, then `finish`. */
export class StreamedXmlSignature {
  private readonly limits: ValidationLimits;
  private readonly reader: XmlEventReader;
  // Where the parser is: the names of the open elements, and for each whether it is on the path
  // to the Signature (and to the signed element) as `follow` takes it (first child of that name).
  private readonly open: { readonly local: string; onSignaturePath: boolean; onSignedPath: boolean; taken: Set<string> }[] = [];
  private readonly idCounts = new Map<string, number>();
  private kept: Annotated[] | null = [];
  private keptBytes = 0;
  private tooFar = false;
  // The skeleton: the start tags above the Signature, then the Signature serialised whole.
  private readonly ancestors: string[] = [];
  private signatureText: string[] | null = null;
  // The qualified names of the open elements of the Signature, for their end tags.
  private readonly signatureNames: string[] = [];
  private signatureDepth = -1;
  private readonly ancestorNames: string[] = [];
  private skeleton: ReturnType<typeof readXml> | null = null;
  private signedElementIds: string[] = [];
  private digesting: Digesting[] = [];
  private current: Annotated | null = null;

  constructor(
    private readonly opts: XmlSignatureOptions,
    limits?: Partial<ValidationLimits>,
  ) {
    this.limits = limitsOf(limits);
    this.reader = new XmlEventReader({ maxBytes: MAX_STREAMED_XML_BYTES, maxDepth: this.limits.maxXmlDepth }, (e) => this.onEvent(e));
  }

  /** One more chunk of the document. */
  write(chunk: Uint8Array): void {
    this.reader.write(chunk);
  }

  /** The verdict, once every chunk has been written. Never throws. */
  async finish(ctx: VerificationContext, name?: string): Promise<FileVerdict> {
    const refused = this.reader.end();
    if (refused) return fileVerdict([], [finding(refused.refusal === 'too-complex' ? ReasonCode.XMLDSIG_TOO_COMPLEX : ReasonCode.XMLDSIG_MALFORMED, 'indeterminate', 'file', refused.message)], name);
    if (this.tooFar) return fileVerdict([], [finding(ReasonCode.XMLDSIG_TOO_LARGE, 'indeterminate', 'file', `the Signature is not within the first ${MAX_EVENTS_BEFORE_SIGNATURE_BYTES} bytes of the document`)], name);
    const read = this.skeleton;
    if (read === null) return fileVerdict([], [], name);
    if (!read.ok) return fileVerdict([], [finding(ReasonCode.XMLDSIG_MALFORMED, 'indeterminate', 'file', read.message)], name);
    const signature = follow(read.root, this.opts.signaturePath);
    if (!signature) return fileVerdict([], [], name);
    const digests = new Map(this.digesting.map((d) => [d.index, new Uint8Array(d.hash.digest())]));
    return fileVerdict([await verifySignatureElement(read.document, read.root, signature, follow(read.root, this.opts.signedElementPath), ctx, this.limits, { digests, idCounts: this.idCounts })], [], name);
  }

  private onEvent(e: StreamEvent): void {
    let annotated: Annotated = { event: e, signature: false, signedElement: false };
    if (e.kind === 'open') {
      annotated = this.opened(e);
    } else if (e.kind === 'close') {
      this.closed();
    } else if (this.signatureText && this.open.length > this.signatureDepth) {
      this.signatureText.push(e.kind === 'text' ? escapeText(e.text) : e.kind === 'comment' ? `<!--${e.text}-->` : `<?${e.target}${e.body ? ` ${e.body}` : ''}?>`);
    }
    if (this.kept) {
      this.keptBytes += 64 + (e.kind === 'text' ? e.text.length * 2 : 0);
      if (this.keptBytes > MAX_EVENTS_BEFORE_SIGNATURE_BYTES) {
        this.kept = null;
        this.tooFar = true;
      } else {
        this.kept.push(annotated);
      }
    } else {
      this.feed(annotated);
    }
    // The Signature just closed: plan the digests and replay what was kept.
    if (e.kind === 'close' && this.signatureText && this.open.length === this.signatureDepth) this.signatureRead();
  }

  private opened(e: Extract<StreamEvent, { kind: 'open' }>): Annotated {
    const parent = this.open[this.open.length - 1];
    const depth = this.open.length;
    const firstOfName = parent ? !parent.taken.has(e.local) : true;
    parent?.taken.add(e.local);
    const onSignaturePath = (parent ? parent.onSignaturePath : true) && firstOfName && this.opts.signaturePath[depth] === e.local;
    const onSignedPath = (parent ? parent.onSignedPath : true) && firstOfName && this.opts.signedElementPath[depth] === e.local;
    this.open.push({ local: e.local, onSignaturePath, onSignedPath, taken: new Set() });
    for (const name of ID_ATTRIBUTES) {
      const value = e.attributes.find((a) => a.name === name)?.value;
      if (value !== undefined) this.idCounts.set(value, (this.idCounts.get(value) ?? 0) + 1);
    }
    const signedElement = onSignedPath && depth === this.opts.signedElementPath.length - 1;
    if (signedElement) this.signedElementIds = ID_ATTRIBUTES.map((n) => e.attributes.find((a) => a.name === n)?.value).filter((v): v is string => v !== undefined);
    const isSignature = onSignaturePath && depth === this.opts.signaturePath.length - 1 && this.skeleton === null && this.signatureText === null;
    if (isSignature) {
      this.signatureDepth = depth;
      this.signatureText = [startTag(e)];
      this.signatureNames.push(e.name);
    } else if (this.signatureText && this.skeleton === null) {
      this.signatureText.push(startTag(e));
      this.signatureNames.push(e.name);
    } else if (onSignaturePath && this.skeleton === null) {
      this.ancestors.push(startTag(e));
      this.ancestorNames.push(e.name);
    }
    return { event: e, signature: isSignature, signedElement };
  }

  private closed(): void {
    this.open.pop();
    // The Signature or an element inside it: its end tag, by the name it was opened with.
    if (this.signatureText && this.skeleton === null && this.open.length >= this.signatureDepth) this.signatureText.push(`</${this.signatureNames.pop() ?? ''}>`);
  }

  private feed(a: Annotated): void {
    this.current = a;
    for (const d of this.digesting) d.c14n.event(a.event);
  }

  /** The Signature has been read: which references stream, with which canonicaliser and digest. */
  private signatureRead(): void {
    const closeAncestors = this.ancestorNames.map((n) => `</${n}>`).reverse();
    const text = `${this.ancestors.join('')}${(this.signatureText ?? []).join('')}${closeAncestors.join('')}`;
    this.signatureText = null;
    // Parsed once: the plan below and finish() both read it.
    const read = readXml(new Uint8Array(Buffer.from(text, 'utf8')), { maxBytes: MAX_EVENTS_BEFORE_SIGNATURE_BYTES, maxDepth: this.limits.maxXmlDepth });
    this.skeleton = read;
    let references: readonly Reference[] = [];
    try {
      const signature = read.ok ? follow(read.root, this.opts.signaturePath) : undefined;
      references = signature ? readSignature(signature, this.limits).references : [];
    } catch {
      // An unreadable Signature: finish() reports it from the skeleton.
    }
    references.forEach((ref, index) => {
      const digestName = DIGESTS[ref.digestMethod];
      if (!digestName || transformFindings(ref, '')) return;
      const whole = ref.uri === '';
      if (!whole && !(ref.uri.startsWith('#') && this.signedElementIds.includes(ref.uri.slice(1)))) return;
      const last = ref.transforms.at(-1);
      const method = last ? CANONICALIZATIONS[last.algorithm] : undefined;
      const enveloped = ref.transforms[0]?.algorithm === ENVELOPED_SIGNATURE;
      const hash = createHash(digestName.replace('-', '').toLowerCase());
      const c14n = new StreamingCanonicalizer(
        {
          mode: method?.exclusive ? 'exclusive' : 'inclusive',
          version: method?.version ?? '1.0',
          prefixList: method?.exclusive ? (last?.prefixList ?? []) : [],
          ...(whole ? {} : { apex: () => this.current?.signedElement === true }),
          ...(enveloped ? { exclude: () => this.current?.signature === true } : {}),
        },
        (s) => hash.update(s, 'utf8'),
      );
      this.digesting.push({ index, hash, c14n });
    });
    const kept = this.kept ?? [];
    this.kept = null;
    for (const a of kept) this.feed(a);
  }
}
