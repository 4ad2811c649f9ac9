// `vdx pki init`, `vdx pki issue <systemId>`, `vdx pki operator <name>` and `vdx pki service
// <name>`: the sandbox CA and the mutual-TLS credentials of the gateway, the connected systems,
// the operators and the services' identities on the internal APIs, in a PKI directory (default
// `.local/pki`).
import { initPkiDirectory, issueIdentityInDirectory, issueSystemInDirectory, pkiPaths, type IssuedCredential } from '@vdx/pki';
import type { Command } from 'commander';

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

/** Adds `pki init`, `pki issue`, `pki operator` and `pki service` to the `vdx` program. */
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
}
