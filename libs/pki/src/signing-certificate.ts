import { certificateFingerprint } from './inspect';
import { PkiError, PkiErrorCode } from './pki.error';
import { certificateSigningAlgorithm, existingKeyPair, generateSigningKeyPair, signingKeyFromPem, type SigningKeyAlgorithm } from './signing-keys';
import { randomSerialNumber, validityPeriod } from './validity';
import { privateKeyToPem, x509, type Key } from './webcrypto';

/** The key usages a signing-hierarchy certificate may carry (RFC 5280 §4.2.1.3 names). */
export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';

/**
 * A subject: attribute short names (`CN`, `O`, `OU`, `C`, `L`, `ST`, `T`, `SERIALNUMBER`,
 * `E`) or dotted OIDs (e.g. `0.9.2342.19200300.100.1.1` for UID) to values, one RDN each, in
 * the order given.
 */
export type SubjectAttributes = Readonly<Record<string, string>>;

/** A raw extension, for certificates that must look odd (unknown critical, oversized). */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The DER of the extension value (what goes inside the OCTET STRING). */
  readonly valueDer: Uint8Array;
}

/** Options of {@link issueSigningCertificate}. */
export interface SigningCertificateOptions {
  readonly subject: SubjectAttributes;
  /** Default `ecdsa-p256`. */
  readonly keyAlgorithm?: SigningKeyAlgorithm;
  /**
   * Certify an existing key (PKCS#8 PEM of `keyAlgorithm`) instead of a new one: a re-issued or
   * cross-certified CA, or a loop of CAs certifying each other.
   */
  readonly subjectKeyPem?: string;
  /** `{ pathLength }` makes a CA (`basicConstraints cA:TRUE`, critical); absent: an end entity. */
  readonly ca?: { readonly pathLength?: number };
  /** Default: `keyCertSign, cRLSign` for a CA, `digitalSignature, nonRepudiation` otherwise. Empty: no keyUsage extension. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** Extended key usage OIDs; none by default. */
  readonly extendedKeyUsage?: { readonly usages: readonly string[]; readonly critical: boolean };
  /** Certificate policy OIDs (non-critical); none by default. */
  readonly policies?: readonly string[];
  /** Adds `id-pkix-ocsp-nocheck` (for an OCSP responder). */
  readonly ocspNoCheck?: boolean;
  /** authorityInfoAccess (non-critical): OCSP responder and caIssuers URLs. */
  readonly authorityInfoAccess?: { readonly ocsp?: readonly string[]; readonly caIssuers?: readonly string[] };
  /** cRLDistributionPoints (non-critical): one distribution point per URL. */
  readonly crlDistributionPoints?: readonly string[];
  /** Appended after the standard extensions. */
  readonly extraExtensions?: readonly RawExtension[];
  /** Explicit validity window; both or neither. Wins over `validDays`/`now`. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Days valid from `now` (default 730). */
  readonly validDays?: number;
  /** Start of the validity period. Default: the current time. */
  readonly now?: Date;
}

/** A certificate of the signing hierarchy with its key, as PEM and DER, and what tests assert on. */
export interface SigningCredential {
  readonly certPem: string;
  /** PKCS#8 `-----BEGIN PRIVATE KEY-----`. */
  readonly keyPem: string;
  readonly certDer: Uint8Array;
  readonly keyAlgorithm: SigningKeyAlgorithm;
  /** SHA-256 over the DER, 64 lower-case hex digits. */
  readonly fingerprint: string;
  /** Lower-case hex. */
  readonly serialNumber: string;
  /** RFC 4514 text, e.g. `CN=Nguyễn Văn An, O=..., C=VN`. */
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const KEY_USAGE_FLAG: Record<KeyUsageName, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
};

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1); its value is an ASN.1 NULL. */
const OCSP_NOCHECK_OID = '1.3.6.1.5.5.7.48.1.5';
const DER_NULL = new Uint8Array([0x05, 0x00]);

/**
 * Issues a certificate of the signing hierarchy: self-signed when `issuer` is `'self'`, else
 * signed by the issuer's key. A new key of `keyAlgorithm` each time; SKI always, AKI when
 * issued by another certificate. Throws `PKI.INVALID_OPTION` for a bad validity window and
 * `PKI.BAD_CA` when the issuer is not a CA or its key is unreadable.
 */
