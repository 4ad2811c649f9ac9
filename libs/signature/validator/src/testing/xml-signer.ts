// Test support: enveloped XML-DSig signatures made by xml-crypto's own signer (an implementation
// independent of the verifier's checks) with the sandbox hierarchy's keys. Not exported.
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SigningCredential } from '@vdx/pki';
import { C14nCanonicalization, findAncestorNs, SignedXml } from 'xml-crypto';
import { makeTimestampToken, type TimestampOptions } from './cms-builder';

export type XmlHash = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** How to sign. Defaults: SHA-256, exclusive C14N, a reference to the whole document (`URI=""`). */
export interface XmlSignOptions {
  readonly signer: SigningCredential;
  /** Certificates in KeyInfo after the signer's. Default none. */
  readonly chain?: readonly SigningCredential[];
  readonly hash?: XmlHash;
  /** RSA only: PKCS#1 v1.5 (default) or PSS (`sha256-rsa-MGF1`, SHA-256 only). */
  readonly rsaScheme?: 'pkcs1' | 'pss';
  readonly canonicalization?: 'exclusive' | 'inclusive';
  /** `document`: `URI=""`; `envelope`: the edXMLEnvelope by an Id xml-crypto gives it. */
  readonly reference?: 'document' | 'envelope';
  /** Where the Signature goes (an XPath); default the edXML header. */
  readonly location?: string;
  /** XAdES qualifying properties in an Object of the Signature (`Id="sig-1"`). Default none. */
  readonly xades?: XadesSignOptions;
}

/** The XAdES SignedProperties to sign. */
export interface XadesSignOptions {
  readonly signingTime?: Date;
  /** The certificate SigningCertificateV2 names (SHA-256 of its DER); default the signer's, null none. */
  readonly signingCertificate?: SigningCredential | null;
  /** Leave the SignedProperties out of SignedInfo (no reference signs them). */
  readonly unreferenced?: boolean;
  /** The SignedProperties reference without its Type attribute. */
  readonly untyped?: boolean;
  /** Replaces the content of SignedSignatureProperties (hostile or odd properties). */
  readonly rawSignedSignatureProperties?: string;
  /** A second QualifyingProperties in another Object. */
  readonly twice?: boolean;
}

const DIGEST_URI: Record<XmlHash, string> = {
  'SHA-1': 'http://www.w3.org/2000/09/xmldsig#sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmlenc#sha256',
  'SHA-512': 'http://www.w3.org/2001/04/xmlenc#sha512',
};
const RSA_URI: Record<XmlHash, string> = {
  'SHA-1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'SHA-512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
};
const ECDSA_URI: Record<XmlHash, string> = {
  'SHA-1': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'SHA-512': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
};
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const PSS_URI = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';
const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

interface MiniDom {
  DOMParser: new () => { parseFromString(text: string, type: string): MiniNode };
  XMLSerializer: new () => { serializeToString(node: MiniNode): string };
}
interface MiniNode {
  getElementsByTagNameNS(ns: string, local: string): ArrayLike<MiniNode>;
  cloneNode(deep: boolean): MiniNode;
  appendChild(node: MiniNode): MiniNode;
  readonly ownerDocument: MiniNode & { createElementNS(ns: string, name: string): MiniNode & { setAttribute(name: string, value: string): void; textContent: string } };
}
const xmldom = createRequire(__filename)('@xmldom/xmldom') as MiniDom;

/** The QualifyingProperties of a XAdES signature, as the content of its Object. */
function qualifyingProperties(opts: XadesSignOptions, signer: SigningCredential): string {
  const cert = opts.signingCertificate === undefined ? signer : opts.signingCertificate;
  const time = opts.signingTime ? `<xades:SigningTime>${opts.signingTime.toISOString()}</xades:SigningTime>` : '';
  const binding = cert
    ? `<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><DigestMethod Algorithm="${DIGEST_URI['SHA-256']}"/><DigestValue>${createHash('sha256').update(cert.certDer).digest('base64')}</DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2>`
    : '';
  return `<xades:QualifyingProperties xmlns:xades="${XADES_NS}" Target="#sig-1"><xades:SignedProperties Id="xades-sp-1"><xades:SignedSignatureProperties>${opts.rawSignedSignatureProperties ?? `${time}${binding}`}</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties>`;
}

/**
 * A XAdES signature made B-T: an RFC 3161 token from `tsa` over the SignatureValue element
 * canonicalised by Canonical XML 1.0 (xml-crypto's canonicaliser, the default of EN 319 132-1),
 * added as a SignatureTimeStamp in the UnsignedProperties. `over` stamps other octets instead
 * (a token over something else).
 */
