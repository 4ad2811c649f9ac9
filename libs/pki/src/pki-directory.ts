import { createPublicKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createCertificateAuthority, loadCertificateAuthority } from './certificate-authority';
import { describeCredential, type IssuedCredential } from './credential';
import { credentialExists, pkiPaths, readPem, writeCredential, type CredentialPaths } from './pki-files';
import { PkiError, PkiErrorCode } from './pki.error';
import { issueServerCertificate } from './server-certificate';
import { DEFAULT_OPERATOR, INTERNAL_SERVICES, formatIdentity, identityOf, issueOperatorCertificate, issueServiceCertificate, type AxisIdentity } from './identity';
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
  /** The identities issued now (`services/<name>`, `operators/<name>`); the others were kept. */
  readonly identitiesIssued: readonly string[];
}

/**
 * Prepares a PKI directory: a CA (`ca.crt`, `ca.key`), a server certificate for
 * `localhost`/`127.0.0.1` (`server.crt`, `server.key`), the identity of each service of
 * {@link INTERNAL_SERVICES} (`services/<name>.crt/.key`) and the local operator's
 * (`operators/operator.crt/.key`). Idempotent: an existing CA is loaded and checked
 * (`PKI.BAD_CA` if unreadable or mismatched) and returned with `created: false`; the server
 * certificate and each identity are issued only when missing or not issued by that CA. `force`
 * creates a new CA and everything else, which invalidates every system certificate.
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
  const existing = created ? null : existingCredential(paths.server, ca.certPem);
  let server: IssuedCredential;
  let serverIssued = false;
  if (existing) server = existing;
  else {
    server = await issueServerCertificate(ca, now ? { now } : {});
    writeCredential(paths.server, server.certPem, server.keyPem);
    serverIssued = true;
  }
  const identitiesIssued = await ensureIdentities(dir, ca, [...INTERNAL_SERVICES.map((name) => ({ kind: 'service' as const, name })), { kind: 'operator', name: DEFAULT_OPERATOR }], { force: created, now });
  return { ca, server, created, serverIssued, identitiesIssued };
}

/**
 * The credential on disk when it is readable, issued by the CA, its key matches, and (when
 * `identity` is given) it names that identity.
 */
function existingCredential(paths: CredentialPaths, caPem: string, identity?: AxisIdentity): IssuedCredential | null {
  if (!credentialExists(paths)) return null;
  try {
    const certPem = readPem(paths.certPath, 'certificate');
    const keyPem = readPem(paths.keyPath, 'key');
    const cert = new NodeX509Certificate(certPem);
    const caCert = new NodeX509Certificate(caPem);
    const keyMatches = createPublicKey(keyPem).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
    if (identity) {
      const named = identityOf(certPem);
      if (!named || formatIdentity(named) !== formatIdentity(identity)) return null;
    }
    return cert.checkIssued(caCert) && cert.verify(caCert.publicKey) && keyMatches ? describeCredential(certPem, keyPem) : null;
  } catch {
    return null;
  }
}

/** Issues (and writes) each identity that is missing, unusable or not issued by `ca`; returns the ones issued, as `services/<name>` or `operators/<name>`. */
async function ensureIdentities(dir: string, ca: IssuedCredential, identities: readonly { kind: 'service' | 'operator'; name: string }[], opts: { force: boolean; now: Date | undefined }): Promise<string[]> {
  const paths = pkiPaths(dir);
  const issued: string[] = [];
  for (const identity of identities) {
    const target = identity.kind === 'service' ? paths.service(identity.name) : paths.operator(identity.name);
    if (!opts.force && existingCredential(target, ca.certPem, identity)) continue;
    const validity = opts.now ? { now: opts.now } : {};
    const credential = identity.kind === 'service' ? await issueServiceCertificate(ca, { service: identity.name, ...validity }) : await issueOperatorCertificate(ca, { operator: identity.name, ...validity });
    writeCredential(target, credential.certPem, credential.keyPem);
    issued.push(`${identity.kind}s/${identity.name}`);
  }
  return issued;
}

/**
 * Issues a service's identity (`services/<name>.crt/.key`) or an operator's
 * (`operators/<name>.crt/.key`) from the directory's CA. Throws `PKI.INVALID_NAME` for a bad
 * name, `PKI.NOT_FOUND` when the directory has no CA, `PKI.EXISTS` when it exists and `force`
 * is not set.
 */
export async function issueIdentityInDirectory(dir: string, kind: 'service' | 'operator', name: string, opts: PkiDirectoryOptions = {}): Promise<IssuedCredential & CredentialPaths> {
  const paths = pkiPaths(dir);
  const target = kind === 'service' ? paths.service(name) : paths.operator(name);
  if (!existsSync(paths.ca.certPath) || !existsSync(paths.ca.keyPath)) {
    throw new PkiError(PkiErrorCode.NOT_FOUND, `no CA in ${paths.dir}: run \`vdx pki init\` first`);
  }
  if (!opts.force && (existsSync(target.certPath) || existsSync(target.keyPath))) {
    throw new PkiError(PkiErrorCode.EXISTS, `${kind} ${name} already has a certificate: ${target.certPath} (use force, --force on the command line, to replace it)`);
  }
  const ca = { certPem: readPem(paths.ca.certPath, 'CA certificate'), keyPem: readPem(paths.ca.keyPath, 'CA key') };
  const validity = opts.now ? { now: opts.now } : {};
  const issued = kind === 'service' ? await issueServiceCertificate(ca, { service: name, ...validity }) : await issueOperatorCertificate(ca, { operator: name, ...validity });
  writeCredential(target, issued.certPem, issued.keyPem);
  return { ...issued, ...target };
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

/** A credential of a PKI directory: the gateway's server certificate, a system's, a service's identity or an operator's. */
export type CredentialName = 'server' | `systems/${string}` | `services/${string}` | `operators/${string}`;

function credentialPathsOf(paths: ReturnType<typeof pkiPaths>, name: string): CredentialPaths | null {
  if (name === 'server') return paths.server;
  const slash = name.indexOf('/');
  const rest = name.slice(slash + 1);
  switch (name.slice(0, slash)) {
    case 'systems':
      return paths.system(rest);
    case 'services':
      return paths.service(rest);
    case 'operators':
      return paths.operator(rest);
    default:
      return null;
  }
}

/**
 * Reads a credential of a PKI directory for a TLS endpoint: `server`, `systems/<systemId>`,
 * `services/<name>` or `operators/<name>`, with the CA certificate to trust. Throws
 * `PKI.NOT_FOUND` when a file is missing, `PKI.INVALID_SYSTEM_ID` or `PKI.INVALID_NAME` for a
 * bad id or name.
 */
export function loadCredentialFiles(dir: string, name: CredentialName): { certPem: string; keyPem: string; caPem: string } {
  const paths = pkiPaths(dir);
  const target = credentialPathsOf(paths, name);
  if (!target) throw new PkiError(PkiErrorCode.NOT_FOUND, `unknown credential ${JSON.stringify(name)}: expected server, systems/<systemId>, services/<name> or operators/<name>`);
  return {
    certPem: readPem(target.certPath, `${name} certificate`),
    keyPem: readPem(target.keyPath, `${name} key`),
    caPem: readPem(paths.ca.certPath, 'CA certificate'),
  };
}
