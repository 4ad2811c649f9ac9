import { loadCertificateAuthority } from './certificate-authority';
import { describeCredential, type CaPems, type IssuedCredential } from './credential';
import { randomSerialNumber, validityPeriod } from './validity';
import { generateKeyPair, privateKeyToPem, SIGNING_ALGORITHM, x509 } from './webcrypto';

/** What differs between end-entity certificates: subject, purpose and names. */
export interface LeafProfile {
  readonly commonName: string;
  /** One purpose, or several (a service identity is both a TLS server and a TLS client). */
  readonly extendedKeyUsage: x509.ExtendedKeyUsage | readonly x509.ExtendedKeyUsage[];
  readonly subjectAltNames: x509.JsonGeneralNames;
  readonly validDays: number;
  readonly now: Date | undefined;
}

/**
 * Issues an end-entity certificate signed by the CA: a new P-256 key, `basicConstraints
 * cA:FALSE`, `keyUsage digitalSignature`, the profile's extended key usage and SAN, and the
 * subject and authority key identifiers.
 */
export async function issueLeafCertificate(ca: CaPems, profile: LeafProfile): Promise<IssuedCredential> {
  const { notBefore, notAfter } = validityPeriod(profile.now, profile.validDays);
  const issuer = await loadCertificateAuthority(ca);
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [profile.commonName] }],
    issuer: issuer.cert.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(([] as x509.ExtendedKeyUsage[]).concat(profile.extendedKeyUsage), false),
      new x509.SubjectAlternativeNameExtension(profile.subjectAltNames, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
    ],
  });
  return describeCredential(`${cert.toString('pem')}\n`, await privateKeyToPem(keys.privateKey));
}
