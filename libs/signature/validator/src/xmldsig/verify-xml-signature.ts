import { digest, equalBytes, type DigestName } from '../bytes';
import { parseCertificate, summarize, type ParsedCertificate } from '../cert/certificate';
import { signerKeyUsageFindings } from '../cert/path-checks';
import type { SignatureScheme } from '../crypto/algorithms';
import { verifySignature } from '../crypto/verify-signature';
import type { VerificationContext } from '../context';
import { limitsOf, type ValidationLimits } from '../limits';
import { finding, ReasonCode, type Finding } from '../reason-codes';
import { fileVerdict, signatureStatus } from '../verdict/aggregate';
import type { FileVerdict, SignatureVerdict, XmlSignaturePlace } from '../verdict/verdict';
import { certificateChecks, checkTime, internalError } from '../verify/verify-signed-data';
import { checkTimestamp, timestampContextOf, type TimestampResult } from '../cms/timestamp';
import { C14N, CANONICALIZATIONS, DIGESTS, DSIG_NS, ENVELOPED_SIGNATURE, EXC_C14N_NS, isHmac, MGF1, pssScheme, RSA_PSS, signatureSchemeOf } from './algorithms';
import { readXades, SIGNED_PROPERTIES_TYPE, XadesMalformed, type XadesProperties } from './xades';
import { canonicalizeApex, canonicalizer, outsideRoot, withApexAttributes } from './dom-c14n';
import {
  allElements,
  ancestorNamespaces,
  elementChildren,
  firstChildNamed,
  isInside,
  readXml,
  serialize,
  TEXT_NODE,
  CDATA_SECTION_NODE,
  type XDocument,
  type XElement,
  type XNode,
} from './dom';

/** Where the Signature is and what it must sign. */
export interface XmlSignatureOptions {
  /** Local names from the root to the Signature to verify, each the first child of that name (edXML: `edXML`, `edXMLEnvelope`, `edXMLHeader`, `Signature`). */
  readonly signaturePath: readonly string[];
  /** Local names from the root to the element the application reads, which a reference must cover (edXML: `edXML`, `edXMLEnvelope`). */
  readonly signedElementPath: readonly string[];
}

const MAX_TRANSFORMS = 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const ID_ATTRIBUTES = ['Id', 'ID', 'id'];

/** A Reference as read from SignedInfo. */
export interface Reference {
  readonly uri: string;
  /** The Type attribute (XAdES: the SignedProperties type). */
  readonly type: string | null;
  readonly transforms: readonly { readonly algorithm: string; readonly prefixList: readonly string[] }[];
  readonly digestMethod: string;
  readonly digestValue: Uint8Array;
}

/** The parts of a Signature element the checks use, read strictly. */
export interface SignatureParts {
  readonly signedInfo: XElement;
  readonly canonicalization: string;
  readonly canonicalizationPrefixList: readonly string[];
  readonly signatureMethod: string;
  readonly scheme: SignatureScheme | null;
  readonly references: readonly Reference[];
  readonly signatureValue: Uint8Array;
  /** The SignatureValue element, which a XAdES signature timestamp covers. */
  readonly signatureValueElement: XElement;
  readonly certificates: readonly Uint8Array[];
}

/** A structural refusal: the finding that says why the Signature cannot be checked. */
class Refusal extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}
const malformed = (message: string): Refusal => new Refusal(finding(ReasonCode.XMLDSIG_MALFORMED, 'indeterminate', 'signature', message));
const tooComplex = (message: string): Refusal => new Refusal(finding(ReasonCode.XMLDSIG_TOO_COMPLEX, 'indeterminate', 'signature', message));

/**
 * Verifies the enveloped XML-DSig Signature found at `signaturePath` of an XML document: each
 * Reference's digest after its transforms (enveloped-signature, inclusive or exclusive C14N 1.0),
 * the SignedInfo signature with the first X509Certificate of KeyInfo (RSA PKCS#1 v1.5, RSA-PSS,
 * ECDSA; SHA-1 reported weak), that the envelope the application reads is what is signed (the
 * whole document, or the element at `signedElementPath` by its Id, never another copy), and the
 * certificate through the same path, revocation, key usage and Decree 30 checks as a CMS signer.
 * No Signature there: `unsigned`. Never throws.
 */
