import { Controller, Get, Header, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { StatisticsError } from '@vdx/statistics-domain';
import { IDENTITY_TRANSACTION_TTL_MS, IdentityLogin } from './identity-login';
import { IDENTITY_COOKIE, StatisticsAccess, cookieValue, refusal } from './statistics-access';
import { STATISTICS_ACCESS } from './statistics.controller';

export const STATISTICS_IDENTITY = Symbol('vdx.statistics.identity');

/** Where the browser goes once logged in, or refused (the console shows the code). */
const CONSOLE = '/console/';

interface Request {
  readonly headers: { readonly cookie?: string };
  /** The path and query string as the client sent them. */
  readonly originalUrl: string;
}
interface Response {
  setHeader(name: string, value: string | readonly string[]): void;
  redirect(status: number, url: string): void;
}

/**
 * Log-in through the identity provider (docs/adr/0028-console-openid-connect.md):
 * `GET /statistics/v1/oidc/login` sends the browser to the provider; the provider sends it back
 * to `GET /statistics/v1/oidc/callback`, which sets the session and returns to the console (or
 * to the console with `#login-error=<code>`). `GET /statistics/v1/login-methods` tells the
 * console which ways of logging in there are; `POST /statistics/v1/oidc/logout` ends the session
 * here and at the provider.
 */
@Controller('statistics/v1')
export class StatisticsIdentityController {
  private readonly logger = new Logger('statistics');

  constructor(
    @Inject(STATISTICS_ACCESS) private readonly access: StatisticsAccess,
    @Inject(STATISTICS_IDENTITY) private readonly identity: IdentityLogin | null,
  ) {}

  @Get('login-methods')
  @Header('Cache-Control', 'no-store')
  methods(): { password: boolean; identityProvider: boolean; loginRequired: boolean } {
    return { ...this.access.methods, loginRequired: this.access.required };
  }

  @Get('oidc/login')
  @Header('Cache-Control', 'no-store')
  async begin(@Res() res: Response): Promise<void> {
    const identity = this.configured();
    let started: Awaited<ReturnType<IdentityLogin['begin']>>;
    try {
      started = await identity.begin();
    } catch (err) {
      if (err instanceof StatisticsError) throw refusal(err.code, err.message, err.parameter);
      throw err;
    }
    res.setHeader('Set-Cookie', this.access.identityCookie(started.transaction, Math.floor(IDENTITY_TRANSACTION_TTL_MS / 1000)));
    res.redirect(302, started.url);
  }

  @Get('oidc/callback')
  @Header('Cache-Control', 'no-store')
  async complete(@Req() req: Request, @Res() res: Response): Promise<void> {
    const identity = this.configured();
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const clear = this.access.identityCookie('', 0);
    try {
      const account = await identity.complete(query, cookieValue(req.headers.cookie, IDENTITY_COOKIE));
      res.setHeader('Set-Cookie', [this.access.identitySession(account).cookie, clear]);
      this.logger.log(`${account.user} logged in through the identity provider as ${account.role}${account.agency ? ` of ${account.agency.toString()}` : ''}`);
      res.redirect(302, CONSOLE);
    } catch (err) {
      if (!(err instanceof StatisticsError)) throw err;
      this.logger.warn(`a log-in through the identity provider was refused: ${err.code}: ${err.message}`);
      res.setHeader('Set-Cookie', clear);
      res.redirect(302, `${CONSOLE}#login-error=${encodeURIComponent(err.code)}`);
    }
  }

  /**
   * Ends the session, and the user's session at the provider too when it opened this one and
   * publishes an end-session endpoint: answers where the browser goes next, the provider's
   * end-session URL (which asks the user and then sends the browser back to the console) or the
   * console. A `fetch` POST the console follows with `location.assign`: a page of another site
   * cannot log the user out, and the console's `form-action 'self'` stays as it is. The
   * console's session ends in every case; a provider that does not answer its discovery is
   * reported as `/console/#login-error=STATISTICS.IDENTITY_UNAVAILABLE`.
   */
  @Post('oidc/logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Pick<Response, 'setHeader'>): Promise<{ next: string }> {
    const fromProvider = this.access.sessionOrigin(req.headers.cookie) === 'identity-provider';
    res.setHeader('Set-Cookie', this.access.logoutCookie());
    if (!fromProvider || this.identity === null) return { next: CONSOLE };
    try {
      return { next: (await this.identity.endSessionUrl()) ?? CONSOLE };
    } catch (err) {
      if (!(err instanceof StatisticsError)) throw err;
      this.logger.warn(`the session at the identity provider could not be ended: ${err.code}: ${err.message}`);
      return { next: `${CONSOLE}#login-error=${encodeURIComponent(err.code)}` };
    }
  }

  private configured(): IdentityLogin {
    if (this.identity === null) throw refusal('STATISTICS.IDENTITY_NOT_CONFIGURED', 'no identity provider is configured (STATISTICS_OIDC_ISSUER): log in with a local account');
    return this.identity;
  }
}
