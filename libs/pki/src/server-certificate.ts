import { isIP } from 'node:net';
import type { CaPems, IssuedCredential } from './credential';
import { issueLeafCertificate } from './issue-leaf';
import { PkiError, PkiErrorCode } from './pki.error';
import { x509 } from './webcrypto';

/** Options of {@link issueServerCertificate}. */
export interface IssueServerOptions {
  /** Subject CN. Default: the first DNS name, else `vdx server`. */
  readonly commonName?: string;
  /** DNS names in the SAN. Default `['localhost']`. */
  readonly dnsNames?: readonly string[];
  /** IPv4 or IPv6 addresses in the SAN. Default `['127.0.0.1']`. */
  readonly ipAddresses?: readonly string[];
  /** Days the certificate is valid. Default 825 (the CA/Browser Forum's old ceiling). */
  readonly validDays?: number;
  /** The start of the validity period. Default: the current time. */
  readonly now?: Date;
}

const DNS_NAME = /^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Issues a TLS server certificate signed by the CA: `extendedKeyUsage serverAuth` and a SAN
 * with the DNS names and IP addresses (default `localhost` and `127.0.0.1`).
 */
export async function issueServerCertificate(ca: CaPems, opts: IssueServerOptions = {}): Promise<IssuedCredential> {
  const dnsNames = opts.dnsNames ?? ['localhost'];
  const ipAddresses = opts.ipAddresses ?? ['127.0.0.1'];
  for (const name of dnsNames) {
    if (!DNS_NAME.test(name) || name.length > 253) throw new PkiError(PkiErrorCode.INVALID_OPTION, `not a DNS name: ${JSON.stringify(name)}`);
  }
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new PkiError(PkiErrorCode.INVALID_OPTION, `not an IP address: ${JSON.stringify(ip)}`);
  }
  if (dnsNames.length + ipAddresses.length === 0) throw new PkiError(PkiErrorCode.INVALID_OPTION, 'a server certificate needs at least one DNS name or IP address');
  return issueLeafCertificate(ca, {
    commonName: opts.commonName ?? dnsNames[0] ?? 'vdx server',
    extendedKeyUsage: x509.ExtendedKeyUsage.serverAuth,
    subjectAltNames: [...dnsNames.map((value) => ({ type: 'dns' as const, value })), ...ipAddresses.map((value) => ({ type: 'ip' as const, value }))],
    validDays: opts.validDays ?? 825,
    now: opts.now,
  });
}
