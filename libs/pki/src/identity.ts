import { isIP } from 'node:net';
import type { CaPems, IssuedCredential } from './credential';
import { certificateDer, SYSTEM_URI_PREFIX } from './inspect';
import { issueLeafCertificate } from './issue-leaf';
import { PkiError, PkiErrorCode } from './pki.error';
import { SYSTEM_ID_PATTERN } from './system-id';
import { x509 } from './webcrypto';

/** The URI a service identity names its service with: `urn:vdx:service:<name>` (e.g. `urn:vdx:service:gateway`). */
export const SERVICE_URI_PREFIX = 'urn:vdx:service:';
/** The URI an operator's or a tool's client certificate names it with: `urn:vdx:operator:<name>`. */
export const OPERATOR_URI_PREFIX = 'urn:vdx:operator:';
/** A service or operator name: a letter or digit, then up to 63 of `A-Z a-z 0-9 . _ -`. */
export const IDENTITY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What a certificate of the axis CA stands for: a service of the axis, an operator (or tool), or a connected system. */
export type IdentityKind = 'service' | 'operator' | 'system';

/** The identity a certificate names in its one `urn:vdx:<kind>:<name>` SAN URI. */
export interface AxisIdentity {
  readonly kind: IdentityKind;
  readonly name: string;
}

/** The services of the axis that are parties of an internal gRPC API, each with an identity of its own. */
export const INTERNAL_SERVICES = ['gateway', 'directory', 'delivery', 'legacy-edge', 'statistics'] as const;
/** The operator identity `vdx pki init` (and so `npm start`) issues for the local operator's `vdx` commands. */
export const DEFAULT_OPERATOR = 'operator';

const PREFIXES: readonly (readonly [IdentityKind, string, RegExp])[] = [
  ['service', SERVICE_URI_PREFIX, IDENTITY_NAME_PATTERN],
  ['operator', OPERATOR_URI_PREFIX, IDENTITY_NAME_PATTERN],
  ['system', SYSTEM_URI_PREFIX, SYSTEM_ID_PATTERN],
];

/** `service:gateway`, `operator:on-call`, `system:qlvb-tayninh`: how refusals and logs name an identity. */
export function formatIdentity(identity: AxisIdentity): string {
  return `${identity.kind}:${identity.name}`;
}

/** Returns `name` when it matches {@link IDENTITY_NAME_PATTERN}; throws `PKI.INVALID_NAME` otherwise. */
export function assertIdentityName(name: string, what = 'name'): string {
  if (typeof name !== 'string' || !IDENTITY_NAME_PATTERN.test(name)) {
    throw new PkiError(PkiErrorCode.INVALID_NAME, `invalid ${what} ${JSON.stringify(name)}: expected a letter or digit, then up to 63 of A-Z a-z 0-9 . _ -`);
  }
  return name;
}

/**
 * The identity a certificate (PEM or DER) names: its one SAN URI of the form
 * `urn:vdx:service:<name>`, `urn:vdx:operator:<name>` or `urn:vdx:system:<id>`. `null` when it
 * names none, names more than one `urn:vdx:` URI, or the name is malformed. Never the subject CN:
 * a CN is what any certificate may say, the URI is what the axis CA put there on purpose.
 */
export function identityOf(cert: string | Buffer): AxisIdentity | null {
  const parsed = new x509.X509Certificate(certificateDer(cert));
  const san = parsed.getExtension(x509.SubjectAlternativeNameExtension);
  const uris = (san?.names.items ?? []).filter((n) => n.type === 'url' && n.value.startsWith('urn:vdx:')).map((n) => n.value);
  if (uris.length !== 1) return null;
  const uri = uris[0]!;
  for (const [kind, prefix, pattern] of PREFIXES) {
    if (!uri.startsWith(prefix)) continue;
    const name = uri.slice(prefix.length);
    return pattern.test(name) ? { kind, name } : null;
  }
  return null;
}

/** Options of {@link issueServiceCertificate}. */
export interface IssueServiceOptions {
  /** The service's name, e.g. `directory` (see {@link IDENTITY_NAME_PATTERN}). */
  readonly service: string;
  /** DNS names in the SAN beside the URI. Default `localhost` and the service's name. */
  readonly dnsNames?: readonly string[];
  /** IP addresses in the SAN. Default `127.0.0.1`. */
  readonly ipAddresses?: readonly string[];
  /** Days the certificate is valid. Default 397. */
  readonly validDays?: number;
  readonly now?: Date;
}

/**
 * Issues a service's identity on the internal APIs: CN = the name, SAN URI
 * `urn:vdx:service:<name>` (what the peers check) plus DNS names and addresses, and both
 * `serverAuth` and `clientAuth`, since a service may serve an internal API and call another.
 */
export async function issueServiceCertificate(ca: CaPems, opts: IssueServiceOptions): Promise<IssuedCredential> {
  const service = assertIdentityName(opts.service, 'service name');
  const dnsNames = opts.dnsNames ?? [...new Set(['localhost', service.toLowerCase()])];
  const ipAddresses = opts.ipAddresses ?? ['127.0.0.1'];
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new PkiError(PkiErrorCode.INVALID_OPTION, `not an IP address: ${JSON.stringify(ip)}`);
  }
  return issueLeafCertificate(ca, {
    commonName: service,
    extendedKeyUsage: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    subjectAltNames: [
      { type: 'url', value: `${SERVICE_URI_PREFIX}${service}` },
      ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ],
    validDays: opts.validDays ?? 397,
    now: opts.now,
  });
}

/** Options of {@link issueOperatorCertificate}. */
export interface IssueOperatorOptions {
  /** The operator's (or tool's) name, e.g. `on-call`, `directory-import`. */
  readonly operator: string;
  /** Days the certificate is valid. Default 397. */
  readonly validDays?: number;
  readonly now?: Date;
}

/** Issues an operator's (or a tool's) client certificate: CN = the name, SAN URI `urn:vdx:operator:<name>`, `clientAuth` only. */
export async function issueOperatorCertificate(ca: CaPems, opts: IssueOperatorOptions): Promise<IssuedCredential> {
  const operator = assertIdentityName(opts.operator, 'operator name');
  return issueLeafCertificate(ca, {
    commonName: operator,
    extendedKeyUsage: x509.ExtendedKeyUsage.clientAuth,
    subjectAltNames: [{ type: 'url', value: `${OPERATOR_URI_PREFIX}${operator}` }],
    validDays: opts.validDays ?? 397,
    now: opts.now,
  });
}
