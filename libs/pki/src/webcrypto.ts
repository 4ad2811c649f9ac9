import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// @peculiar/x509's CommonJS build loads `reflect-metadata` itself (tsyringe needs it), so no
// import of it is needed here. It does need a WebCrypto provider: Node's own.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Node's WebCrypto `CryptoKey`. */
export type Key = webcrypto.CryptoKey;

/** ECDSA on P-256: small keys, fast signatures, accepted by OpenSSL, grpc-js and every browser. */
export const EC_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** Certificates are signed with ECDSA over SHA-256. */
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The configured x509 module (the provider is set once, on first import of this file). */
export { x509, webcrypto };

/** A new extractable P-256 key pair for signing. */
export async function generateKeyPair(): Promise<{ privateKey: Key; publicKey: Key }> {
  return webcrypto.subtle.generateKey(EC_KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** The PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) of a private key. */
export async function privateKeyToPem(key: Key): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

/** A signing key from a PKCS#8 PEM of a P-256 key; throws when it is not one. */
export async function privateKeyFromPem(pem: string): Promise<Key> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, EC_KEY_ALGORITHM, false, ['sign']);
}
