import { HttpException } from '@nestjs/common';
import { CodedError, httpStatusOf } from '@vdx/contracts/errors';
import {
  LoginThrottle,
  StatisticsError,
  agencyOf,
  authorize,
  principalOf,
  signSession,
  verifyPassword,
  verifySession,
  type Account,
  type LoginRefusal,
  type LoginThrottleOptions,
  type Principal,
  type ReportQuery,
  type StatisticsErrorCode,
} from '@vdx/statistics-domain';

export const SESSION_COOKIE = 'vdx_statistics_session';
/** The log-in begun at the identity provider, until the browser comes back (docs/adr/0028-console-openid-connect.md). */
export const IDENTITY_COOKIE = 'vdx_statistics_login';
const IDENTITY_COOKIE_PATH = '/statistics/v1/oidc';

export interface StatisticsAccessOptions {
  /** The local accounts; none: the API and the console are open (a sandbox without accounts). */
  readonly accounts: readonly Account[];
  /** The HMAC key of the session cookie. */
  readonly sessionSecret: string;
  readonly sessionTtlMs: number;
  /** Adds `Secure` to the cookie (behind TLS). */
  readonly secureCookie: boolean;
  /** Failed log-ins allowed per user name and per client address within a window; none: no limit. */
  readonly loginLimits?: LoginThrottleOptions;
  /** Users also log in through an identity provider: login is then required even without local accounts. */
  readonly identityProvider?: boolean;
}

/** A refused request with its stable code, `{ error: { code, parameter, message } }`, under the HTTP status `ERROR_MAP` gives the code. */
export function refusal(code: StatisticsErrorCode, message: string, parameter: string | null = null): HttpException {
  return new HttpException({ error: { code, parameter, message } }, httpStatusOf(code));
}

/**
 * A log-in refused before its password is checked (`STATISTICS.TOO_MANY_LOGINS`): past the
 * failures allowed for the user name or the client address, with the seconds to wait. The
 * controller answers it with {@link tooManyLoginsRefusal} and `Retry-After`.
 */
export class TooManyLogins extends CodedError<'STATISTICS.TOO_MANY_LOGINS'> {
  override readonly name = 'TooManyLogins';

  constructor(
    readonly retryAfterSeconds: number,
    readonly limit: LoginRefusal['limit'],
  ) {
    super('STATISTICS.TOO_MANY_LOGINS', `too many failed log-ins ${limit === 'user' ? 'for this user' : 'from this address'}: try again in ${retryAfterSeconds} s`);
  }
}

/** The answer to a {@link TooManyLogins}: 429, `{ error: { code, parameter, message, retryAfterSeconds } }`; the caller sets `Retry-After`. */
export function tooManyLoginsRefusal(err: TooManyLogins): HttpException {
  return new HttpException({ error: { code: err.code, parameter: null, message: err.message, retryAfterSeconds: err.retryAfterSeconds } }, httpStatusOf(err.code));
}

/** The value of one cookie of a `Cookie` header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

// Compared against when the user is unknown, so a wrong name costs as long as a wrong password.
const DUMMY_HASH = `scrypt$16384$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`;

/** Log-in, sessions and the role check every API call goes through (docs/adr/0017-console-access.md). */
export class StatisticsAccess {
  private readonly byUser: ReadonlyMap<string, Account>;
  private readonly throttle: LoginThrottle | null;

  constructor(
    private readonly options: StatisticsAccessOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.byUser = new Map(options.accounts.map((a) => [a.user, a]));
    this.throttle = options.loginLimits ? new LoginThrottle(options.loginLimits) : null;
  }

  /** Login is required as soon as one account is configured, or an identity provider. */
  get required(): boolean {
    return this.byUser.size > 0 || this.options.identityProvider === true;
  }

  /** How one logs in here: with a local account's password, through the identity provider. */
  get methods(): { readonly password: boolean; readonly identityProvider: boolean } {
    return { password: this.byUser.size > 0, identityProvider: this.options.identityProvider === true };
  }

