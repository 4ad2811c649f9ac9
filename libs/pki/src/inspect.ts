import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { PkiError, PkiErrorCode } from './pki.error';
import { x509 } from './webcrypto';

/** The URI prefix a system certificate names its system with: `urn:vdx:system:<systemId>`. */
export const SYSTEM_URI_PREFIX = 'urn:vdx:system:';

/** The DER bytes of a certificate given as PEM text or DER bytes. */
export function certificateDer(cert: string | Buffer): Buffer {
  try {
    return new NodeX509Certificate(cert).raw;
  } catch (cause) {
    throw new PkiError(PkiErrorCode.BAD_CERTIFICATE, 'not a readable X.509 certificate (PEM or DER)', { cause });
  }
}

/**
 * The SHA-256 fingerprint of a certificate (PEM or DER): 64 lower-case hex digits over the DER
 * bytes, no colons. This is what the directory stores as a system's `credentialFingerprint`.
 */
export function certificateFingerprint(cert: string | Buffer): string {
  return fingerprintOfDer(certificateDer(cert));
}

/**
 * The same fingerprint over DER bytes already known to be a certificate (a TLS peer's `raw`),
 * without parsing them again: a parse costs more than the rest of a small gRPC call.
 */
export function fingerprintOfDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The system id a client certificate names: from its SAN URI `urn:vdx:system:<id>`, else its
 * subject CN; `null` when it has neither. Takes PEM text or DER bytes (grpc-js and `node:tls`
 * give the peer certificate's DER as `raw`).
 */
export function systemIdOf(cert: string | Buffer): string | null {
  const parsed = new x509.X509Certificate(certificateDer(cert));
  const san = parsed.getExtension(x509.SubjectAlternativeNameExtension);
  for (const name of san?.names.items ?? []) {
    if (name.type === 'url' && name.value.startsWith(SYSTEM_URI_PREFIX) && name.value.length > SYSTEM_URI_PREFIX.length) {
      return name.value.slice(SYSTEM_URI_PREFIX.length);
    }
  }
  const cn = parsed.subjectName.getField('CN')[0];
  return cn ?? null;
}
