import { issueSigningCertificate, type SigningCertificateOptions, type SigningCredential } from './signing-certificate';
import type { SigningKeyAlgorithm } from './signing-keys';

/**
 * Certificate policy OIDs of the sandbox signing hierarchy, under the ITU-T/ISO example arc
 * `2.999` so they can never collide with a real CA's. A validator's Decree 30 rules map them to
 * personal and organisational signatures.
 */
export const SANDBOX_POLICY_OIDS = {
  /** A person's signing certificate (the competent signer). */
  personal: '2.999.30.1',
  /** An organisation's signing certificate (its seal). */
  organisational: '2.999.30.2',
  /** The TSA's timestamping certificate. */
  timestamping: '2.999.30.3',
} as const;

/** Extended key usage OIDs the hierarchy uses (RFC 5280 §4.2.1.12). */
export const EXTENDED_KEY_USAGE_OIDS = {
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** Options of {@link createSigningHierarchy}. */
export interface SigningHierarchyOptions {
  /** Key type of every certificate. Default `ecdsa-p256`. */
  readonly keyAlgorithm?: SigningKeyAlgorithm;
  /** Start of every validity period. Default: the current time. */
  readonly now?: Date;
  /** The agency: O of both signing certificates, CN of the seal. */
  readonly agencyName?: string;
  /** The competent signer: CN of the personal certificate. */
  readonly personName?: string;
  /** Overrides for the personal certificate (validity, key usage, policies...). */
  readonly personal?: Partial<SigningCertificateOptions>;
  /** Overrides for the organisational certificate. */
  readonly organisational?: Partial<SigningCertificateOptions>;
  /**
   * Where revocation data and issuer certificates are published (test servers on 127.0.0.1).
   * `endEntities` goes into the personal, organisational and TSA certificates (issued by the
   * intermediate), `intermediate` into the intermediate (issued by the root). Default: none.
   */
  readonly endpoints?: { readonly endEntities?: PublicationUrls; readonly intermediate?: PublicationUrls };
}

/** authorityInfoAccess and cRLDistributionPoints of a certificate. */
export interface PublicationUrls {
  readonly ocsp?: readonly string[];
  readonly caIssuers?: readonly string[];
  readonly crl?: readonly string[];
}

function publication(urls: PublicationUrls | undefined): Partial<SigningCertificateOptions> {
  if (!urls) return {};
  return {
    ...(urls.ocsp || urls.caIssuers ? { authorityInfoAccess: { ...(urls.ocsp ? { ocsp: urls.ocsp } : {}), ...(urls.caIssuers ? { caIssuers: urls.caIssuers } : {}) } } : {}),
    ...(urls.crl ? { crlDistributionPoints: urls.crl } : {}),
  };
}

/** A root CA, an intermediate CA under it, and the four end entities the intermediate issues. */
export interface SigningHierarchy {
  readonly root: SigningCredential;
  readonly intermediate: SigningCredential;
  /** The competent signer: keyUsage digitalSignature + nonRepudiation, personal policy. */
  readonly personal: SigningCredential;
  /** The agency's seal: subject O = agency, organisational policy. */
  readonly organisational: SigningCredential;
  /** The TSA: extendedKeyUsage timeStamping, critical. */
  readonly tsa: SigningCredential;
  /** An OCSP responder: extendedKeyUsage OCSPSigning, id-pkix-ocsp-nocheck. */
  readonly ocsp: SigningCredential;
  /** The root certificate as a PEM bundle, what a validator is configured to trust. */
  readonly trustAnchorsPem: string;
}

const DEFAULT_AGENCY = 'Ủy ban nhân dân tỉnh Tây Ninh';
const DEFAULT_PERSON = 'Nguyễn Văn An';

/**
 * Creates the sandbox signing hierarchy: root (pathLen 1) → intermediate (pathLen 0) →
 * personal, organisational, TSA and OCSP responder certificates. Validity: root 3650 days,
 * intermediate 1825, end entities 730, all from `now`.
 */
export async function createSigningHierarchy(opts: SigningHierarchyOptions = {}): Promise<SigningHierarchy> {
  const keyAlgorithm = opts.keyAlgorithm ?? 'ecdsa-p256';
  const agency = opts.agencyName ?? DEFAULT_AGENCY;
  const base = { keyAlgorithm, ...(opts.now ? { now: opts.now } : {}) };
  const root = await issueSigningCertificate('self', { ...base, subject: { CN: 'vdx sandbox signing root CA', O: 'vdx sandbox', C: 'VN' }, ca: { pathLength: 1 }, validDays: 3650 });
  const intermediate = await issueSigningCertificate(root, { ...base, subject: { CN: 'vdx sandbox signing CA', O: 'vdx sandbox', C: 'VN' }, ca: { pathLength: 0 }, validDays: 1825, ...publication(opts.endpoints?.intermediate) });
  const published = publication(opts.endpoints?.endEntities);
  const personal = await issueSigningCertificate(intermediate, {
    ...base,
    subject: { CN: opts.personName ?? DEFAULT_PERSON, O: agency, C: 'VN' },
    policies: [SANDBOX_POLICY_OIDS.personal],
    ...published,
    ...opts.personal,
  });
  const organisational = await issueSigningCertificate(intermediate, {
    ...base,
    subject: { CN: agency, O: agency, C: 'VN' },
    policies: [SANDBOX_POLICY_OIDS.organisational],
    ...published,
    ...opts.organisational,
  });
  const tsa = await issueSigningCertificate(intermediate, {
    ...base,
    subject: { CN: 'vdx sandbox TSA', O: 'vdx sandbox', C: 'VN' },
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extendedKeyUsage: { usages: [EXTENDED_KEY_USAGE_OIDS.timeStamping], critical: true },
    policies: [SANDBOX_POLICY_OIDS.timestamping],
    ...published,
  });
  const ocsp = await issueSigningCertificate(intermediate, {
    ...base,
    subject: { CN: 'vdx sandbox OCSP responder', O: 'vdx sandbox', C: 'VN' },
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: { usages: [EXTENDED_KEY_USAGE_OIDS.ocspSigning], critical: false },
    ocspNoCheck: true,
  });
  return { root, intermediate, personal, organisational, tsa, ocsp, trustAnchorsPem: root.certPem };
}