export async function addSignatureTimestamp(signedXml: string, tsa: TimestampOptions | ((stamped: Uint8Array) => Promise<Uint8Array>), over?: Uint8Array): Promise<string> {
  const doc = new xmldom.DOMParser().parseFromString(signedXml, 'text/xml');
  const value = doc.getElementsByTagNameNS(DSIG_NS, 'SignatureValue')[0];
  const qualifying = doc.getElementsByTagNameNS(XADES_NS, 'QualifyingProperties')[0];
  if (!value || !qualifying) throw new Error('addSignatureTimestamp: not a XAdES signature');
  const ancestors = findAncestorNs(doc as never, "//*[local-name(.)='SignatureValue']");
  const canonical = new C14nCanonicalization().process(value.cloneNode(true) as never, { ancestorNamespaces: ancestors });
  const stamped = over ?? new Uint8Array(Buffer.from(canonical, 'utf8'));
  const token = typeof tsa === 'function' ? await tsa(stamped) : await makeTimestampToken(stamped, tsa);
  const make = (name: string) => qualifying.ownerDocument.createElementNS(XADES_NS, `xades:${name}`);
  const unsigned = make('UnsignedProperties');
  const unsignedSignature = make('UnsignedSignatureProperties');
  const stamp = make('SignatureTimeStamp');
  const c14n = qualifying.ownerDocument.createElementNS(DSIG_NS, 'CanonicalizationMethod');
  c14n.setAttribute('Algorithm', C14N);
  const encapsulated = make('EncapsulatedTimeStamp');
  encapsulated.textContent = Buffer.from(token).toString('base64');
  stamp.appendChild(c14n);
  stamp.appendChild(encapsulated);
  unsignedSignature.appendChild(stamp);
  unsigned.appendChild(unsignedSignature);
  qualifying.appendChild(unsigned);
  return new xmldom.XMLSerializer().serializeToString(doc);
}

const pem = (der: Uint8Array): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

/** ECDSA for xml-crypto, which has none: r‖s (IEEE P1363), as XML-DSig wants it (RFC 4050). */
function ecdsa(hash: XmlHash): new () => { getSignature(signedInfo: string, key: string): string; verifySignature(): boolean; getAlgorithmName(): string } {
  return class {
    getSignature(signedInfo: string, key: string): string {
      return nodeSign(hash.replace('-', '').toLowerCase(), Buffer.from(signedInfo, 'utf8'), { key: createPrivateKey(key), dsaEncoding: 'ieee-p1363' }).toString('base64');
    }
    verifySignature(): boolean {
      return false;
    }
    getAlgorithmName(): string {
      return ECDSA_URI[hash];
    }
  };
}

/** The XML with an enveloped Signature appended to the element at `location`. */
export function signEnvelopedXml(xml: string, opts: XmlSignOptions): string {
  const hash = opts.hash ?? 'SHA-256';
  const ec = opts.signer.keyAlgorithm === 'ecdsa-p256';
  const signatureAlgorithm = ec ? ECDSA_URI[hash] : opts.rsaScheme === 'pss' ? PSS_URI : RSA_URI[hash];
  const c14n = opts.canonicalization === 'inclusive' ? C14N : EXC_C14N;
  const sig = new SignedXml({
    privateKey: opts.signer.keyPem,
    publicCert: [opts.signer, ...(opts.chain ?? [])].map((c) => pem(c.certDer)).join(''),
    signatureAlgorithm,
    canonicalizationAlgorithm: c14n,
    ...(opts.xades ? { objects: (opts.xades.twice ? [1, 2] : [1]).map(() => ({ content: qualifyingProperties(opts.xades!, opts.signer) })) } : {}),
  });
  if (ec) (sig.SignatureAlgorithms as Record<string, unknown>)[signatureAlgorithm] = ecdsa(hash);
  if (opts.reference === 'envelope') sig.addReference({ xpath: "//*[local-name(.)='edXMLEnvelope']", transforms: [ENVELOPED, c14n], digestAlgorithm: DIGEST_URI[hash] });
  else sig.addReference({ xpath: '/*', transforms: [ENVELOPED, c14n], digestAlgorithm: DIGEST_URI[hash], isEmptyUri: true });
  if (opts.xades && !opts.xades.unreferenced) {
    sig.addReference({ xpath: "//*[local-name(.)='SignedProperties']", transforms: [c14n], digestAlgorithm: DIGEST_URI[hash], ...(opts.xades.untyped ? {} : { type: SIGNED_PROPERTIES_TYPE }) });
  }
  sig.computeSignature(xml, { location: { reference: opts.location ?? "//*[local-name(.)='edXMLHeader']", action: 'append' }, ...(opts.xades ? { attrs: { Id: 'sig-1' } } : {}) });
  return sig.getSignedXml();
}
