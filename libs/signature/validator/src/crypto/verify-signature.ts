import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes';
import type { SignatureScheme } from './algorithms';
import { OID } from './oids';

/** The outcome of one signature check. */
export type SignatureCheck =
  | { readonly ok: true; readonly keyBits: number }
  | { readonly ok: false; readonly reason: 'invalid' | 'unsupported'; readonly message: string };

const CURVES: Readonly<Record<string, { name: string; size: number }>> = {
  [OID.p256]: { name: 'P-256', size: 32 },
  [OID.p384]: { name: 'P-384', size: 48 },
  [OID.p521]: { name: 'P-521', size: 66 },
};

/** How an ECDSA signature value is encoded: DER `SEQUENCE { r, s }` (CMS, X.509) or r‖s (XML-DSig, RFC 4050). */
export type EcdsaEncoding = 'der' | 'raw';

/**
 * Checks `signature` over `data` with the public key `spki` under `scheme`, through Node's
 * WebCrypto. Never throws: a key that does not import, or one of the wrong type, is
 * `unsupported`; a signature that does not verify (or is not even well-formed) is `invalid`.
 */
export async function verifySignature(spki: pkijs.PublicKeyInfo, scheme: SignatureScheme, data: Uint8Array, signature: Uint8Array, ecdsaEncoding: EcdsaEncoding = 'der'): Promise<SignatureCheck> {
  const keyOid = spki.algorithm.algorithmId;
  try {
    if (scheme.kind === 'ECDSA') {
      if (keyOid !== OID.ecPublicKey) return { ok: false, reason: 'unsupported', message: `an ECDSA signature with a ${keyOid} key` };
      const curveOid = spki.algorithm.algorithmParams instanceof asn1js.ObjectIdentifier ? spki.algorithm.algorithmParams.valueBlock.toString() : '';
      const curve = CURVES[curveOid];
      if (!curve) return { ok: false, reason: 'unsupported', message: `unsupported elliptic curve ${curveOid || '(none named)'}` };
      const raw = ecdsaEncoding === 'raw' ? (signature.length === 2 * curve.size ? signature : null) : ecdsaDerToRaw(signature, curve.size);
      if (!raw) return { ok: false, reason: 'invalid', message: ecdsaEncoding === 'raw' ? `the ECDSA signature is not r and s of ${curve.size} bytes each` : 'the ECDSA signature is not a DER SEQUENCE of two integers of the curve size' };
      const key = await importKey(spki, { name: 'ECDSA', namedCurve: curve.name });
      const ok = await webcrypto.subtle.verify({ name: 'ECDSA', hash: scheme.hash }, key, toArrayBuffer(raw), toArrayBuffer(data));
      return ok ? { ok: true, keyBits: curve.size * 8 } : { ok: false, reason: 'invalid', message: 'the ECDSA signature does not verify' };
    }
    if (keyOid !== OID.rsaEncryption && keyOid !== OID.rsassaPss) return { ok: false, reason: 'unsupported', message: `an RSA signature with a ${keyOid} key` };
    const key = await importKey(spki, { name: scheme.kind, hash: scheme.hash });
    const params = scheme.kind === 'RSA-PSS' ? { name: 'RSA-PSS', saltLength: scheme.saltLength } : { name: 'RSASSA-PKCS1-v1_5' };
    const ok = await webcrypto.subtle.verify(params, key, toArrayBuffer(signature), toArrayBuffer(data));
    const bits = (key.algorithm as webcrypto.RsaHashedKeyAlgorithm).modulusLength;
    return ok ? { ok: true, keyBits: bits } : { ok: false, reason: 'invalid', message: `the ${scheme.kind} signature does not verify` };
  } catch (e) {
    return { ok: false, reason: 'unsupported', message: `the public key could not be used: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function spkiDer(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(spki.toSchema().toBER(false));
}

// Imported keys, per public key object (a certificate is parsed once and cached, so its key is
// imported once) and algorithm.
const KEYS = new WeakMap<pkijs.PublicKeyInfo, Map<string, Promise<webcrypto.CryptoKey>>>();
function importKey(spki: pkijs.PublicKeyInfo, algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams): Promise<webcrypto.CryptoKey> {
  const id = JSON.stringify(algorithm);
  let byAlgorithm = KEYS.get(spki);
  if (!byAlgorithm) KEYS.set(spki, (byAlgorithm = new Map()));
  let key = byAlgorithm.get(id);
  if (!key) {
    key = webcrypto.subtle.importKey('spki', toArrayBuffer(spkiDer(spki)), algorithm, false, ['verify']);
    byAlgorithm.set(id, key);
    // A key that does not import is not remembered: the failure is reported each time.
    key.catch(() => byAlgorithm?.delete(id));
  }
  return key;
}

/**
 * CMS and X.509 carry ECDSA signatures as `SEQUENCE { r INTEGER, s INTEGER }`; WebCrypto wants
 * r and s as fixed-size big-endian halves. Null for anything but exactly that shape.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  if (der.length > 2 * size + 16) return null;
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(der), { maxDepth: 3, maxNodes: 4 });
  } catch {
    return null;
  }
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.Sequence)) return null;
  const items = parsed.result.valueBlock.value;
  if (items.length !== 2) return null;
  const raw = new Uint8Array(2 * size);
  for (const [i, item] of items.entries()) {
    if (!(item instanceof asn1js.Integer)) return null;
    let bytes = item.valueBlock.valueHexView;
    if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) return null; // empty or negative
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    if (bytes.length > size) return null;
    raw.set(bytes, i * size + size - bytes.length);
  }
  return raw;
}
