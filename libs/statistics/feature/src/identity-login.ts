import { CodedError } from '@vdx/contracts/errors';
import { StatisticsError, accountOfClaims, signToken, verifyToken, type Account, type ClaimsMapping } from '@vdx/statistics-domain';
import * as oidc from 'openid-client';

// Log-in through the government's identity provider (docs/adr/0017-console-access.md, point 5,
// and docs/adr/0028-console-openid-connect.md): the authorization-code flow with PKCE, a state
// and a nonce, by openid-client; the role and agency come from the user's claims, and the log-in
// ends in the console's own session cookie.

export interface IdentityProviderSettings {
  /** The issuer; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: URL;
  readonly clientId: string;
  /** The client's secret (`client_secret_basic` at the token endpoint). */
  readonly clientSecret: string;
  /** The callback as the browser reaches it: `https://<host>/statistics/v1/oidc/callback`. */
  readonly redirectUri: URL;
  /** Scopes asked for, `openid` among them. */
  readonly scopes: readonly string[];
  readonly claims: ClaimsMapping;
  /** Each call to the provider (discovery, token, userinfo) gives up after this long. */
  readonly timeoutSeconds: number;
}

/** What the browser keeps between leaving for the provider and coming back (a signed cookie). */
interface Transaction {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly exp: number;
}

/** How long a log-in at the provider may take before its return is refused. */
export const IDENTITY_TRANSACTION_TTL_MS = 10 * 60_000;

/** Where the provider sends the browser back after a logout: the console, at the callback's origin. */
export function postLogoutRedirectUri(settings: Pick<IdentityProviderSettings, 'redirectUri'>): URL {
  return new URL('/console/', settings.redirectUri);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A provider on this machine may speak plain HTTP (the sandbox and the tests); any other must use HTTPS. */
export function identityProviderOverHttpAllowed(issuer: URL): boolean {
  return issuer.protocol === 'https:' || (issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname));
}

/**
 * An identity provider this service may not log users in through (`STATISTICS.IDENTITY_INSECURE_ISSUER`,
 * at boot): one over plain HTTP that is not on this machine. The app's configuration refuses it
 * first (`STATISTICS_OIDC_ISSUER`); this guards any other caller of {@link IdentityLogin}.
 */
export class IdentityProviderConfigError extends CodedError<'STATISTICS.IDENTITY_INSECURE_ISSUER'> {
  override readonly name = 'IdentityProviderConfigError';

  constructor(readonly issuer: URL) {
    super('STATISTICS.IDENTITY_INSECURE_ISSUER', `the identity provider ${issuer.href} must use https (plain http only on this machine)`);
  }
}

/** True for a failure to reach the provider at all (refused, reset, timed out), as opposed to an answer. */
function unreachable(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN/.test(e.message)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code)) return true;
  }
  return false;
}

/** The error message of a refusal, with the provider's `error` and `error_description` when it gave them. */
function refusalText(err: unknown): string {
  const e = err as { error?: unknown; error_description?: unknown; message?: unknown };
  if (typeof e.error === 'string') return `${e.error}${typeof e.error_description === 'string' ? `: ${e.error_description}` : ''}`;
  return typeof e.message === 'string' ? e.message : String(err);
}

export class IdentityLogin {
  private configuration: Promise<oidc.Configuration> | null = null;