export async function verifyXmlSignature(xml: Uint8Array, ctx: VerificationContext, opts: XmlSignatureOptions, name?: string): Promise<FileVerdict> {
  const limits = limitsOf(ctx.limits);
  const read = readXml(xml, { maxBytes: limits.maxXmlBytes, maxDepth: limits.maxXmlDepth });
  if (!read.ok) {
    const code = read.refusal === 'too-complex' ? (xml.length > limits.maxXmlBytes ? ReasonCode.XMLDSIG_TOO_LARGE : ReasonCode.XMLDSIG_TOO_COMPLEX) : ReasonCode.XMLDSIG_MALFORMED;
    return fileVerdict([], [finding(code, 'indeterminate', 'file', read.message)], name);
  }
  const signature = follow(read.root, opts.signaturePath);
  if (!signature) return fileVerdict([], [], name);
  try {
    return fileVerdict([await verifySignatureElement(read.document, read.root, signature, follow(read.root, opts.signedElementPath), ctx, limits)], [], name);
  } catch (e) {
    return fileVerdict([bare(signature, ctx, { references: [] }, [internalError(e)])], [], name);
  }
}

/** The element at a path of first-children-by-local-name from the root, or undefined. */
export function follow(root: XElement, path: readonly string[]): XElement | undefined {
  if (path.length === 0 || root.localName !== path[0]) return undefined;
  let at: XElement | undefined = root;
  for (const local of path.slice(1)) at = at && firstChildNamed(at, local);
  return at;
}

/**
 * What a streamed read of a document too large for a DOM gives in place of the subtrees it did not
 * keep: the verifier then works on a skeleton (the Signature and the elements above it).
 */
export interface StreamedReferences {
  /** The digest of reference i's canonical octets, computed as the document streamed by (the whole document, the signed element by its Id). */
  readonly digests: ReadonlyMap<number, Uint8Array>;
  /** How many elements of the whole document carry each Id value. */
  readonly idCounts: ReadonlyMap<string, number>;
}

