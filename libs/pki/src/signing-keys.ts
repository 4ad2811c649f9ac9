import { createPublicKey } from 'node:crypto';
import { PkiError, PkiErrorCode } from './pki.error';
import { webcrypto, x509, type Key } from './webcrypto';

/**
 * The key types of the sandbox signing hierarchy: ECDSA on P-256 (fast, small) and RSA-2048
 * (what most national CAs still issue). An RSA key signs certificates with PKCS#1 v1.5; a
 * document signer may use it for RSA-PSS as well, since the SPKI is plain `rsaEncryption`.
 */
export type SigningKeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

/** Every {@link SigningKeyAlgorithm}, for tests that run once per key type. */
export const SIGNING_KEY_ALGORITHMS: readonly SigningKeyAlgorithm[] = ['ecdsa-p256', 'rsa-2048'];

const RSA_PKCS1 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The WebCrypto parameters a key of this type is generated and imported with. */
function keyParams(algorithm: SigningKeyAlgorithm): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  return algorithm === 'rsa-2048' ? RSA_PKCS1 : ECDSA_P256;
}

/** The algorithm a key of this type signs certificates with (always SHA-256). */
export function certificateSigningAlgorithm(algorithm: SigningKeyAlgorithm): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return algorithm === 'rsa-2048' ? RSA_PKCS1 : { name: 'ECDSA', hash: 'SHA-256' };
}

/** A new extractable key pair of the given type. */
export async function generateSigningKeyPair(algorithm: SigningKeyAlgorithm): Promise<{ privateKey: Key; publicKey: Key }> {
  if (algorithm === 'rsa-2048') {
    return webcrypto.subtle.generateKey({ ...RSA_PKCS1, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  }
  return webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
}

/** A certificate-signing key from its PKCS#8 PEM; `PKI.BAD_CA` when it is not a key of that type. */
export async function signingKeyFromPem(pem: string, algorithm: SigningKeyAlgorithm): Promise<Key> {
  try {
    return await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), keyParams(algorithm), false, ['sign']);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.BAD_CA, `the issuer key is not a readable PKCS#8 ${algorithm} private key`, { cause });
  }
}

/**
 * The key pair of an existing PKCS#8 PEM: the private key as given (for self-signing) and the
 * public key derived from it. `PKI.INVALID_OPTION` when it is not a key of that type.
 */
export async function existingKeyPair(pem: string, algorithm: SigningKeyAlgorithm): Promise<{ privateKey: Key; publicKey: Key }> {
  try {
    const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    const publicKey = await webcrypto.subtle.importKey('spki', spki, keyParams(algorithm), true, ['verify']);
    const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), keyParams(algorithm), false, ['sign']);
    return { privateKey, publicKey };
  } catch (cause) {
    throw new PkiError(PkiErrorCode.INVALID_OPTION, `subjectKeyPem is not a readable PKCS#8 ${algorithm} private key`, { cause });
  }
}