  /** The account a valid session cookie names; throws 401 otherwise. Null when login is not required. */
  account(cookieHeader: string | undefined): Account | null {
    if (!this.required) return null;
    const token = cookieValue(cookieHeader, SESSION_COOKIE);
    if (token === null || token === '') throw refusal('STATISTICS.LOGIN_REQUIRED', 'log in first: POST /statistics/v1/login');
    const check = verifySession(this.options.sessionSecret, token, this.now());
    if (!check.ok) throw refusal('STATISTICS.SESSION_INVALID', check.reason === 'expired' ? 'the session has expired: log in again' : 'the session cookie is not valid: log in again');
    // A user the identity provider logged in: the role and agency its claims gave, signed in the
    // session; refused once the provider is no longer configured, and for a scope that does not parse.
    if (check.identity) {
      const agency = agencyOf(check.identity.agency);
      if (this.options.identityProvider !== true) throw refusal('STATISTICS.SESSION_INVALID', 'the session comes from an identity provider this service no longer uses: log in again');
      if (check.identity.role === 'agency-admin' && agency === null) throw refusal('STATISTICS.SESSION_INVALID', 'the session names no agency for an agency admin: log in again');
      return { user: check.user, role: check.identity.role, agency, passwordHash: '' };
    }
    const account = this.byUser.get(check.user);
    if (!account) throw refusal('STATISTICS.SESSION_INVALID', 'the session names an account that no longer exists');
    return account;
  }

  /** How the session of this cookie was opened, when it is a valid one: a local account's password, or the identity provider. */
  sessionOrigin(cookieHeader: string | undefined): 'password' | 'identity-provider' | null {
    const token = cookieValue(cookieHeader, SESSION_COOKIE);
    if (token === null || token === '') return null;
    const check = verifySession(this.options.sessionSecret, token, this.now());
    if (!check.ok) return null;
    return check.identity ? 'identity-provider' : 'password';
  }

  /** 401 without a session, 403 when the query is outside the account's scope. */
  authorize(account: Account | null, q: ReportQuery): void {
    if (account === null) return;
    try {
      authorize(account, q);
    } catch (err) {
      if (err instanceof StatisticsError) throw refusal(err.code, err.message, err.parameter);
      throw err;
    }
  }

  /**
   * Checks the credentials of a log-in from `address` (the client's); answers the principal and
   * the `Set-Cookie` value of its session. Past the failures allowed for the user or the address
   * (`loginLimits`), refuses with {@link TooManyLogins} before checking the password.
   */
  async login(body: unknown, address = 'unknown'): Promise<{ principal: Principal; cookie: string }> {
    const { user, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof user !== 'string' || typeof password !== 'string' || user.length > 64 || password.length > 1024) {
      throw refusal('STATISTICS.BAD_LOGIN_BODY', 'the body must be JSON { "user": string, "password": string }');
    }
    const at = this.now();
    const refused = this.throttle?.attempt(user, address, at) ?? null;
    if (refused !== null) throw new TooManyLogins(Math.ceil(refused.retryAfterMs / 1000), refused.limit);
    const account = this.byUser.get(user);
    const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !ok) throw refusal('STATISTICS.BAD_CREDENTIALS', 'unknown user or wrong password');
    this.throttle?.succeeded(user, address, at);
    const token = signSession(this.options.sessionSecret, account.user, this.now() + this.options.sessionTtlMs);
    return { principal: principalOf(account), cookie: this.cookie(token, Math.floor(this.options.sessionTtlMs / 1000)) };
  }

  /** The session of an account the identity provider vouched for: its role and agency travel in the signed session. */
  identitySession(account: Account): { principal: Principal; cookie: string } {
    const token = signSession(this.options.sessionSecret, account.user, this.now() + this.options.sessionTtlMs, { role: account.role, agency: account.agency?.toString() ?? null });
    return { principal: principalOf(account), cookie: this.cookie(token, Math.floor(this.options.sessionTtlMs / 1000)) };
  }

  /** The `Set-Cookie` value that ends a session. */
  logoutCookie(): string {
    return this.cookie('', 0);
  }

  /**
   * The `Set-Cookie` value of a log-in begun at the identity provider (empty: cleared). `Lax`,
   * not `Strict`: the browser must send it back on the provider's redirect, a cross-site
   * navigation; it holds only the state, nonce and PKCE verifier, for this path only.
   */
  identityCookie(value: string, maxAgeSeconds: number): string {
    return `${IDENTITY_COOKIE}=${value}; Path=${IDENTITY_COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${this.options.secureCookie ? '; Secure' : ''}`;
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${this.options.secureCookie ? '; Secure' : ''}`;
  }
}
