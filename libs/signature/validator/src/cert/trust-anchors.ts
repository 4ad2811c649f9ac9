import { equalBytes } from '../bytes';
import { DEFAULT_LIMITS } from '../limits';
import { ValidatorError, ValidatorErrorCode } from '../validator.error';
import { parseCertificate, publicKeyBits, sameName, type DistinguishedName, type ParsedCertificate } from './certificate';
import { certificatesFromPem } from './pem';

/** The certificates a path must end at: the national root (NEAC), the Government Cipher Committee root... */
export interface TrustAnchors {
  readonly certificates: readonly ParsedCertificate[];
}

/**
 * Reads a PEM bundle of trust anchors. Configuration, read once: throws
 * `VALIDATOR.BAD_TRUST_ANCHOR` when the bundle has no certificate or an unreadable one.
 */
export function trustAnchorsFromPem(pem: string): TrustAnchors {
  const ders = certificatesFromPem(pem);
  if (ders.length === 0) throw new ValidatorError(ValidatorErrorCode.BAD_TRUST_ANCHOR, 'the trust-anchor bundle holds no CERTIFICATE block');
  const certificates = ders.map((der, i) => {
    const parsed = parseCertificate(der, DEFAULT_LIMITS);
    if (!parsed.ok) throw new ValidatorError(ValidatorErrorCode.BAD_TRUST_ANCHOR, `trust anchor #${i + 1}: ${parsed.message}`);
    return parsed.cert;
  });
  return { certificates };
}

/** Whether `cert` is one of the anchors: the same certificate, or the same name and key. */
export function isTrustAnchor(anchors: TrustAnchors, cert: ParsedCertificate): boolean {
  // A re-issued root keeps its name and key; a path ending at either copy ends at the anchor.
  return anchors.certificates.some((a) => a.fingerprint === cert.fingerprint || (sameName(a.subject, cert.subject) && equalBytes(publicKeyBits(a), publicKeyBits(cert))));
}

/** Anchors whose subject is `name`. */
export function anchorsNamed(anchors: TrustAnchors, name: DistinguishedName): ParsedCertificate[] {
  return anchors.certificates.filter((a) => sameName(a.subject, name));
}