export async function verifySignatureElement(document: XDocument, root: XElement, signature: XElement, signedElement: XElement | undefined, ctx: VerificationContext, limits: ValidationLimits, streamed?: StreamedReferences): Promise<SignatureVerdict> {
  let parts: SignatureParts;
  try {
    parts = readSignature(signature, limits);
  } catch (e) {
    if (e instanceof Refusal) return bare(signature, ctx, { references: [] }, [e.finding]);
    throw e;
  }
  const findings: Finding[] = [];
  let xades: XadesProperties | null = null;
  try {
    xades = readXades(signature);
  } catch (e) {
    if (!(e instanceof XadesMalformed)) throw e;
    // Read as the plain XML-DSig signature it also is; what its properties claim is not used.
    findings.push(finding(ReasonCode.XADES_MALFORMED, 'indeterminate', 'signature', `the XAdES properties cannot be read: ${e.message}`));
  }
  const ids = idIndex(root);
  const placeRefs: XmlSignaturePlace['references'][number][] = [];
  let coversSignedElement = false;
  let signsProperties = false;
  let firstDigest: DigestName | undefined;

  for (const [i, ref] of parts.references.entries()) {
    const label = `reference #${i + 1} (URI "${ref.uri}")`;
    const placeRef = { uri: ref.uri, digestMethod: ref.digestMethod, transforms: ref.transforms.map((t) => t.algorithm) };
    const target = resolve(ref.uri, root, ids, label, streamed?.idCounts);
    if (!target.ok) {
      findings.push(target.finding);
      placeRefs.push(placeRef);
      continue;
    }
    const covers = target.node === root ? 'document' : target.node === signedElement ? 'signed-element' : isInside(target.node, signature) ? 'signature' : null;
    placeRefs.push(covers ? { ...placeRef, covers } : placeRef);
    if (!covers) {
      findings.push(finding(ReasonCode.XMLDSIG_WRAPPING, 'invalid', 'signature', `${label} signs a ${target.node.localName} element that is not the envelope this document is read by`));
      continue;
    }
    if (covers !== 'signature') coversSignedElement = true;
    const digestName = DIGESTS[ref.digestMethod];
    if (!digestName) {
      findings.push(finding(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, 'indeterminate', 'signature', `${label}: unsupported DigestMethod ${ref.digestMethod}`));
      continue;
    }
    firstDigest ??= digestName;
    if (digestName === 'SHA-1') findings.push(finding(ReasonCode.SIGNATURE_WEAK_DIGEST, 'warning', 'signature', `${label}: the digest is SHA-1`));
    const transformed = transformFindings(ref, label);
    if (transformed) {
      findings.push(transformed);
      continue;
    }
    // Streamed: the document and the signed element were digested as they went by; what is inside
    // the Signature is whole in the skeleton.
    const streamedDigest = streamed?.digests.get(i);
    if (streamed && !streamedDigest && covers !== 'signature') {
      findings.push(finding(ReasonCode.XMLDSIG_TOO_LARGE, 'indeterminate', 'signature', `${label}: not digested while the document streamed`));
      continue;
    }
    const actual = streamedDigest ?? digest(digestName, Buffer.from(canonicalizeReference(document, target.node, target.node === root, ref, signature), 'utf8'));
    if (!equalBytes(actual, ref.digestValue)) {
      findings.push(finding(ReasonCode.SIGNATURE_DIGEST_MISMATCH, 'invalid', 'signature', `${label}: the ${digestName} of the signed XML does not match its DigestValue (the document changed)`));
    } else if (xades && target.node === xades.signedProperties) {
      signsProperties = true;
      if (ref.type !== SIGNED_PROPERTIES_TYPE) findings.push(finding(ReasonCode.XADES_MALFORMED, 'warning', 'signature', `${label} signs the SignedProperties without Type="${SIGNED_PROPERTIES_TYPE}"`));
    }
  }
  if (!coversSignedElement) findings.push(finding(ReasonCode.XMLDSIG_ENVELOPE_NOT_SIGNED, 'invalid', 'signature', 'no reference covers the whole document or the envelope it is read by'));

  // Only signed properties say anything: unsigned ones could have been put there by anyone.
  const signedProperties = xades && signsProperties ? xades : null;
  if (xades && !signsProperties) findings.push(finding(ReasonCode.XADES_PROPERTIES_UNSIGNED, 'warning', 'signature', 'no reference signs the XAdES SignedProperties: their signing time and certificate binding are ignored'));
  const place: XmlSignaturePlace = { canonicalization: parts.canonicalization, signatureMethod: parts.signatureMethod, references: placeRefs };
  const canon = CANONICALIZATIONS[parts.canonicalization];
  if (!canon) return bare(signature, ctx, place, [...findings, finding(ReasonCode.XMLDSIG_UNSUPPORTED_TRANSFORM, 'indeterminate', 'signature', `unsupported CanonicalizationMethod ${parts.canonicalization}`)]);
  if (!parts.scheme) {
    const why = isHmac(parts.signatureMethod) ? `an HMAC (${parts.signatureMethod}) proves nothing a certificate can vouch for` : `unsupported SignatureMethod ${parts.signatureMethod}`;
    return bare(signature, ctx, place, [...findings, finding(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, 'indeterminate', 'signature', why)]);
  }
  if (parts.scheme.hash === 'SHA-1') findings.push(finding(ReasonCode.SIGNATURE_WEAK_DIGEST, 'warning', 'signature', 'the signature uses SHA-1'));

  const certificates: ParsedCertificate[] = [];
  let signerRefusal: string | undefined;
  for (const [i, der] of parts.certificates.entries()) {
    const parsed = parseCertificate(der, limits);
    if (parsed.ok) certificates.push(parsed.cert);
    else if (i === 0) signerRefusal = parsed.message;
  }
  const cert = signerRefusal === undefined ? certificates[0] : undefined;
  if (!cert) {
    const f = signerRefusal !== undefined ? finding(ReasonCode.CERT_MALFORMED, 'indeterminate', 'signer', `the signer's certificate is refused: ${signerRefusal}`) : finding(ReasonCode.XMLDSIG_CERTIFICATE_MISSING, 'indeterminate', 'signature', 'KeyInfo carries no X509Certificate');
    return bare(signature, ctx, place, [...findings, f]);
  }

  const signedInfo = canonicalizeSignedInfo(parts);
  const check = await verifySignature(cert.publicKey, parts.scheme, Buffer.from(signedInfo, 'utf8'), parts.signatureValue, 'raw');
  if (!check.ok) {
    findings.push(finding(check.reason === 'invalid' ? ReasonCode.SIGNATURE_VERIFICATION_FAILED : ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, check.reason === 'invalid' ? 'invalid' : 'indeterminate', 'signature', check.message, cert.subject.text));
  } else if (parts.scheme.kind !== 'ECDSA' && check.keyBits < 2048) {
    findings.push(finding(ReasonCode.SIGNATURE_WEAK_KEY, 'warning', 'signature', `an RSA key of ${check.keyBits} bits`, cert.subject.text));
  }
  findings.push(...signerKeyUsageFindings(cert, 'signer'));
  if (signedProperties) findings.push(...signingCertificateFindings(signedProperties, cert));
  // A signature timestamp proves when the SignatureValue existed; a signature that does not
  // verify has nothing worth dating.
  const timestamp = check.ok && xades ? await xadesTimestamp(xades, parts, ctx, limits) : undefined;
  if (timestamp) findings.push(...timestamp.findings);
  // Plain XML-DSig carries no signing time: the certificates are then checked now.
  const claimed = signedProperties?.signingTime;
  const checkedAt = checkTime(claimed, timestamp, ctx, findings);
  const checked = await certificateChecks(cert, certificates, checkedAt, ctx, limits);
  findings.push(...checked.findings);
  const { chain, path, revocation, classification } = checked;
  const xadesPlace = xades ? { xades: { signedProperties: signsProperties, level: timestamp?.genTime ? ('B-T' as const) : ('B-B' as const) } } : {};

  return {
    status: signatureStatus(findings),
    findings,
    kind: classification.kind,
    ...(classification.rule ? { classificationRule: classification.rule } : {}),
    signer: summarize(cert),
    chain: chain.ok ? path.map(summarize) : [],
    ...(firstDigest ? { digestAlgorithm: firstDigest } : {}),
    signatureAlgorithm: `${parts.scheme.kind}/${parts.scheme.hash}`,
    ...(claimed ? { claimedSigningTime: claimed } : {}),
    ...(timestamp ? { timestamp: { ...(timestamp.genTime ? { genTime: timestamp.genTime } : {}), ...(timestamp.statedGenTime ? { statedGenTime: timestamp.statedGenTime } : {}), ...(timestamp.tsa ? { tsa: timestamp.tsa } : {}) } } : {}),
    checkedAt,
    xmlDsig: { ...place, ...xadesPlace },
    evidence: {
      signature: evidenceBytes(signature),
      certificates: path.map((c) => c.der),
      revocation,
      ...(timestamp ? { timestamp: { token: timestamp.token, certificates: timestamp.path.map((c) => c.der), revocation: timestamp.revocation } } : {}),
      validatedAt: ctx.now,
    },
  };
}

