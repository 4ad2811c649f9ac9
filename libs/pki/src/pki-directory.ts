import { createPublicKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createCertificateAuthority, loadCertificateAuthority } from './certificate-authority';
import { describeCredential, type IssuedCredential } from './credential';
import { credentialExists, pkiPaths, readPem, writeCredential, type CredentialPaths } from './pki-files';
import { PkiError, PkiErrorCode } from './pki.error';
import { issueServerCertificate } from './server-certificate';
import { issueSystemCertificate } from './system-certificate';
import { assertSystemId } from './system-id';

/** Options of {@link initPkiDirectory} and {@link issueSystemInDirectory}. */
export interface PkiDirectoryOptions {
  /** Replace what exists instead of reusing it (init) or refusing (issue). */
  readonly force?: boolean;
  /** The start of the validity period of anything issued. Default: the current time. */
  readonly now?: Date;
}

/** What {@link initPkiDirectory} found or made. */
export interface InitPkiResult {
  readonly ca: IssuedCredential;
  readonly server: IssuedCredential;
  /** A new CA was created (false: the existing one was reused). */
  readonly created: boolean;
  /** A new server certificate was issued (false: the existing one was kept). */
  readonly serverIssued: boolean;
}

/**
 * Prepares a PKI directory: a CA (`ca.crt`, `ca.key`) and a server certificate for
 * `localhost`/`127.0.0.1` (`server.crt`, `server.key`). Idempotent: an existing CA is loaded
 * and checked (`PKI.BAD_CA` if unreadable or mismatched) and returned with `created: false`;
 * the server certificate is issued only when missing or not issued by that CA. `force`
 * creates a new CA and server certificate, which invalidates every system certificate.
 */
export async function initPkiDirectory(dir: string, opts: PkiDirectoryOptions = {}): Promise<InitPkiResult> {
  const paths = pkiPaths(dir);
  const now = opts.now;
  let ca: IssuedCredential;
  let created = false;
  if (!opts.force && credentialExists(paths.ca)) {
    const certPem = readPem(paths.ca.certPath, 'CA certificate');
    const keyPem = readPem(paths.ca.keyPath, 'CA key');
    await loadCertificateAuthority({ certPem, keyPem });
    ca = describeCredential(certPem, keyPem);
  } else {
    if (!opts.force && (existsSync(paths.ca.certPath) || existsSync(paths.ca.keyPath))) {
      throw new PkiError(PkiErrorCode.BAD_CA, `only one of ca.crt and ca.key exists in ${paths.dir}; restore the other or use force (--force)`);
    }
    ca = await createCertificateAuthority(now ? { now } : {});
    writeCredential(paths.ca, ca.certPem, ca.keyPem);
    created = true;
  }
  const existing = created ? null : existingServer(paths.server, ca.certPem);
  if (existing) return { ca, server: existing, created, serverIssued: false };
  const server = await issueServerCertificate(ca, now ? { now } : {});
  writeCredential(paths.server, server.certPem, server.keyPem);
  return { ca, server, created, serverIssued: true };
}

/** The server credential on disk when it is readable, issued by the CA and its key matches. */
function existingServer(paths: CredentialPaths, caPem: string): IssuedCredential | null {
  if (!credentialExists(paths)) return null;
  try {
    const certPem = readPem(paths.certPath, 'server certificate');
    const keyPem = readPem(paths.keyPath, 'server key');
    const cert = new NodeX509Certificate(certPem);
    const caCert = new NodeX509Certificate(caPem);
    const keyMatches = createPublicKey(keyPem).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
    return cert.checkIssued(caCert) && cert.verify(caCert.publicKey) && keyMatches ? describeCredential(certPem, keyPem) : null;
  } catch {
    return null;
  }
}

/**
 * Issues a system certificate from the directory's CA and writes it to
 * `systems/<systemId>.crt` and `.key`. Throws `PKI.INVALID_SYSTEM_ID` for a bad id,
 * `PKI.NOT_FOUND` when the directory has no CA, `PKI.EXISTS` when the system already has a
 * certificate and `force` is not set.
 */
export async function issueSystemInDirectory(dir: string, systemId: string, opts: PkiDirectoryOptions = {}): Promise<IssuedCredential & CredentialPaths> {
  assertSystemId(systemId);
  const paths = pkiPaths(dir);
  if (!existsSync(paths.ca.certPath) || !existsSync(paths.ca.keyPath)) {
    throw new PkiError(PkiErrorCode.NOT_FOUND, `no CA in ${paths.dir}: run \`vdx pki init\` first`);
  }
  const target = paths.system(systemId);
  if (!opts.force && (existsSync(target.certPath) || existsSync(target.keyPath))) {
    throw new PkiError(PkiErrorCode.EXISTS, `system ${systemId} already has a certificate: ${target.certPath} (use force, --force on the command line, to replace it)`);
  }
  const ca = { certPem: readPem(paths.ca.certPath, 'CA certificate'), keyPem: readPem(paths.ca.keyPath, 'CA key') };
  const issued = await issueSystemCertificate(ca, { systemId, ...(opts.now ? { now: opts.now } : {}) });
  writeCredential(target, issued.certPem, issued.keyPem);
  return { ...issued, ...target };
}

/**
 * Reads a credential of a PKI directory for a TLS endpoint: `server` or `systems/<systemId>`,
 * with the CA certificate to trust. Throws `PKI.NOT_FOUND` when a file is missing and
 * `PKI.INVALID_SYSTEM_ID` for a bad system id.
 */
export function loadCredentialFiles(dir: string, name: 'server' | `systems/${string}`): { certPem: string; keyPem: string; caPem: string } {
  const paths = pkiPaths(dir);
  const target = name === 'server' ? paths.server : name.startsWith('systems/') ? paths.system(name.slice('systems/'.length)) : null;
  if (!target) throw new PkiError(PkiErrorCode.NOT_FOUND, `unknown credential ${JSON.stringify(name)}: expected server or systems/<systemId>`);
  return {
    certPem: readPem(target.certPath, `${name} certificate`),
    keyPem: readPem(target.keyPath, `${name} key`),
    caPem: readPem(paths.ca.certPath, 'CA certificate'),
  };
}
