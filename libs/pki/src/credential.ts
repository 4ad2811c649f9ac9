import { certificateDer, certificateFingerprint } from './inspect';
import { x509 } from './webcrypto';

/** A certificate with its private key, as PEM, and the facts callers record about it. */
export interface IssuedCredential {
  /** The certificate, `-----BEGIN CERTIFICATE-----`. */
  readonly certPem: string;
  /** The private key, PKCS#8 `-----BEGIN PRIVATE KEY-----`. */
  readonly keyPem: string;
  /** SHA-256 over the certificate's DER bytes: 64 lower-case hex digits. */
  readonly fingerprint: string;
  /** The certificate serial number, lower-case hex. */
  readonly serialNumber: string;
  /** The last moment the certificate is valid. */
  readonly notAfter: Date;
}

/** The CA a certificate is issued by: its certificate and private key as PEM. */
export interface CaPems {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The {@link IssuedCredential} of a certificate PEM and its key PEM. */
export function describeCredential(certPem: string, keyPem: string): IssuedCredential {
  const cert = new x509.X509Certificate(certificateDer(certPem));
  return { certPem, keyPem, fingerprint: certificateFingerprint(certPem), serialNumber: cert.serialNumber.toLowerCase(), notAfter: cert.notAfter };
}
