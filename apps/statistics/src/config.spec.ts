import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityProviderOf, statisticsConfigSchema } from './config';

const HASH = 'scrypt$16384$8$1$Qt42rPVn9yYIno_XgTyEkA$9Ieu5D_6979Ujc3S8h6ugphKAUT1hF_YGW9rqZQ4E0g';
const base = { KAFKA_BROKERS: '127.0.0.1:9092', MONGO_URL: 'mongodb://127.0.0.1:27017/' };

describe('statistics config', () => {
  it('defaults to no accounts (the API open), a random session key, 8-hour sessions and the production topics', () => {
    const c = statisticsConfigSchema.parse(base);
    expect([c.STATISTICS_ACCOUNTS, c.STATISTICS_SESSION_SECRET, c.STATISTICS_SESSION_TTL_MIN, c.STATISTICS_COOKIE_SECURE]).toEqual([[], undefined, 480, false]);
    expect([c.GATEWAY_EVENTS_TOPIC, c.DIRECTORY_EVENTS_TOPIC, c.STATISTICS_PROJECTION]).toEqual(['vdx.gateway.events.v1', 'vdx.directory.events.v1', 'statistics']);
  });

  it('limits failed log-ins to 5 per user and 20 per address in 15 minutes, and refuses limits below 1', () => {
    const c = statisticsConfigSchema.parse(base);
    expect([c.STATISTICS_LOGIN_MAX_FAILURES, c.STATISTICS_LOGIN_MAX_FAILURES_PER_ADDRESS, c.STATISTICS_LOGIN_WINDOW_MIN]).toEqual([5, 20, 15]);
    expect(statisticsConfigSchema.parse({ ...base, STATISTICS_LOGIN_MAX_FAILURES: '3', STATISTICS_LOGIN_WINDOW_MIN: '60' })).toMatchObject({ STATISTICS_LOGIN_MAX_FAILURES: 3, STATISTICS_LOGIN_WINDOW_MIN: 60 });
    const bad = statisticsConfigSchema.safeParse({ ...base, STATISTICS_LOGIN_MAX_FAILURES: '0', STATISTICS_LOGIN_MAX_FAILURES_PER_ADDRESS: 'many', STATISTICS_LOGIN_WINDOW_MIN: '2000' });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['STATISTICS_LOGIN_MAX_FAILURES', 'STATISTICS_LOGIN_MAX_FAILURES_PER_ADDRESS', 'STATISTICS_LOGIN_WINDOW_MIN']);
  });

  it('reads accounts as JSON or from a file', () => {
    const json = JSON.stringify([{ user: 'tayninh', role: 'agency-admin', agency: '000.00.00.H53', passwordHash: HASH }]);
    expect(statisticsConfigSchema.parse({ ...base, STATISTICS_ACCOUNTS: json }).STATISTICS_ACCOUNTS.map((a) => [a.user, a.agency?.toString()])).toEqual([['tayninh', '000.00.00.H53']]);
    const dir = mkdtempSync(join(tmpdir(), 'vdx-statistics-accounts-'));
    try {
      writeFileSync(join(dir, 'accounts.json'), json);
      expect(statisticsConfigSchema.parse({ ...base, STATISTICS_ACCOUNTS: join(dir, 'accounts.json') }).STATISTICS_ACCOUNTS).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad accounts, a missing file, a short secret and a bad lifetime, listing every problem', () => {
    const bad = statisticsConfigSchema.safeParse({ ...base, STATISTICS_ACCOUNTS: JSON.stringify([{ user: 'vpcp', role: 'root', passwordHash: 'secret' }]), STATISTICS_SESSION_SECRET: 'short', STATISTICS_SESSION_TTL_MIN: '0' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message.slice(0, 38)])).toEqual([
      ['STATISTICS_ACCOUNTS', 'accounts[0].role must be one of centra'],
      ['STATISTICS_ACCOUNTS', 'accounts[0].passwordHash must be a scr'],
      ['STATISTICS_SESSION_SECRET', 'at least 32 characters'],
      ['STATISTICS_SESSION_TTL_MIN', expect.any(String)],
    ]);
    const missing = statisticsConfigSchema.safeParse({ ...base, STATISTICS_ACCOUNTS: 'no-such-accounts-file.json' });
    expect(missing.error!.issues[0]!.message).toMatch(/^not a JSON array nor a readable file of one: ENOENT/);
  });
  it('calls no delivery.v1 by default, takes host:port, and refuses anything else', () => {
    const c = statisticsConfigSchema.parse(base);
    expect([c.DELIVERY_GRPC_URL, c.INTERNAL_TLS_CERT, c.INTERNAL_TLS_KEY, c.INTERNAL_TLS_CA]).toEqual(['', '.local/pki/services/statistics.crt', '.local/pki/services/statistics.key', '.local/pki/ca.crt']);
    expect(statisticsConfigSchema.parse({ ...base, DELIVERY_GRPC_URL: 'delivery:5005' }).DELIVERY_GRPC_URL).toBe('delivery:5005');
    const bad = statisticsConfigSchema.safeParse({ ...base, DELIVERY_GRPC_URL: 'http://delivery:5005' });
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['DELIVERY_GRPC_URL', 'DELIVERY_GRPC_URL must be host:port, e.g. 127.0.0.1:5005, or empty']]);
  });

  it('logs in with local accounts only unless an identity provider is configured', () => {
    const c = statisticsConfigSchema.parse(base);
    expect([c.STATISTICS_OIDC_ISSUER, c.STATISTICS_OIDC_SCOPES, c.STATISTICS_OIDC_ROLE_CLAIM, c.STATISTICS_OIDC_AGENCY_CLAIM, c.STATISTICS_OIDC_ROLE_MAP, c.STATISTICS_OIDC_TIMEOUT_S]).toEqual(['', 'openid profile', 'vdx_role', 'vdx_agency', {}, 10]);
    expect(identityProviderOf(c)).toBeUndefined();
  });

  it('reads the identity provider, always asking for openid, with a role map', () => {
    const c = statisticsConfigSchema.parse({
      ...base,
      STATISTICS_OIDC_ISSUER: 'https://sso.chinhphu.vn/realms/vpcp',
      STATISTICS_OIDC_CLIENT_ID: 'vdx-thong-ke',
      STATISTICS_OIDC_CLIENT_SECRET: 'bi-mat',
      STATISTICS_OIDC_REDIRECT_URL: 'https://thongke.vpcp.gov.vn/statistics/v1/oidc/callback',
      STATISTICS_OIDC_SCOPES: 'profile email',
      STATISTICS_OIDC_ROLE_CLAIM: 'groups',
      STATISTICS_OIDC_ROLE_MAP: JSON.stringify({ 'vpcp-thong-ke': 'central-office' }),
    });
    expect(identityProviderOf(c)).toEqual({
      issuer: new URL('https://sso.chinhphu.vn/realms/vpcp'),
      clientId: 'vdx-thong-ke',
      clientSecret: 'bi-mat',
      redirectUri: new URL('https://thongke.vpcp.gov.vn/statistics/v1/oidc/callback'),
      scopes: ['openid', 'profile', 'email'],
      claims: { roleClaim: 'groups', agencyClaim: 'vdx_agency', roleMap: { 'vpcp-thong-ke': 'central-office' } },
      timeoutSeconds: 10,
    });
  });

  it('refuses an identity provider without its client, over plain http elsewhere, or with a bad role map, listing every problem', () => {
    const bad = statisticsConfigSchema.safeParse({ ...base, STATISTICS_OIDC_ISSUER: 'not a url', STATISTICS_OIDC_ROLE_MAP: '{"a":"root"}' });
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['STATISTICS_OIDC_ISSUER', 'an absolute URL'],
      ['STATISTICS_OIDC_ROLE_MAP', 'a maps to "root", not one of central-office, agency-admin, viewer'],
    ]);
    const incomplete = statisticsConfigSchema.parse({ ...base, STATISTICS_OIDC_ISSUER: 'http://sso.chinhphu.vn', STATISTICS_OIDC_REDIRECT_URL: 'https://thongke.vpcp.gov.vn/callback' });
    expect(() => identityProviderOf(incomplete)).toThrow(
      expect.objectContaining({
        code: 'CONFIG.INVALID',
        problems: [
          'STATISTICS_OIDC_ISSUER: must use https (plain http only for a provider on this machine)',
          'STATISTICS_OIDC_CLIENT_ID: required with STATISTICS_OIDC_ISSUER',
          'STATISTICS_OIDC_CLIENT_SECRET: required with STATISTICS_OIDC_ISSUER',
          'STATISTICS_OIDC_REDIRECT_URL: must end in /statistics/v1/oidc/callback',
        ],
      }),
    );
    // A provider on this machine may speak plain http (the sandbox).
    const local = statisticsConfigSchema.parse({ ...base, STATISTICS_OIDC_ISSUER: 'http://127.0.0.1:9000', STATISTICS_OIDC_CLIENT_ID: 'c', STATISTICS_OIDC_CLIENT_SECRET: 's', STATISTICS_OIDC_REDIRECT_URL: 'http://127.0.0.1:3006/statistics/v1/oidc/callback' });
    expect(identityProviderOf(local)?.issuer.href).toBe('http://127.0.0.1:9000/');
  });
});
