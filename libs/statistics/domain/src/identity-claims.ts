import { ROLES, type Account, type Role } from './access';
import { agencyOf } from './scopes';
import { StatisticsError } from './statistics.error';

// Who an identity provider's user is to the console (docs/adr/0017-console-access.md, point 5):
// the role and the agency from the claims of the ID token (or of the userinfo answer).

export interface ClaimsMapping {
  /** The claim holding the role: one value, or a list of groups (default `vdx_role`). */
  readonly roleClaim: string;
  /** The claim holding an agency admin's agency code (default `vdx_agency`). */
  readonly agencyClaim: string;
  /**
   * The identity provider's values for the console's roles (`{ "vpcp-thong-ke": "central-office" }`);
   * empty: the claim holds the role names themselves.
   */
  readonly roleMap: Readonly<Record<string, Role>>;
}

export const DEFAULT_CLAIMS_MAPPING: ClaimsMapping = { roleClaim: 'vdx_role', agencyClaim: 'vdx_agency', roleMap: {} };

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The name the console shows and logs: the provider's user name, else the e-mail, else the subject. */
export function userOfClaims(claims: Readonly<Record<string, unknown>>): string {
  const name = text(claims['preferred_username']) ?? text(claims['email']) ?? text(claims['sub']);
  if (name === null) throw new StatisticsError('STATISTICS.IDENTITY_REFUSED', 'the identity provider named no subject (sub)', { path: 'sub' });
  return name.slice(0, 128);
}

/**
 * The account of a user the identity provider logged in. Refuses (403) a user whose claims give
 * no role the console knows (`STATISTICS.IDENTITY_NO_ROLE`), several different ones
 * (`IDENTITY_AMBIGUOUS_ROLE`: no guessing which one was meant), or an agency admin without a
 * valid agency code (`IDENTITY_BAD_AGENCY`).
 */
export function accountOfClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimsMapping = DEFAULT_CLAIMS_MAPPING): Account {
  const user = userOfClaims(claims);
  const raw = claims[mapping.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (text(v) === null ? [] : [text(v)!]));
  const hasMap = Object.keys(mapping.roleMap).length > 0;
  const roles = [...new Set(values.flatMap((v): Role[] => (hasMap ? (mapping.roleMap[v] ? [mapping.roleMap[v]] : []) : ROLES.includes(v as Role) ? [v as Role] : [])))];
  if (roles.length === 0) {
    throw new StatisticsError('STATISTICS.IDENTITY_NO_ROLE', `${user} has no role of the console in the claim ${mapping.roleClaim} (${values.length === 0 ? 'absent' : values.join(', ')})`, { path: mapping.roleClaim });
  }
  if (roles.length > 1) throw new StatisticsError('STATISTICS.IDENTITY_AMBIGUOUS_ROLE', `${user} has several roles of the console in ${mapping.roleClaim} (${roles.join(', ')}): give the user one`, { path: mapping.roleClaim });
  const role = roles[0]!;
  if (role !== 'agency-admin') return { user, role, agency: null, passwordHash: '' };
  const code = text(claims[mapping.agencyClaim]);
  const agency = agencyOf(code);
  if (agency === null) {
    throw new StatisticsError('STATISTICS.IDENTITY_BAD_AGENCY', `${user} is an agency admin without a valid agency code in the claim ${mapping.agencyClaim} (${code ?? 'absent'})`, { path: mapping.agencyClaim });
  }
  return { user, role, agency, passwordHash: '' };
}
