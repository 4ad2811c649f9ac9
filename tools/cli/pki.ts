// `vdx pki init`, `vdx pki issue <systemId>`, `vdx pki operator <name>` and `vdx pki service
// <name>`: the sandbox CA and the mutual-TLS credentials of the gateway, the connected systems,
// the operators and the services' identities on the internal APIs, in a PKI directory (default
// `.local/pki`). `vdx pki signing`: a sandbox document-signing hierarchy (root, intermediate,
// personal and organisational signers, TSA, OCSP responder) for signing test documents.
import { createSigningHierarchy, initPkiDirectory, issueIdentityInDirectory, issueSystemInDirectory, pkiPaths, PkiError, SIGNING_KEY_ALGORITHMS, type IssuedCredential, type SigningKeyAlgorithm } from '@vdx/pki';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const DEFAULT_DIR = '.local/pki';

interface PkiCommandOptions {
  dir: string;
  force: boolean;
  json: boolean;
}

const summary = (c: IssuedCredential, certPath: string, keyPath: string) => ({
  certPath,
  keyPath,
  fingerprint: c.fingerprint,
  serialNumber: c.serialNumber,
  notAfter: c.notAfter.toISOString(),
});

const print = (lines: readonly string[]): void => {
  process.stdout.write(`${lines.join('\n')}\n`);
};

/** `vdx pki init`: creates or reuses the CA and the server certificate, then reports them. */
export async function pkiInit(o: PkiCommandOptions): Promise<void> {
  const paths = pkiPaths(o.dir);
  const r = await initPkiDirectory(paths.dir, { force: o.force });
  const ca = summary(r.ca, paths.ca.certPath, paths.ca.keyPath);
  const server = summary(r.server, paths.server.certPath, paths.server.keyPath);
  if (o.json) {
    print([JSON.stringify({ dir: paths.dir, created: r.created, serverIssued: r.serverIssued, identitiesIssued: r.identitiesIssued, ca, server })]);
    return;
  }
  print([
    `${r.created ? 'created a new CA' : 'reused the existing CA'}; ${r.serverIssued ? 'issued a server certificate (localhost, 127.0.0.1)' : 'kept the existing server certificate'} in ${paths.dir}`,
    `  CA certificate      ${ca.certPath}`,
    `  CA key              ${ca.keyPath}`,
    `  server certificate  ${server.certPath}  (valid until ${server.notAfter})`,
    `  server key          ${server.keyPath}`,
    `  CA fingerprint      ${ca.fingerprint}  (sha256, valid until ${ca.notAfter})`,
    `  identities          ${paths.servicesDir}/<service>.crt, ${paths.operatorsDir}/operator.crt${r.identitiesIssued.length > 0 ? ` (issued now: ${r.identitiesIssued.join(', ')})` : ' (kept)'}`,
    ...(r.created && o.force ? ['  note: a new CA invalidates every system certificate issued before; issue them again'] : []),
  ]);
}

/** `vdx pki issue <systemId>`: issues a connected system's client certificate and reports it. */
export async function pkiIssue(systemId: string, o: PkiCommandOptions): Promise<void> {
  const issued = await issueSystemInDirectory(o.dir, systemId, { force: o.force });
  const cert = summary(issued, issued.certPath, issued.keyPath);
  const hint = `register it with the directory: ConnectSystem {code: <agency>, systemId: ${systemId}, credentialFingerprint: ${issued.fingerprint}}`;
  if (o.json) {
    print([JSON.stringify({ systemId, ...cert, caPath: pkiPaths(o.dir).ca.certPath, hint })]);
    return;
  }
  print([
    `issued a client certificate for system ${systemId}`,
    `  certificate  ${cert.certPath}  (valid until ${cert.notAfter})`,
    `  key          ${cert.keyPath}`,
    `  fingerprint  ${cert.fingerprint}  (sha256)`,
    hint,
  ]);
}

