import { isInSubtree, type AgencyCode } from '@vdx/agency-code';
import { CodedError } from '@vdx/contracts/errors';
import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ReportQuery } from './query';
import { agencyOf } from './scopes';
import { StatisticsError } from './statistics.error';

// Who may read what (docs/adr/0017-console-access.md): local accounts with scrypt-hashed
// passwords, sessions in an HMAC-signed cookie, and three roles.

export const ROLES = ['central-office', 'agency-admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Account {
  readonly user: string;
  readonly role: Role;
  /** The root of an agency admin's subtree; null for the other roles. */
  readonly agency: AgencyCode | null;
  /** `scrypt$<N>$<r>$<p>$<salt, base64url>$<key, base64url>`, as `hashPassword` writes it. */
  readonly passwordHash: string;
}

/** Who made a request, as `/statistics/v1/me` answers. */
export interface Principal {
  readonly user: string;
  readonly role: Role;
  readonly agency: string | null;
}

export const principalOf = (a: Account): Principal => ({ user: a.user, role: a.role, agency: a.agency?.toString() ?? null });

const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptKey(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A password's stored form: scrypt with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptKey(password, salt, SCRYPT, KEY_LENGTH);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const HASH_FORMAT = /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

/** True when `password` is the one `hash` was made from (constant-time comparison). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = HASH_FORMAT.exec(hash);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scryptKey(password, Buffer.from(m[4]!, 'base64url'), { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }, expected.length);
  return timingSafeEqual(key, expected);
}

/** Why a list of accounts was refused at boot (`STATISTICS.BAD_ACCOUNTS`): one line per problem. */
export class AccountsError extends CodedError<'STATISTICS.BAD_ACCOUNTS'> {
  override readonly name = 'AccountsError';

  constructor(readonly problems: readonly string[]) {
    super('STATISTICS.BAD_ACCOUNTS', problems.join('; '));
  }
}

/** Validates the configured accounts (`[{ user, role, agency?, passwordHash }]`); every problem is listed. */
export function parseAccounts(raw: unknown): Account[] {
  if (!Array.isArray(raw)) throw new AccountsError(['accounts must be a JSON array of { user, role, agency?, passwordHash }']);
  const problems: string[] = [];
  const seen = new Set<string>();
  const out: Account[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = `accounts[${i}]`;
    if (typeof entry !== 'object' || entry === null) return void problems.push(`${at} must be an object`);
    const e = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(e).filter((k) => !['user', 'role', 'agency', 'passwordHash'].includes(k));
    if (unknownKeys.length > 0) problems.push(`${at} has unknown field(s) ${unknownKeys.join(', ')}`);
    const user = e['user'];
    if (typeof user !== 'string' || !/^[a-z0-9._@-]{1,64}$/.test(user)) problems.push(`${at}.user must be 1–64 of a-z 0-9 . _ @ -`);
    else if (seen.has(user)) problems.push(`${at}.user ${user} is listed twice`);
    else seen.add(user);
    const role = e['role'];
    if (!ROLES.includes(role as Role)) problems.push(`${at}.role must be one of ${ROLES.join(', ')}`);
    const agencyValue = e['agency'];
    let agency: AgencyCode | null = null;
    if (role === 'agency-admin') {
      agency = typeof agencyValue === 'string' ? agencyOf(agencyValue) : null;
      if (agency === null) problems.push(`${at}.agency must be a canonical agency code for an agency-admin`);
    } else if (agencyValue !== undefined && agencyValue !== null) problems.push(`${at}.agency is only for an agency-admin`);
    const hash = e['passwordHash'];
    if (typeof hash !== 'string' || !HASH_FORMAT.test(hash)) problems.push(`${at}.passwordHash must be a scrypt hash as \`npm run vdx -- hash-password\` prints it`);
    if (typeof user === 'string' && ROLES.includes(role as Role) && typeof hash === 'string') out.push({ user, role: role as Role, agency, passwordHash: hash });
  });
  if (problems.length > 0) throw new AccountsError(problems);
  return out;
}

/**
 * Who a session from the identity provider is: the role and agency its claims gave at log-in,
 * carried in the signed session itself (such users are not among the local accounts).
 */
export interface SessionIdentity {
  readonly role: Role;
  readonly agency: string | null;
}

/** `<payload, base64url>.<HMAC-SHA256, base64url>`: a payload only this key could have signed. */
export function signToken(secret: string, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The payload of a token {@link signToken} made with this key, checked in constant time; null otherwise. */
export function verifyToken(secret: string, token: string): { readonly ok: true; readonly payload: Record<string, unknown> } | { readonly ok: false; readonly reason: 'malformed' | 'signature' } {
  const m = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(m[1]!).digest();
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  try {
    const payload: unknown = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? { ok: true, payload: payload as Record<string, unknown> } : { ok: false, reason: 'malformed' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/**
 * A session token: the payload is `{ u, exp }`, and for a user the identity provider logged in
 * `{ u, exp, r, a }` (role and agency from its claims).
 */
export function signSession(secret: string, user: string, expiresAtMs: number, identity?: SessionIdentity): string {
  return signToken(secret, identity ? { u: user, exp: expiresAtMs, r: identity.role, a: identity.agency } : { u: user, exp: expiresAtMs });
}

export type SessionCheck =
  | { readonly ok: true; readonly user: string; readonly expiresAtMs: number; readonly identity: SessionIdentity | null }
  | { readonly ok: false; readonly reason: 'malformed' | 'signature' | 'expired' };

/** Checks a token's signature (constant time) and expiry. */
export function verifySession(secret: string, token: string, nowMs: number): SessionCheck {
  const check = verifyToken(secret, token);
  if (!check.ok) return check;
  const { u, exp, r, a } = check.payload;
  if (typeof u !== 'string' || typeof exp !== 'number') return { ok: false, reason: 'malformed' };
  if (r !== undefined && (!ROLES.includes(r as Role) || (a !== null && typeof a !== 'string'))) return { ok: false, reason: 'malformed' };
  if (exp <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, user: u, expiresAtMs: exp, identity: r === undefined ? null : { role: r as Role, agency: (a as string | null) ?? null } };
}

/**
 * Refuses a query outside the account's scope (`STATISTICS.OUTSIDE_SCOPE`, answered 403):
 * central office reads everything; a viewer the national figures only; an agency admin its own
 * agency and the agencies below it, never the national figures nor another agency's.
 */
export function authorize(account: Account, q: ReportQuery): void {
  if (account.role === 'central-office') return;
  if (account.role === 'viewer') {
    if (q.agency !== null) throw new StatisticsError('STATISTICS.OUTSIDE_SCOPE', `a viewer reads the national figures only, not ${q.agency.toString()}`, { path: 'agency' });
    return;
  }
  const root = account.agency!;
  if (q.agency === null) throw new StatisticsError('STATISTICS.OUTSIDE_SCOPE', `${account.user} reads the figures of ${root.toString()} and its units only: give agency=${root.toString()} or one of its units`, { path: 'agency' });
  if (!isInSubtree(q.agency, root)) throw new StatisticsError('STATISTICS.OUTSIDE_SCOPE', `${q.agency.toString()} is not ${root.toString()} nor one of its units`, { path: 'agency' });
  // `connected` is answered for the agency's whole level-1 subtree.
  if (q.endpoint === 'connected' && root.level !== 1) throw new StatisticsError('STATISTICS.OUTSIDE_SCOPE', `connected agencies are counted per level-1 subtree, wider than ${root.toString()}`, { path: 'agency' });
}
