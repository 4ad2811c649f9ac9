// An OpenID Connect provider for the tests (node-oidc-provider), run as its own process on
// 127.0.0.1 by `startIdentityProvider` (identity-provider.ts). Its settings come as JSON in
// VDX_TEST_IDP: { port, clients: [...], accounts: { <login>: { <claims> } }, logout?: false }. The login page is
// the library's development one (any password); the console is a first-party client, so the
// user is never asked to consent. Prints `listening <issuer>` once it answers.
import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.VDX_TEST_IDP ?? '{}');
const issuer = `http://127.0.0.1:${settings.port}`;
const SCOPES = ['openid', 'profile', 'vdx'];

const provider = new Provider(issuer, {
  clients: settings.clients,
  async findAccount(_ctx, id) {
    const claims = settings.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], vdx: ['vdx_role', 'vdx_agency', 'groups'] },
  scopes: SCOPES,
  // The claims of the scopes asked for go in the ID token too, not only in userinfo.
  conformIdTokenClaims: settings.conformIdTokenClaims ?? false,
  // RP-Initiated Logout (end_session_endpoint) unless told otherwise; it asks the user to confirm.
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: settings.logout !== false } },
  pkce: { required: () => true },
  cookies: { keys: ['vdx-test-identity-provider'] },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(SCOPES.join(' '));
    await grant.save();
    return grant;
  },
});

const server = provider.listen(settings.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
