import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PkiError, PkiErrorCode } from './pki.error';
import { assertIdentityName } from './identity';
import { assertSystemId } from './system-id';

/** Where a certificate and its key live in a PKI directory. */
export interface CredentialPaths {
  readonly certPath: string;
  readonly keyPath: string;
}

/**
 * The layout of a PKI directory (absolute paths): `ca.crt`, `ca.key`, `server.crt`,
 * `server.key`, `systems/<systemId>.crt/.key`, `services/<name>.crt/.key` (the services'
 * identities on the internal APIs), `operators/<name>.crt/.key` (operators' and tools').
 */
export interface PkiPaths {
  readonly dir: string;
  readonly ca: CredentialPaths;
  readonly server: CredentialPaths;
  readonly systemsDir: string;
  /** The paths of a system's credential; throws `PKI.INVALID_SYSTEM_ID` for a bad id. */
  system(systemId: string): CredentialPaths;
  readonly servicesDir: string;
  /** The paths of a service's identity; throws `PKI.INVALID_NAME` for a bad name. */
  service(name: string): CredentialPaths;
  readonly operatorsDir: string;
  /** The paths of an operator's identity; throws `PKI.INVALID_NAME` for a bad name. */
  operator(name: string): CredentialPaths;
}

/** The file layout of the PKI directory `dir`. */
export function pkiPaths(dir: string): PkiPaths {
  const root = resolve(dir);
  const pair = (base: string): CredentialPaths => ({ certPath: `${base}.crt`, keyPath: `${base}.key` });
  const systemsDir = join(root, 'systems');
  const servicesDir = join(root, 'services');
  const operatorsDir = join(root, 'operators');
  return {
    dir: root,
    ca: pair(join(root, 'ca')),
    server: pair(join(root, 'server')),
    systemsDir,
    system: (systemId) => pair(join(systemsDir, assertSystemId(systemId))),
    servicesDir,
    service: (name) => pair(join(servicesDir, assertIdentityName(name, 'service name'))),
    operatorsDir,
    operator: (name) => pair(join(operatorsDir, assertIdentityName(name, 'operator name'))),
  };
}

/** Both files of a credential exist. */
export function credentialExists(paths: CredentialPaths): boolean {
  return existsSync(paths.certPath) && existsSync(paths.keyPath);
}

/** Reads a PEM file; `PKI.NOT_FOUND` when it does not exist. */
export function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new PkiError(PkiErrorCode.NOT_FOUND, `${what} not found: ${path}`, { cause });
    throw cause;
  }
}

/**
 * Writes a credential: the key first (mode 0600), then the certificate (0644), each through a
 * temporary file renamed into place, so a reader never sees half a file. Creates the parent
 * directory (mode 0700) when missing.
 */
export function writeCredential(paths: CredentialPaths, certPem: string, keyPem: string): void {
  mkdirSync(dirname(paths.keyPath), { recursive: true, mode: 0o700 });
  writeAtomically(paths.keyPath, keyPem, 0o600);
  writeAtomically(paths.certPath, certPem, 0o644);
}

function writeAtomically(path: string, text: string, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode); // the umask may have narrowed or the file may have existed
  renameSync(temp, path);
}
