import { accountOfClaims, DEFAULT_CLAIMS_MAPPING, userOfClaims } from './identity-claims';
import { StatisticsError } from './statistics.error';

const refusal = (f: () => unknown): [string, string] => {
  try {
    f();
  } catch (err) {
    if (err instanceof StatisticsError) return [err.code, err.path];
    throw err;
  }
  throw new Error('not refused');
};

describe('accountOfClaims: who an identity provider user is to the console', () => {
  it('takes the role, and an agency admin its agency, from the claims', () => {
    expect(accountOfClaims({ sub: 's1', preferred_username: 'vpcp.thongke', vdx_role: 'central-office' })).toEqual({ user: 'vpcp.thongke', role: 'central-office', agency: null, passwordHash: '' });
    const admin = accountOfClaims({ sub: 's2', email: 'qtv@tayninh.gov.vn', vdx_role: 'agency-admin', vdx_agency: '000.00.00.H53' });
    expect([admin.user, admin.role, admin.agency?.toString()]).toEqual(['qtv@tayninh.gov.vn', 'agency-admin', '000.00.00.H53']);
    // A viewer's agency claim, if any, is not a scope.
    expect(accountOfClaims({ sub: 's3', vdx_role: 'viewer', vdx_agency: '000.00.00.H53' })).toMatchObject({ user: 's3', role: 'viewer', agency: null });
  });

  it('maps the provider’s group names to roles, and finds the one among other groups', () => {
    const mapping = { roleClaim: 'groups', agencyClaim: 'ma_dinh_danh', roleMap: { 'vpcp-thong-ke': 'central-office', 'quan-tri-don-vi': 'agency-admin' } } as const;
    expect(accountOfClaims({ sub: 's', groups: ['nhan-vien', 'vpcp-thong-ke'] }, mapping)).toMatchObject({ role: 'central-office' });
    expect(accountOfClaims({ sub: 's', groups: ['quan-tri-don-vi'], ma_dinh_danh: '000.00.32.H53' }, mapping)).toMatchObject({ role: 'agency-admin' });
    // With a map, the role names themselves are not roles: only what the map names is.
    expect(refusal(() => accountOfClaims({ sub: 's', groups: ['central-office'] }, mapping))).toEqual(['STATISTICS.IDENTITY_NO_ROLE', 'groups']);
  });

  it('refuses a user with no role, several roles, or an agency admin without a valid agency code (403 codes)', () => {
    expect(refusal(() => accountOfClaims({ sub: 's' }))).toEqual(['STATISTICS.IDENTITY_NO_ROLE', 'vdx_role']);
    expect(refusal(() => accountOfClaims({ sub: 's', vdx_role: 'root' }))).toEqual(['STATISTICS.IDENTITY_NO_ROLE', 'vdx_role']);
    expect(refusal(() => accountOfClaims({ sub: 's', vdx_role: ['viewer', 'central-office'] }))).toEqual(['STATISTICS.IDENTITY_AMBIGUOUS_ROLE', 'vdx_role']);
    expect(accountOfClaims({ sub: 's', vdx_role: ['viewer', 'viewer'] })).toMatchObject({ role: 'viewer' });
    expect(refusal(() => accountOfClaims({ sub: 's', vdx_role: 'agency-admin' }))).toEqual(['STATISTICS.IDENTITY_BAD_AGENCY', 'vdx_agency']);
    expect(refusal(() => accountOfClaims({ sub: 's', vdx_role: 'agency-admin', vdx_agency: 'H53' }))).toEqual(['STATISTICS.IDENTITY_BAD_AGENCY', 'vdx_agency']);
    expect(refusal(() => accountOfClaims({ sub: 's', vdx_role: 'agency-admin', vdx_agency: ['000.00.00.H53'] }))).toEqual(['STATISTICS.IDENTITY_BAD_AGENCY', 'vdx_agency']);
    // Spaces around a claim's value are the provider's formatting, not part of the code.
    expect(accountOfClaims({ sub: 's', vdx_role: ' agency-admin ', vdx_agency: ' 000.00.00.H53\n' }).agency?.toString()).toBe('000.00.00.H53');
  });

  it('names the user by user name, else e-mail, else subject, and refuses no subject at all', () => {
    expect(userOfClaims({ sub: 'abc', email: 'a@b.vn', preferred_username: 'an' })).toBe('an');
    expect(userOfClaims({ sub: 'abc', email: 'a@b.vn', preferred_username: ' ' })).toBe('a@b.vn');
    expect(userOfClaims({ sub: 'abc' })).toBe('abc');
    expect(refusal(() => userOfClaims({}))).toEqual(['STATISTICS.IDENTITY_REFUSED', 'sub']);
    expect(DEFAULT_CLAIMS_MAPPING).toEqual({ roleClaim: 'vdx_role', agencyClaim: 'vdx_agency', roleMap: {} });
  });
});