/**
 * SigningCertificateV2 (or SigningCertificate) binds the signature to one certificate: the
 * signer's must be among those it names, by the digest of its DER, so a certificate swapped in
 * KeyInfo for another of the same key is caught. Absent, the signature is XML-DSig as far as
 * the binding goes (a warning).
 */
function signingCertificateFindings(props: XadesProperties, cert: ParsedCertificate): Finding[] {
  if (!props.signingCertificates) return [finding(ReasonCode.XADES_SIGNING_CERTIFICATE_MISSING, 'warning', 'signature', 'the SignedProperties name no signing certificate', cert.subject.text)];
  let comparable = 0;
  for (const { digestMethod, digestValue } of props.signingCertificates) {
    const name = DIGESTS[digestMethod];
    if (!name) continue;
    comparable += 1;
    if (equalBytes(digest(name, cert.der), digestValue)) return [];
  }
  if (comparable === 0) return [finding(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, 'indeterminate', 'signature', `the signing certificate's digest methods are unsupported (${props.signingCertificates.map((c) => c.digestMethod).join(', ')})`, cert.subject.text)];
  return [finding(ReasonCode.XADES_SIGNING_CERTIFICATE_MISMATCH, 'invalid', 'signature', 'the SignedProperties name another signing certificate than the one in KeyInfo', cert.subject.text)];
}