/** `vdx pki operator <name>` and `vdx pki service <name>`: an identity on the internal APIs (directory.v1, delivery.v1). */
export async function pkiIssueIdentity(kind: 'service' | 'operator', name: string, o: PkiCommandOptions): Promise<void> {
  const issued = await issueIdentityInDirectory(o.dir, kind, name, { force: o.force });
  const cert = summary(issued, issued.certPath, issued.keyPath);
  const uri = `urn:vdx:${kind}:${name}`;
  if (o.json) {
    print([JSON.stringify({ kind, name, uri, ...cert, caPath: pkiPaths(o.dir).ca.certPath })]);
    return;
  }
  print([
    `issued the ${kind} identity ${uri}`,
    `  certificate  ${cert.certPath}  (valid until ${cert.notAfter})`,
    `  key          ${cert.keyPath}`,
    `  fingerprint  ${cert.fingerprint}  (sha256)`,
    kind === 'operator' ? `use it with: npm run vdx -- <command> --cert ${cert.certPath}  (or VDX_OPERATOR_CERT=${cert.certPath})` : `point the service's INTERNAL_TLS_CERT and INTERNAL_TLS_KEY at it`,
  ]);
}

interface SigningCommandOptions {
  dir: string;
  key: string;
  agency?: string;
  person?: string;
  force: boolean;
  json: boolean;
}

/** The roles of a signing hierarchy, as its files are named (`<role>.crt`, `<role>.key`). */
export const SIGNING_ROLES = ['root', 'intermediate', 'personal', 'organisational', 'tsa', 'ocsp'] as const;

/** What {@link writeSigningHierarchy} wrote: the directory, the key type, the two bundles and each role's files. */
export interface SigningDirectory {
  readonly dir: string;
  readonly keyAlgorithm: SigningKeyAlgorithm;
  readonly trustAnchors: string;
  readonly tsaTrustAnchors: string;
  readonly certificates: Record<string, { certPath: string; keyPath: string; subject: string; fingerprint: string; notAfter: string }>;
}

/**
 * Writes a new sandbox signing hierarchy to `dir` (certificate and PKCS#8 key PEMs per role,
 * `trust-anchors.pem`, the bundle a signature service trusts signers with, and
 * `tsa-trust-anchors.pem`, the one it trusts timestamps with: the same root, the sandbox TSA
 * being issued under it), refusing to replace one already there unless `force`. The bundles are
 * written last, so a directory holding `trust-anchors.pem` holds every role. Prints nothing.
 */
export async function writeSigningHierarchy(o: Omit<SigningCommandOptions, 'json'>): Promise<SigningDirectory> {
  if (!(SIGNING_KEY_ALGORITHMS as readonly string[]).includes(o.key)) throw new PkiError('PKI.INVALID_OPTION', `--key must be one of ${SIGNING_KEY_ALGORITHMS.join(', ')}, not ${o.key}`, { path: 'key' });
  const dir = resolve(o.dir);
  const trustAnchors = join(dir, 'trust-anchors.pem');
  const tsaTrustAnchors = join(dir, 'tsa-trust-anchors.pem');
  if (existsSync(trustAnchors) && !o.force) throw new PkiError('PKI.EXISTS', `${dir} already holds a signing hierarchy; pass --force to replace it`, { path: 'dir' });
  const h = await createSigningHierarchy({ keyAlgorithm: o.key as SigningKeyAlgorithm, ...(o.agency ? { agencyName: o.agency } : {}), ...(o.person ? { personName: o.person } : {}) });
  await mkdir(dir, { recursive: true });
  const certificates: SigningDirectory['certificates'] = {};
  for (const role of SIGNING_ROLES) {
    const c = h[role];
    const certPath = join(dir, `${role}.crt`);
    const keyPath = join(dir, `${role}.key`);
    await writeFile(certPath, c.certPem);
    await writeFile(keyPath, c.keyPem, { mode: 0o600 });
    certificates[role] = { certPath, keyPath, subject: c.subject, fingerprint: c.fingerprint, notAfter: c.notAfter.toISOString() };
  }
  await writeFile(tsaTrustAnchors, h.root.certPem);
  await writeFile(trustAnchors, h.trustAnchorsPem);
  return { dir, keyAlgorithm: o.key as SigningKeyAlgorithm, trustAnchors, tsaTrustAnchors, certificates };
}

