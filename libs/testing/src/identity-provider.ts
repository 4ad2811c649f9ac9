import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './child-process';
import { freePort } from './free-port';
import { waitUntil } from './wait-until';

/** A client registered at the test identity provider. */
export interface IdentityProviderClient {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uris: readonly string[];
  /** Where it may send the browser back after a logout it was asked for (RP-Initiated Logout). */
  readonly post_logout_redirect_uris?: readonly string[];
}

export interface IdentityProviderOptions {
  readonly clients: readonly IdentityProviderClient[];
  /** The users, by the login typed on its page, with their claims (`vdx_role`, `vdx_agency`, `preferred_username`, …). */
  readonly accounts: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** True: the scopes' claims only in userinfo, not in the ID token (as strict providers do). */
  readonly conformIdTokenClaims?: boolean;
  /** False: no `end_session_endpoint` (a provider that offers no RP-Initiated Logout); default true. */
  readonly logout?: boolean;
  /** Its port on 127.0.0.1; default: a free one. */
  readonly port?: number;
}

export interface TestIdentityProvider {
  readonly issuer: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

const SCRIPT = join(REPO_ROOT, 'libs/testing/src/identity-provider/idp.mjs');

/**
 * Starts a real OpenID Connect provider (node-oidc-provider, its development login page) as its
 * own process on 127.0.0.1, and resolves once its discovery document answers.
 */
export async function startIdentityProvider(options: IdentityProviderOptions): Promise<TestIdentityProvider> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, VDX_TEST_IDP: JSON.stringify({ port, ...options }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const issuer = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntil(
      'the test identity provider to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`the test identity provider exited:\n${out}`);
        const r = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
        return r?.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { issuer, output: () => out, stop };
}