  constructor(
    private readonly settings: IdentityProviderSettings,
    /** Signs the transaction cookie: the session cookie's key. */
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!identityProviderOverHttpAllowed(settings.issuer)) throw new IdentityProviderConfigError(settings.issuer);
  }

  /** The provider's metadata, discovered once; a failed discovery is tried again on the next log-in. */
  private config(): Promise<oidc.Configuration> {
    if (this.configuration === null) {
      const { issuer, clientId, clientSecret, timeoutSeconds } = this.settings;
      const options: oidc.DiscoveryRequestOptions = { timeout: timeoutSeconds, ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}) };
      this.configuration = oidc.discovery(issuer, clientId, clientSecret, oidc.ClientSecretBasic(clientSecret), options).catch((err: unknown) => {
        this.configuration = null;
        throw new StatisticsError('STATISTICS.IDENTITY_UNAVAILABLE', `the identity provider ${issuer.href} did not answer its discovery: ${refusalText(err)}`);
      });
    }
    return this.configuration;
  }

  /**
   * Begins a log-in: the provider's authorization URL to send the browser to, and the signed
   * transaction (state, nonce, PKCE verifier) the browser keeps in a cookie until it returns.
   */
  async begin(): Promise<{ readonly url: string; readonly transaction: string }> {
    const config = await this.config();
    const verifier = oidc.randomPKCECodeVerifier();
    const tx: Transaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, exp: this.now() + IDENTITY_TRANSACTION_TTL_MS };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri.href,
      scope: this.settings.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: tx.state,
      nonce: tx.nonce,
    });
    return { url: url.href, transaction: signToken(this.secret, tx) };
  }

  /**
   * Ends a log-in: checks that the return (`search`, the callback's query string) belongs to
   * the transaction this browser began, exchanges the code, verifies the ID token (signature,
   * issuer, audience, nonce, expiry: openid-client), and maps the user's claims to an account.
   * The claims are the ID token's, and the userinfo answer's when the token lacks the role claim.
   */
  async complete(search: string, transaction: string | null): Promise<Account> {
    const tx = this.transactionOf(transaction);
    const returned = new URL(this.settings.redirectUri.href);
    returned.search = search;
    if (returned.searchParams.get('state') !== tx.state) throw new StatisticsError('STATISTICS.IDENTITY_STATE_MISMATCH', 'the return from the identity provider is not the one of the log-in this browser began: log in again', { path: 'state' });
    const config = await this.config();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, returned, { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce, idTokenExpected: true });
      claims = { ...(tokens.claims() ?? {}) };
      if (claims[this.settings.claims.roleClaim] === undefined && tokens.access_token) {
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims['sub']))), ...claims };
      }
    } catch (err) {
      if (err instanceof StatisticsError) throw err;
      if (unreachable(err)) throw new StatisticsError('STATISTICS.IDENTITY_UNAVAILABLE', `the identity provider did not answer: ${refusalText(err)}`);
      throw new StatisticsError('STATISTICS.IDENTITY_REFUSED', `the identity provider's answer was refused: ${refusalText(err)}`);
    }
    return accountOfClaims(claims, this.settings.claims);
  }

  /**
   * Where to send the browser to end the user's session at the provider as well (OpenID Connect
   * RP-Initiated Logout): its `end_session_endpoint` with this client's id and the console as
   * the address to come back to ({@link postLogoutRedirectUri}, registered at the provider).
   * Null when the provider publishes no such endpoint: only the console's session ends.
   */
  async endSessionUrl(): Promise<string | null> {
    const config = await this.config();
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, { client_id: this.settings.clientId, post_logout_redirect_uri: postLogoutRedirectUri(this.settings).href }).href;
  }

  private transactionOf(token: string | null): Transaction {
    const check = token ? verifyToken(this.secret, token) : null;
    const p = check?.ok ? check.payload : null;
    if (p === null || typeof p['state'] !== 'string' || typeof p['nonce'] !== 'string' || typeof p['verifier'] !== 'string' || typeof p['exp'] !== 'number') {
      throw new StatisticsError('STATISTICS.IDENTITY_STATE_MISMATCH', 'no log-in was begun in this browser (or its cookie was lost): log in again', { path: 'state' });
    }
    if (p['exp'] <= this.now()) throw new StatisticsError('STATISTICS.IDENTITY_STATE_MISMATCH', 'the log-in took longer than 10 minutes: log in again', { path: 'state' });
    return p as unknown as Transaction;
  }
}
