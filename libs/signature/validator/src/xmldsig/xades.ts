// XAdES (ETSI EN 319 132-1) qualifying properties of an XML-DSig Signature: what this verifier
// reads of them, strictly. The checks that use them are in verify-xml-signature.ts.
import { DIGESTS, DSIG_NS } from './algorithms';
import { elementChildren, TEXT_NODE, type XElement, type XNode } from './dom';

/** XAdES 1.3.2 (EN 319 132-1 keeps it) and the 1.4.1 namespace of its later additions. */
export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
export const XADES_141_NS = 'http://uri.etsi.org/01903/v1.4.1#';
/** The Type of the Reference that signs the SignedProperties. */
export const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
/** At most this many signature timestamps, and certificates in SigningCertificate, are read. */
export const MAX_XADES_ITEMS = 8;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One certificate SigningCertificate(V2) binds the signature to: the digest of its DER. */
export interface XadesCertDigest {
  readonly digestMethod: string;
  readonly digestValue: Uint8Array;
}

/** A SignatureTimeStamp: an RFC 3161 token over the canonicalised SignatureValue element. */
export interface XadesTimestamp {
  /** Its CanonicalizationMethod; absent: Canonical XML 1.0 (EN 319 132-1 §5.5.2). */
  readonly canonicalization: string | null;
  readonly token: Uint8Array;
}

/** The qualifying properties of one Signature. */
export interface XadesProperties {
  /** The SignedProperties element, which a Reference of type SignedProperties must cover. */
  readonly signedProperties: XElement;
  /** QualifyingProperties' Target (`#<Signature Id>`). */
  readonly target: string | null;
  /** SigningTime: the signer's claim. */
  readonly signingTime?: Date;
  /** SigningCertificateV2 (or the 1.3.2 SigningCertificate) digests; null when neither is present. */
  readonly signingCertificates: readonly XadesCertDigest[] | null;
  readonly timestamps: readonly XadesTimestamp[];
}

/** A structural defect of the properties, with what is wrong. */
export class XadesMalformed extends Error {}

const isXades = (el: XElement, local: string): boolean => (el.namespaceURI === XADES_NS || el.namespaceURI === XADES_141_NS) && el.localName === local;
const childrenNamed = (el: XElement, local: string): XElement[] => elementChildren(el).filter((c) => isXades(c, local));
const only = (el: XElement, local: string): XElement | undefined => {
  const found = childrenNamed(el, local);
  if (found.length > 1) throw new XadesMalformed(`more than one ${local} in ${el.localName}`);
  return found[0];
};

/** The text of an element that must hold text only. */
function textOf(el: XElement): string {
  let text = '';
  for (let i = 0; i < el.childNodes.length; i++) {
    const n = el.childNodes[i] as XNode;
    if (n.nodeType !== TEXT_NODE) throw new XadesMalformed(`${el.localName} holds something other than text`);
    text += n.nodeValue ?? '';
  }
  return text;
}

function base64Of(el: XElement): Uint8Array {
  const compact = textOf(el).replace(/[ \t\r\n]+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) throw new XadesMalformed(`${el.localName} is not base64`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** xsd:dateTime with a time zone (a SigningTime without one names no instant). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The XAdES properties of `signature` (in a `ds:Object/xades:QualifyingProperties`), or null
 * when it has none: a plain XML-DSig signature. Throws {@link XadesMalformed} for a structure
 * that cannot be read safely: two QualifyingProperties, two SignedProperties, a SigningTime that
 * is no instant, a certificate digest that is not base64.
 */
export function readXades(signature: XElement): XadesProperties | null {
  const objects = elementChildren(signature).filter((c) => c.namespaceURI === DSIG_NS && c.localName === 'Object');
  const qualifying = objects.flatMap((o) => childrenNamed(o, 'QualifyingProperties'));
  if (qualifying.length === 0) return null;
  if (qualifying.length > 1) throw new XadesMalformed(`${qualifying.length} QualifyingProperties in one Signature`);
  const q = qualifying[0] as XElement;
  const signedProperties = only(q, 'SignedProperties');
  if (!signedProperties) throw new XadesMalformed('QualifyingProperties without SignedProperties');
  const signedSignature = only(signedProperties, 'SignedSignatureProperties');

  let signingTime: Date | undefined;
  const time = signedSignature && only(signedSignature, 'SigningTime');
  if (time) {
    const text = textOf(time).trim();
    const at = DATE_TIME.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) throw new XadesMalformed(`SigningTime ${JSON.stringify(text.slice(0, 40))} is not a date and time with a time zone`);
    signingTime = at;
  }

  const v2 = signedSignature && only(signedSignature, 'SigningCertificateV2');
  const v1 = signedSignature && only(signedSignature, 'SigningCertificate');
  const certificates = v2 ?? v1;
  let signingCertificates: XadesCertDigest[] | null = null;
  if (certificates) {
    const certs = childrenNamed(certificates, 'Cert');
    if (certs.length === 0) throw new XadesMalformed(`${certificates.localName} names no certificate`);
    if (certs.length > MAX_XADES_ITEMS) throw new XadesMalformed(`${certificates.localName} names ${certs.length} certificates, more than ${MAX_XADES_ITEMS}`);
    signingCertificates = certs.map((cert) => {
      const certDigest = only(cert, 'CertDigest');
      const method = certDigest && elementChildren(certDigest).find((c) => c.namespaceURI === DSIG_NS && c.localName === 'DigestMethod');
      const value = certDigest && elementChildren(certDigest).find((c) => c.namespaceURI === DSIG_NS && c.localName === 'DigestValue');
      if (!method || !value) throw new XadesMalformed('a Cert without CertDigest (DigestMethod and DigestValue)');
      return { digestMethod: method.getAttribute('Algorithm') ?? '', digestValue: base64Of(value) };
    });
  }

  const timestamps: XadesTimestamp[] = [];
  const unsigned = only(q, 'UnsignedProperties');
  const unsignedSignature = unsigned && only(unsigned, 'UnsignedSignatureProperties');
  for (const stamp of unsignedSignature ? childrenNamed(unsignedSignature, 'SignatureTimeStamp').slice(0, MAX_XADES_ITEMS) : []) {
    const c14n = elementChildren(stamp).find((c) => c.namespaceURI === DSIG_NS && c.localName === 'CanonicalizationMethod');
    for (const encapsulated of childrenNamed(stamp, 'EncapsulatedTimeStamp').slice(0, MAX_XADES_ITEMS - timestamps.length)) {
      timestamps.push({ canonicalization: c14n?.getAttribute('Algorithm') ?? null, token: base64Of(encapsulated) });
    }
  }
  return { signedProperties, target: q.getAttribute('Target'), ...(signingTime ? { signingTime } : {}), signingCertificates, timestamps };
}

/** Whether the digest method of a certificate digest is one the verifier computes. */
export function certDigestName(method: string): (typeof DIGESTS)[string] | undefined {
  return DIGESTS[method];
}
