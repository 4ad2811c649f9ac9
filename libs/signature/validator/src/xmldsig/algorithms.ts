// XML-DSig algorithm identifiers (XMLDSig 1.1, RFC 6931) the verifier handles.
import type { DigestName } from '../bytes';
import type { SignatureScheme } from '../crypto/algorithms';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const DSIG_MORE_2007_NS = 'http://www.w3.org/2007/05/xmldsig-more#';
export const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
export const C14N11 = 'http://www.w3.org/2006/12/xml-c14n11';
export const C14N11_WITH_COMMENTS = 'http://www.w3.org/2006/12/xml-c14n11#WithComments';

/**
 * Canonicalisations: inclusive (Canonical XML 1.0 or 1.1, which differ only in the xml:*
 * attributes a document subset's apex takes from its ancestors) or exclusive, with or without
 * comments.
 */
export const CANONICALIZATIONS: Readonly<Record<string, { readonly exclusive: boolean; readonly comments: boolean; readonly version: '1.0' | '1.1' }>> = {
  [C14N]: { exclusive: false, comments: false, version: '1.0' },
  [C14N_WITH_COMMENTS]: { exclusive: false, comments: true, version: '1.0' },
  [C14N11]: { exclusive: false, comments: false, version: '1.1' },
  [C14N11_WITH_COMMENTS]: { exclusive: false, comments: true, version: '1.1' },
  [EXC_C14N]: { exclusive: true, comments: false, version: '1.0' },
  [EXC_C14N_WITH_COMMENTS]: { exclusive: true, comments: true, version: '1.0' },
};

export const DIGESTS: Readonly<Record<string, DigestName>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'SHA-1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'SHA-256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'SHA-384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'SHA-512',
};

const HASH_BYTES: Readonly<Record<DigestName, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** Signature methods whose scheme follows from the URI alone. */
const SIGNATURES: Readonly<Record<string, SignatureScheme>> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1': { kind: 'ECDSA', hash: 'SHA-1' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { kind: 'ECDSA', hash: 'SHA-256' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { kind: 'ECDSA', hash: 'SHA-384' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { kind: 'ECDSA', hash: 'SHA-512' },
  // RFC 6931 §2.3.10: RSASSA-PSS, MGF1 with the same hash, salt as long as the hash, trailer 0xBC.
  [`${DSIG_MORE_2007_NS}sha1-rsa-MGF1`]: { kind: 'RSA-PSS', hash: 'SHA-1', saltLength: HASH_BYTES['SHA-1'] },
  [`${DSIG_MORE_2007_NS}sha256-rsa-MGF1`]: { kind: 'RSA-PSS', hash: 'SHA-256', saltLength: HASH_BYTES['SHA-256'] },
  [`${DSIG_MORE_2007_NS}sha384-rsa-MGF1`]: { kind: 'RSA-PSS', hash: 'SHA-384', saltLength: HASH_BYTES['SHA-384'] },
  [`${DSIG_MORE_2007_NS}sha512-rsa-MGF1`]: { kind: 'RSA-PSS', hash: 'SHA-512', saltLength: HASH_BYTES['SHA-512'] },
};

/** RFC 6931 §2.3.10 / RFC 9231: RSASSA-PSS with its parameters in an `RSAPSSParams` child. */
export const RSA_PSS = `${DSIG_MORE_2007_NS}rsa-pss`;
export const MGF1 = `${DSIG_MORE_2007_NS}MGF1`;

/** The scheme of a SignatureMethod without parameters, or null. */
export function signatureSchemeOf(uri: string): SignatureScheme | null {
  return SIGNATURES[uri] ?? null;
}

/** RSASSA-PSS from its parameters: the digest (default SHA-256), the salt (default the digest's length). */
export function pssScheme(hash: DigestName, saltLength: number | undefined): SignatureScheme {
  return { kind: 'RSA-PSS', hash, saltLength: saltLength ?? HASH_BYTES[hash] };
}

/** Whether the method is an HMAC: keyed with a shared secret, nothing a certificate can vouch for. */
export function isHmac(uri: string): boolean {
  return /#hmac-/i.test(uri);
}