export async function issueSigningCertificate(issuer: SigningCredential | 'self', opts: SigningCertificateOptions): Promise<SigningCredential> {
  const keyAlgorithm = opts.keyAlgorithm ?? 'ecdsa-p256';
  const { notBefore, notAfter } = validityOf(opts);
  const subjectName = subjectOf(opts.subject);
  const keys = opts.subjectKeyPem ? await existingKeyPair(opts.subjectKeyPem, keyAlgorithm) : await generateSigningKeyPair(keyAlgorithm);
  const issuerCert = issuer === 'self' ? null : new x509.X509Certificate(issuer.certDer);
  if (issuerCert && issuerCert.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
    throw new PkiError(PkiErrorCode.BAD_CA, `the issuer ${issuerCert.subject} is not a CA certificate`);
  }
  const extensions = await extensionsOf(opts, keys.publicKey, issuerCert);
  const common = { serialNumber: randomSerialNumber(), notBefore, notAfter, extensions };
  const cert =
    issuer === 'self' || !issuerCert
      ? await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subjectName, keys, signingAlgorithm: certificateSigningAlgorithm(keyAlgorithm) })
      : await x509.X509CertificateGenerator.create({
          ...common,
          subject: subjectName,
          issuer: issuerCert.subjectName,
          publicKey: keys.publicKey,
          signingKey: await signingKeyFromPem(issuer.keyPem, issuer.keyAlgorithm),
          signingAlgorithm: certificateSigningAlgorithm(issuer.keyAlgorithm),
        });
  const certPem = `${cert.toString('pem')}\n`;
  return {
    certPem,
    keyPem: opts.subjectKeyPem ?? (await privateKeyToPem(keys.privateKey)),
    certDer: new Uint8Array(cert.rawData),
    keyAlgorithm,
    fingerprint: certificateFingerprint(certPem),
    serialNumber: cert.serialNumber.toLowerCase(),
    subject: cert.subject,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function validityOf(opts: SigningCertificateOptions): { notBefore: Date; notAfter: Date } {
  if (opts.notBefore === undefined && opts.notAfter === undefined) return validityPeriod(opts.now, opts.validDays ?? 730);
  const { notBefore, notAfter } = opts;
  if (!notBefore || !notAfter || Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()) || notAfter < notBefore) {
    throw new PkiError(PkiErrorCode.INVALID_OPTION, 'notBefore and notAfter must both be valid dates, notBefore first');
  }
  // X.509 stores whole seconds.
  const second = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
  return { notBefore: second(notBefore), notAfter: second(notAfter) };
}

function subjectOf(attributes: SubjectAttributes): x509.JsonName {
  const entries = Object.entries(attributes);
  if (entries.length === 0) throw new PkiError(PkiErrorCode.INVALID_OPTION, 'a certificate subject needs at least one attribute');
  return entries.map(([type, value]) => ({ [type]: [value] }));
}

async function extensionsOf(opts: SigningCertificateOptions, publicKey: Key, issuerCert: x509.X509Certificate | null): Promise<x509.Extension[]> {
  const isCa = opts.ca !== undefined;
  const usages = opts.keyUsage ?? (isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'nonRepudiation']);
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(isCa, opts.ca?.pathLength, true)];
  if (usages.length > 0) {
    extensions.push(new x509.KeyUsagesExtension(usages.reduce<number>((flags, u) => flags | KEY_USAGE_FLAG[u], 0), true));
  }
  if (opts.extendedKeyUsage) extensions.push(new x509.ExtendedKeyUsageExtension([...opts.extendedKeyUsage.usages], opts.extendedKeyUsage.critical));
  if (opts.policies && opts.policies.length > 0) extensions.push(new x509.CertificatePolicyExtension([...opts.policies], false));
  if (opts.ocspNoCheck) extensions.push(new x509.Extension(OCSP_NOCHECK_OID, false, DER_NULL));
  const aia = opts.authorityInfoAccess;
  if (aia && ((aia.ocsp?.length ?? 0) > 0 || (aia.caIssuers?.length ?? 0) > 0)) {
    const urls = (list: readonly string[] | undefined): x509.GeneralName[] => (list ?? []).map((u) => new x509.GeneralName('url', u));
    extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: urls(aia.ocsp), caIssuers: urls(aia.caIssuers) }, false));
  }
  if (opts.crlDistributionPoints && opts.crlDistributionPoints.length > 0) extensions.push(new x509.CRLDistributionPointsExtension([...opts.crlDistributionPoints], false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
  if (issuerCert) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCert));
  for (const raw of opts.extraExtensions ?? []) extensions.push(new x509.Extension(raw.oid, raw.critical, raw.valueDer));
  return extensions;
}
