// Test support: enveloped XML-DSig signatures made by xml-crypto's own signer (an implementation
// independent of the verifier's checks) with the sandbox hierarchy's keys. Not exported.
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import type { SigningCredential } from '@vdx/pki';
import { SignedXml } from 'xml-crypto';

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
  });
  if (ec) (sig.SignatureAlgorithms as Record<string, unknown>)[signatureAlgorithm] = ecdsa(hash);
  if (opts.reference === 'envelope') sig.addReference({ xpath: "//*[local-name(.)='edXMLEnvelope']", transforms: [ENVELOPED, c14n], digestAlgorithm: DIGEST_URI[hash] });
  else sig.addReference({ xpath: '/*', transforms: [ENVELOPED, c14n], digestAlgorithm: DIGEST_URI[hash], isEmptyUri: true });
  sig.computeSignature(xml, { location: { reference: opts.location ?? "//*[local-name(.)='edXMLHeader']", action: 'append' } });
  return sig.getSignedXml();
}