/**
 * The first XAdES SignatureTimeStamp that passes, else the last one tried: an RFC 3161 token
 * whose imprint is the digest of the SignatureValue element, canonicalised by the timestamp's
 * CanonicalizationMethod (default Canonical XML 1.0), checked as a CMS signature timestamp is
 * (against the TSA trust anchors).
 */
async function xadesTimestamp(xades: XadesProperties, parts: SignatureParts, ctx: VerificationContext, limits: ValidationLimits): Promise<TimestampResult | undefined> {
  let last: TimestampResult | undefined;
  for (const stamp of xades.timestamps) {
    const algorithm = stamp.canonicalization ?? C14N;
    if (!CANONICALIZATIONS[algorithm]) {
      last = { token: stamp.token, path: [], revocation: [], findings: [finding(ReasonCode.TIMESTAMP_MALFORMED, 'indeterminate', 'timestamp', `unsupported CanonicalizationMethod ${algorithm} of a SignatureTimeStamp`)] };
      continue;
    }
    const stamped = canonicalizeApex(parts.signatureValueElement, algorithm, true);
    last = await checkTimestamp(stamp.token, new Uint8Array(Buffer.from(stamped, 'utf8')), timestampContextOf(ctx, limits));
    if (last.genTime) return last;
  }
  return last;
}

/** A verdict for a Signature that could not be taken far enough to check its signer. */
function bare(signature: XElement, ctx: VerificationContext, place: XmlSignaturePlace, findings: readonly Finding[]): SignatureVerdict {
  return { status: signatureStatus(findings), findings, kind: 'unknown', chain: [], checkedAt: { time: ctx.now, source: 'none' }, xmlDsig: place, evidence: { signature: evidenceBytes(signature), certificates: [], revocation: [], validatedAt: ctx.now } };
}

