// What revocation and intermediate adapters need from the validator's core, so OCSP responses
// and CRLs are read and their signatures checked with the same strict code as certificates.
import type * as pkijs from 'pkijs';
import { signatureScheme } from './crypto/algorithms';
import { verifySignature } from './crypto/verify-signature';
import type { ParsedCertificate } from './cert/certificate';

export { parseBer, type BerLimits, type BerResult } from './asn1/ber-guard';
export { certificatesFromPem } from './cert/pem';
export { distinguishedName, publicKeyBits, sameName } from './cert/certificate';
export { digest, equalBytes, toArrayBuffer, toHex } from './bytes';

/** Whether `signature` over `data` verifies with the certificate's key under `algorithm`. */
export type SignedBytesCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'invalid' | 'unsupported'; readonly message: string };

/**
 * Checks a signature made with `signer`'s key (an OCSP response's, a CRL's): the algorithm
 * must name its digest (as certificates and OCSP/CRL signatures always do). Never throws.
 */
export async function verifySignedBytes(signer: ParsedCertificate, algorithm: pkijs.AlgorithmIdentifier, data: Uint8Array, signature: Uint8Array): Promise<SignedBytesCheck> {
  const scheme = signatureScheme(algorithm, null);
  if (!scheme.ok) return { ok: false, reason: 'unsupported', message: scheme.message };
  const check = await verifySignature(signer.publicKey, scheme.scheme, data, signature);
  return check.ok ? { ok: true } : check;
}