/** `vdx pki signing`: {@link writeSigningHierarchy}, then reports what it wrote. */
export async function pkiSigning(o: SigningCommandOptions): Promise<SigningDirectory> {
  const result = await writeSigningHierarchy(o);
  const { dir, trustAnchors, tsaTrustAnchors, certificates } = result;
  if (o.json) {
    print([JSON.stringify(result)]);
  } else {
    print([
      `created a sandbox signing hierarchy (${o.key}) in ${dir}`,
      ...SIGNING_ROLES.map((role) => `  ${role.padEnd(15)} ${certificates[role]!.certPath}  ${certificates[role]!.subject}`),
      `  trust anchors   ${trustAnchors}  (point SIGNATURE_TRUST_ANCHORS_PATH at it)`,
      `  TSA anchors     ${tsaTrustAnchors}  (point SIGNATURE_TSA_TRUST_ANCHORS_PATH at it)`,
    ]);
  }
  return result;
}

/** Adds `pki init`, `pki issue`, `pki operator`, `pki service` and `pki signing` to the `vdx` program. */
export function registerPkiCommands(program: Command): void {
  const pki = program.command('pki').description('the sandbox CA and mutual-TLS certificates of the gateway, connected systems, operators and services');
  pki
    .command('init')
    .description("create (or reuse) the CA, the gateway server certificate for localhost/127.0.0.1, the services' identities on the internal APIs and the local operator's")
    .option('--dir <dir>', 'the PKI directory', DEFAULT_DIR)
    .option('--force', 'create a new CA and server certificate even if they exist (invalidates issued system certificates)', false)
    .option('--json', 'print one JSON object', false)
    .action((o: PkiCommandOptions) => pkiInit(o));
  pki
    .command('issue')
    .description("issue a connected system's client certificate, signed by the CA")
    .argument('<systemId>', 'the system id, e.g. qlvb-tayninh')
    .option('--dir <dir>', 'the PKI directory', DEFAULT_DIR)
    .option('--force', 'replace the system certificate if it exists', false)
    .option('--json', 'print one JSON object', false)
    .action((systemId: string, o: PkiCommandOptions) => pkiIssue(systemId, o));
  pki
    .command('operator')
    .description("issue an operator's (or a tool's) client certificate for the internal APIs, urn:vdx:operator:<name>")
    .argument('<name>', 'the operator or tool, e.g. on-call, directory-import')
    .option('--dir <dir>', 'the PKI directory', DEFAULT_DIR)
    .option('--force', 'replace the certificate if it exists', false)
    .option('--json', 'print one JSON object', false)
    .action((name: string, o: PkiCommandOptions) => pkiIssueIdentity('operator', name, o));
  pki
    .command('service')
    .description("issue a service's identity on the internal APIs, urn:vdx:service:<name> (init issues the axis's own)")
    .argument('<name>', 'the service, e.g. gateway')
    .option('--dir <dir>', 'the PKI directory', DEFAULT_DIR)
    .option('--force', 'replace the certificate if it exists', false)
    .option('--json', 'print one JSON object', false)
    .action((name: string, o: PkiCommandOptions) => pkiIssueIdentity('service', name, o));
  pki
    .command('signing')
    .description('create a sandbox document-signing hierarchy: root, intermediate, personal and organisational signers, a TSA and an OCSP responder, with the trust-anchor bundles of signers and of timestamps')
    .option('--dir <dir>', 'where to write it', join(DEFAULT_DIR, 'signing'))
    .option('--key <algorithm>', `key type: ${SIGNING_KEY_ALGORITHMS.join(' or ')}`, 'ecdsa-p256')
    .option('--agency <name>', 'the agency: O of both signing certificates, CN of the seal')
    .option('--person <name>', 'the competent signer: CN of the personal certificate')
    .option('--force', 'replace a hierarchy already in the directory', false)
    .option('--json', 'print one JSON object', false)
    .action(async (o: SigningCommandOptions) => {
      await pkiSigning(o);
    });
}