function evidenceBytes(signature: XElement): Uint8Array {
  try {
    return new Uint8Array(Buffer.from(serialize(signature), 'utf8'));
  } catch {
    return new Uint8Array(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the Signature element.

function isDsig(el: XElement, local: string): boolean {
  return el.namespaceURI === DSIG_NS && el.localName === local;
}

/** The dsig children of `el` (other elements are refused unless `allowForeign`); text must be white space. */
function dsigChildren(el: XElement, allowForeign = false): XElement[] {
  for (let i = 0; i < el.childNodes.length; i++) {
    const n = el.childNodes[i] as XNode;
    if ((n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) && (n.nodeValue ?? '').trim() !== '') throw malformed(`text inside ${el.localName}`);
  }
  const children = elementChildren(el);
  if (!allowForeign) {
    const foreign = children.find((c) => c.namespaceURI !== DSIG_NS);
    if (foreign) throw malformed(`unexpected ${foreign.localName} element inside ${el.localName}`);
  }
  return children;
}

/**
 * The text of a value element (DigestValue, SignatureValue, X509Certificate), which must hold
 * text only: a comment or an element inside it is refused rather than skipped, so the value
 * read is the value signed.
 */
function valueOf(el: XElement): Uint8Array {
  let text = '';
  for (let i = 0; i < el.childNodes.length; i++) {
    const n = el.childNodes[i] as XNode;
    if (n.nodeType !== TEXT_NODE) throw malformed(`${el.localName} holds something other than text`);
    text += n.nodeValue ?? '';
  }
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) throw malformed(`${el.localName} is not base64`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function algorithmOf(el: XElement): string {
  const a = el.getAttribute('Algorithm');
  if (!a) throw malformed(`${el.localName} names no Algorithm`);
  return a;
}

function prefixListOf(el: XElement): string[] {
  const inclusive = elementChildren(el).filter((c) => c.namespaceURI === EXC_C14N_NS && c.localName === 'InclusiveNamespaces');
  if (inclusive.length > 1) throw malformed('more than one InclusiveNamespaces');
  const list = inclusive[0]?.getAttribute('PrefixList') ?? '';
  return list.split(/\s+/).filter((p) => p !== '');
}

export function readSignature(signature: XElement, limits: ValidationLimits): SignatureParts {
  if (signature.namespaceURI !== DSIG_NS) throw malformed(`the Signature element is in ${signature.namespaceURI ? `the namespace ${signature.namespaceURI}` : 'no namespace'}, not XML-DSig's`);
  const children = dsigChildren(signature, true);
  const known = children.filter((c) => c.namespaceURI === DSIG_NS);
  if (known[0]?.localName !== 'SignedInfo' || known[1]?.localName !== 'SignatureValue' || known.slice(2).some((c) => c.localName !== 'KeyInfo' && c.localName !== 'Object') || known.filter((c) => c.localName === 'KeyInfo').length > 1) {
    throw malformed('a Signature is SignedInfo, SignatureValue, an optional KeyInfo and Objects, in that order');
  }
  const signedInfo = known[0] as XElement;
  const siChildren = dsigChildren(signedInfo);
  const c14n = siChildren[0];
  const method = siChildren[1];
  const refs = siChildren.slice(2);
  if (!c14n || !isDsig(c14n, 'CanonicalizationMethod') || !method || !isDsig(method, 'SignatureMethod') || refs.length === 0 || refs.some((r) => !isDsig(r, 'Reference'))) {
    throw malformed('SignedInfo is CanonicalizationMethod, SignatureMethod and one or more References, in that order');
  }
  if (refs.length > limits.maxXmlReferences) throw tooComplex(`${refs.length} references, more than ${limits.maxXmlReferences}`);
  const signatureMethod = algorithmOf(method);
  const references = refs.map(readReference);
  const certificates: Uint8Array[] = [];
  const keyInfo = known.find((c) => c.localName === 'KeyInfo');
  for (const data of keyInfo ? elementChildren(keyInfo).filter((c) => isDsig(c, 'X509Data')) : []) {
    for (const c of elementChildren(data).filter((e) => isDsig(e, 'X509Certificate'))) {
      if (certificates.length >= limits.maxCertificates) throw tooComplex(`more than ${limits.maxCertificates} certificates in KeyInfo`);
      certificates.push(valueOf(c));
    }
  }
  return {
    signedInfo,
    canonicalization: algorithmOf(c14n),
    canonicalizationPrefixList: prefixListOf(c14n),
    signatureMethod,
    scheme: schemeOf(method, signatureMethod),
    references,
    signatureValue: valueOf(known[1] as XElement),
    signatureValueElement: known[1] as XElement,
    certificates,
  };
}

function readReference(ref: XElement): Reference {
  if (!ref.hasAttribute('URI')) throw malformed('a Reference without URI names nothing this verifier can find');
  const children = dsigChildren(ref);
  const hasTransforms = children[0] !== undefined && isDsig(children[0], 'Transforms');
  const rest = hasTransforms ? children.slice(1) : children;
  if (rest.length !== 2 || !isDsig(rest[0] as XElement, 'DigestMethod') || !isDsig(rest[1] as XElement, 'DigestValue')) throw malformed('a Reference is optional Transforms, DigestMethod and DigestValue, in that order');
  const transforms = hasTransforms ? dsigChildren(children[0] as XElement) : [];
  if (transforms.some((t) => !isDsig(t, 'Transform'))) throw malformed('Transforms holds something other than Transform');
  if (transforms.length > MAX_TRANSFORMS) throw tooComplex(`${transforms.length} transforms in one reference, more than ${MAX_TRANSFORMS}`);
  return {
    uri: ref.getAttribute('URI') ?? '',
    type: ref.getAttribute('Type'),
    transforms: transforms.map((t) => ({ algorithm: algorithmOf(t), prefixList: prefixListOf(t) })),
    digestMethod: algorithmOf(rest[0] as XElement),
    digestValue: valueOf(rest[1] as XElement),
  };
}

/** The scheme of a SignatureMethod, reading RSAPSSParams for `rsa-pss`; null when unsupported. */
function schemeOf(method: XElement, uri: string): SignatureScheme | null {
  if (uri !== RSA_PSS) return signatureSchemeOf(uri);
  const params = elementChildren(method).find((c) => c.localName === 'RSAPSSParams');
  if (!params) return pssScheme('SHA-256', undefined);
  const children = elementChildren(params);
  const digestMethod = children.find((c) => isDsig(c, 'DigestMethod'));
  const hash = digestMethod ? DIGESTS[algorithmOf(digestMethod)] : 'SHA-256';
  if (!hash) return null;
  const mgf = children.find((c) => c.localName === 'MaskGenerationFunction');
  if (mgf) {
    const mgfDigest = elementChildren(mgf).find((c) => isDsig(c, 'DigestMethod'));
    if (mgf.getAttribute('Algorithm') !== MGF1 || (mgfDigest ? DIGESTS[algorithmOf(mgfDigest)] : 'SHA-256') !== hash) return null;
  }
  const salt = children.find((c) => c.localName === 'SaltLength');
  const saltLength = salt ? Number((salt.childNodes[0]?.nodeValue ?? '').trim()) : undefined;
  if (saltLength !== undefined && (!Number.isSafeInteger(saltLength) || saltLength < 0 || saltLength > 1024)) return null;
  const trailer = children.find((c) => c.localName === 'TrailerField');
  if (trailer && (trailer.childNodes[0]?.nodeValue ?? '').trim() !== '1') return null;
  return pssScheme(hash, saltLength);
}

// ---------------------------------------------------------------------------------------------
// References and canonicalisation.

/** Elements by Id, ID or id attribute value (XML-DSig has no DTD to say which attribute is an ID). */
function idIndex(root: XElement): Map<string, XElement[]> {
  const index = new Map<string, XElement[]>();
  for (const el of allElements(root)) {
    for (const name of ID_ATTRIBUTES) {
      const value = el.hasAttribute(name) ? el.getAttribute(name) : null;
      if (value === null) continue;
      const list = index.get(value) ?? [];
      if (!list.includes(el)) list.push(el);
      index.set(value, list);
    }
  }
  return index;
}

/**
 * A same-document URI: `""` (the document) or `#id` (one element by its Id); anything else is not
 * followed. `counts` (a streamed document) counts the Ids of the whole document, of which `ids`
 * holds only the skeleton's.
 */
function resolve(uri: string, root: XElement, ids: Map<string, XElement[]>, label: string, counts?: ReadonlyMap<string, number>): { ok: true; node: XElement } | { ok: false; finding: Finding } {
  if (uri === '') return { ok: true, node: root };
  if (!uri.startsWith('#') || uri.startsWith('#xpointer(')) {
    return { ok: false, finding: finding(ReasonCode.XMLDSIG_UNSUPPORTED_TRANSFORM, 'indeterminate', 'signature', `${label}: only same-document references ("" or "#id") are followed`) };
  }
  const found = ids.get(uri.slice(1)) ?? [];
  const count = counts?.get(uri.slice(1)) ?? found.length;
  if (count > 1) return { ok: false, finding: finding(ReasonCode.XMLDSIG_WRAPPING, 'invalid', 'signature', `${label}: ${count} elements carry the Id ${uri.slice(1)}`) };
  const node = found[0];
  if (!node && count === 1) return { ok: false, finding: finding(ReasonCode.XMLDSIG_WRAPPING, 'invalid', 'signature', `${label} signs an element that is not the envelope this document is read by`) };
  if (!node) return { ok: false, finding: finding(ReasonCode.XMLDSIG_REFERENCE_NOT_FOUND, 'indeterminate', 'signature', `${label}: no element carries the Id ${uri.slice(1)}`) };
  return { ok: true, node };
}

/** The transforms this verifier applies: enveloped-signature, then at most one canonicalisation, last. */
export function transformFindings(ref: Reference, label: string): Finding | null {
  let enveloped = false;
  for (const [i, t] of ref.transforms.entries()) {
    if (t.algorithm === ENVELOPED_SIGNATURE && !enveloped && i === 0) {
      enveloped = true;
      continue;
    }
    if (CANONICALIZATIONS[t.algorithm] && i === ref.transforms.length - 1) continue;
    return finding(ReasonCode.XMLDSIG_UNSUPPORTED_TRANSFORM, 'indeterminate', 'signature', `${label}: unsupported transform ${t.algorithm} at position ${i + 1} (enveloped-signature, then C14N 1.0, C14N 1.1 or exclusive C14N)`);
  }
  return null;
}


/**
 * The octets a reference digests: the target with the enveloped Signature taken out (and put
 * back), canonicalised; a same-document URI never keeps comments. A reference to the whole
 * document also renders the processing instructions around the root, as C14N does.
 */
function canonicalizeReference(document: XDocument, target: XElement, wholeDocument: boolean, ref: Reference, signature: XElement): string {
  const last = ref.transforms.at(-1);
  const c14n = last && CANONICALIZATIONS[last.algorithm] ? last : undefined;
  const method = c14n ? CANONICALIZATIONS[c14n.algorithm] : undefined;
  const exclusive = method?.exclusive === true;
  const prefixList = c14n?.prefixList ?? [];
  const enveloped = ref.transforms[0]?.algorithm === ENVELOPED_SIGNATURE && isInside(signature, target);
  const parent = signature.parentNode;
  const next = signature.nextSibling;
  // The exclusive canonicaliser declares the prefix list's namespaces on its apex, and an
  // inclusive one renders the xml:* attributes the apex of a subset inherits: work on a copy then.
  const apex = (exclusive && prefixList.length > 0) || (!exclusive && !wholeDocument) ? withApexAttributes(target, target.cloneNode(true) as XElement, method) : target;
  const envelopedCopy = apex === target ? signature : findCopy(target, apex, signature);
  const removedFrom = enveloped ? (envelopedCopy === signature ? parent : envelopedCopy?.parentNode) : null;
  if (enveloped && envelopedCopy && removedFrom) removedFrom.removeChild(envelopedCopy);
  try {
    const body = canonicalizer(c14n?.algorithm, false).process(apex, { ancestorNamespaces: ancestorNamespaces(target), inclusiveNamespacesPrefixList: prefixList });
    if (!wholeDocument) return body;
    return `${outsideRoot(document, target, 'before')}${body}${outsideRoot(document, target, 'after')}`;
  } finally {
    if (enveloped && envelopedCopy === signature && parent) parent.insertBefore(signature, next);
  }
}

/** The node in `copy` at the same place as `node` is in `original`. */
function findCopy(original: XElement, copy: XElement, node: XNode): XNode | undefined {
  const steps: number[] = [];
  for (let n: XNode | null = node; n && n !== original; n = n.parentNode) {
    const parent: XNode | null = n.parentNode;
    if (!parent) return undefined;
    steps.unshift(Array.prototype.indexOf.call(parent.childNodes, n) as number);
  }
  let at: XNode | undefined = copy;
  for (const i of steps) at = at?.childNodes[i];
  return at;
}




/** SignedInfo canonicalised by its CanonicalizationMethod (comments kept only by the #WithComments ones). */
function canonicalizeSignedInfo(parts: SignatureParts): string {
  return canonicalizeApex(parts.signedInfo, parts.canonicalization, true, parts.canonicalizationPrefixList);
}
