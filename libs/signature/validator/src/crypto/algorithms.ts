import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { DigestName } from '../bytes';
import { OID } from './oids';

const DIGEST_BY_OID: Readonly<Record<string, DigestName>> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

/** The digest an AlgorithmIdentifier names, or null for one the validator does not compute. */
export function digestOfOid(oid: string): DigestName | null {
  return DIGEST_BY_OID[oid] ?? null;
}

/** How a signature value is checked. */
export type SignatureScheme =
  | { readonly kind: 'RSASSA-PKCS1-v1_5'; readonly hash: DigestName }
  | { readonly kind: 'RSA-PSS'; readonly hash: DigestName; readonly saltLength: number }
  | { readonly kind: 'ECDSA'; readonly hash: DigestName };

/** A scheme, or why the algorithm is not supported. */
export type SchemeResult = { readonly ok: true; readonly scheme: SignatureScheme } | { readonly ok: false; readonly message: string };

const RSA_PKCS1_BY_OID: Readonly<Record<string, DigestName>> = {
  [OID.sha1WithRSAEncryption]: 'SHA-1',
  [OID.sha256WithRSAEncryption]: 'SHA-256',
  [OID.sha384WithRSAEncryption]: 'SHA-384',
  [OID.sha512WithRSAEncryption]: 'SHA-512',
};

const ECDSA_BY_OID: Readonly<Record<string, DigestName>> = {
  [OID.ecdsaWithSha1]: 'SHA-1',
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
  [OID.ecdsaWithSha512]: 'SHA-512',
};

/**
 * The scheme of a signature AlgorithmIdentifier. CMS signers often name only the key type
 * (`rsaEncryption`, `id-ecPublicKey`) and leave the hash to the SignerInfo's digest
 * algorithm, which `digestHint` carries; certificates always name both.
 */
export function signatureScheme(algorithm: pkijs.AlgorithmIdentifier, digestHint: DigestName | null): SchemeResult {
  const oid = algorithm.algorithmId;
  const pkcs1 = RSA_PKCS1_BY_OID[oid];
  if (pkcs1) return { ok: true, scheme: { kind: 'RSASSA-PKCS1-v1_5', hash: pkcs1 } };
  const ecdsa = ECDSA_BY_OID[oid];
  if (ecdsa) return { ok: true, scheme: { kind: 'ECDSA', hash: ecdsa } };
  if (oid === OID.rsaEncryption || oid === OID.ecPublicKey) {
    if (!digestHint) return { ok: false, message: `signature algorithm ${oid} without a supported digest algorithm` };
    return { ok: true, scheme: { kind: oid === OID.rsaEncryption ? 'RSASSA-PKCS1-v1_5' : 'ECDSA', hash: digestHint } };
  }
  if (oid === OID.rsassaPss) return pssScheme(algorithm);
  return { ok: false, message: `unsupported signature algorithm ${oid}` };
}

/** RSASSA-PSS-params (RFC 4055): WebCrypto only does MGF1 with the message hash, trailer 1. */
function pssScheme(algorithm: pkijs.AlgorithmIdentifier): SchemeResult {
  let params: pkijs.RSASSAPSSParams;
  try {
    params = algorithm.algorithmParams instanceof asn1js.Sequence ? new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams }) : new pkijs.RSASSAPSSParams();
  } catch {
    return { ok: false, message: 'unreadable RSASSA-PSS parameters' };
  }
  const hash = digestOfOid(params.hashAlgorithm.algorithmId);
  if (!hash) return { ok: false, message: `RSASSA-PSS with unsupported hash ${params.hashAlgorithm.algorithmId}` };
  if (params.maskGenAlgorithm.algorithmId !== OID.mgf1) return { ok: false, message: `RSASSA-PSS with unsupported mask generation ${params.maskGenAlgorithm.algorithmId}` };
  let mgfHash: DigestName | null = 'SHA-1';
  const mgfParams = params.maskGenAlgorithm.algorithmParams;
  if (mgfParams instanceof asn1js.Sequence) {
    try {
      mgfHash = digestOfOid(new pkijs.AlgorithmIdentifier({ schema: mgfParams }).algorithmId);
    } catch {
      mgfHash = null;
    }
  }
  if (mgfHash !== hash) return { ok: false, message: 'RSASSA-PSS whose MGF1 hash differs from the message hash' };
  if (params.trailerField !== 1) return { ok: false, message: `RSASSA-PSS trailer field ${params.trailerField}` };
  if (!Number.isSafeInteger(params.saltLength) || params.saltLength < 0 || params.saltLength > 1024) return { ok: false, message: 'RSASSA-PSS salt length out of range' };
  return { ok: true, scheme: { kind: 'RSA-PSS', hash, saltLength: params.saltLength } };
}
