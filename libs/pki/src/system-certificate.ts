import type { CaPems, IssuedCredential } from './credential';
import { SYSTEM_URI_PREFIX } from './inspect';
import { issueLeafCertificate } from './issue-leaf';
import { assertSystemId } from './system-id';
import { x509 } from './webcrypto';

/** Options of {@link issueSystemCertificate}. */
export interface IssueSystemOptions {
  /** The connected system's id, e.g. `qlvb-tayninh` (see `SYSTEM_ID_PATTERN`). */
  readonly systemId: string;
  /** Days the certificate is valid. Default 397 (thirteen months). */
  readonly validDays?: number;
  /** The start of the validity period. Default: the current time. */
  readonly now?: Date;
}

/**
 * Issues a connected system's TLS client certificate signed by the CA: CN = the system id,
 * `extendedKeyUsage clientAuth`, SAN URI `urn:vdx:system:<systemId>`. Throws
 * `PKI.INVALID_SYSTEM_ID` for an id that does not match `SYSTEM_ID_PATTERN`.
 */
export async function issueSystemCertificate(ca: CaPems, opts: IssueSystemOptions): Promise<IssuedCredential> {
  const systemId = assertSystemId(opts.systemId);
  return issueLeafCertificate(ca, {
    commonName: systemId,
    extendedKeyUsage: x509.ExtendedKeyUsage.clientAuth,
    subjectAltNames: [{ type: 'url', value: `${SYSTEM_URI_PREFIX}${systemId}` }],
    validDays: opts.validDays ?? 397,
    now: opts.now,
  });
}
