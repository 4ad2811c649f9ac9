// A sandbox PKI directory for the axis in containers: the axis CA (kept when there is one), the
// gateway's server certificate for the names its callers use (`localhost` and 127.0.0.1 from the
// host, `gateway` from the legacy edge inside the compose network), the services' identities on
// the internal APIs and the local operator's (`initPkiDirectory`), and the systems' client
// certificates (kept when they exist), with files the services' uid 10001 can read when the
// directory is bind-mounted. Sandbox only: the private keys are left readable by every local user.
//
//   node -r @swc-node/register tools/images/sandbox-pki.ts [--dir .local/pki] [systemId…]
//
// prints one JSON line: the directory and each system's fingerprint (for ConnectSystem).
import { certificateFingerprint, initPkiDirectory, issueServerCertificate, issueSystemInDirectory, loadCredentialFiles, pkiPaths } from '@vdx/pki';
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ContainerPki {
  readonly dir: string;
  /** Each system's certificate fingerprint, for ConnectSystem. */
  readonly fingerprints: ReadonlyMap<string, string>;
}

function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) openUp(p);
    else chmodSync(p, 0o644);
  }
}

export async function containerPki(dir: string, systems: readonly string[], serverNames: readonly string[] = ['localhost', 'gateway']): Promise<ContainerPki> {
  const { ca } = await initPkiDirectory(dir);
  const server = await issueServerCertificate(ca, { dnsNames: serverNames, ipAddresses: ['127.0.0.1'] });
  const paths = pkiPaths(dir);
  writeFileSync(paths.server.certPath, server.certPem);
  writeFileSync(paths.server.keyPath, server.keyPem);
  const fingerprints = new Map<string, string>();
  for (const s of systems) {
    const fingerprint = existsSync(paths.system(s).certPath) ? certificateFingerprint(loadCredentialFiles(dir, `systems/${s}`).certPem) : (await issueSystemInDirectory(dir, s)).fingerprint;
    fingerprints.set(s, fingerprint);
  }
  openUp(dir);
  return { dir, fingerprints };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--dir');
  const dir = resolve(at >= 0 ? (args[at + 1] ?? '') : '.local/pki');
  const systems = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
  containerPki(dir, systems).then(
    (r) => process.stdout.write(`${JSON.stringify({ dir: r.dir, fingerprints: Object.fromEntries(r.fingerprints) })}\n`),
    (err: unknown) => {
      process.stderr.write(`sandbox-pki: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
