import { ConfigError } from '@vdx/config';
import { tracingConfigShape } from '@vdx/observability';
import { internalTlsConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { AccountsError, ROLES, parseAccounts, type Account, type Role } from '@vdx/statistics-domain';
import { identityProviderOverHttpAllowed, type IdentityProviderSettings } from '@vdx/statistics-feature';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');

/** `STATISTICS_ACCOUNTS`: a JSON array, or the path of a file holding one. */
const accounts = z
  .string()
  .default('')
  .transform((value, ctx): Account[] => {
    const text = value.trim();
    if (text === '') return [];
    let raw: unknown;
    try {
      raw = JSON.parse(text.startsWith('[') ? text : readFileSync(text, 'utf8'));
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a JSON array nor a readable file of one: ${(err as Error).message}` });
      return z.NEVER;
    }
    try {
      return parseAccounts(raw);
    } catch (err) {
      if (!(err instanceof AccountsError)) throw err;
      for (const problem of err.problems) ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
  });

const claimName = z.string().regex(/^[A-Za-z0-9_:./-]{1,100}$/, 'a claim name');

/** `STATISTICS_OIDC_ROLE_MAP`: a JSON object from the identity provider's values to the console's roles. */
const roleMap = z
  .string()
  .default('')
  .transform((value, ctx): Record<string, Role> => {
    if (value.trim() === '') return {};
    let raw: unknown;
    try {
      raw = JSON.parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object, e.g. {"vpcp-thong-ke":"central-office"}' });
      return z.NEVER;
    }
    const out: Record<string, Role> = {};
    for (const [from, to] of Object.entries(raw)) {
      if (ROLES.includes(to as Role)) out[from] = to as Role;
      else ctx.addIssue({ code: 'custom', message: `${from} maps to ${JSON.stringify(to)}, not one of ${ROLES.join(', ')}` });
    }
    return out;
  });

/** The statistics service's environment, validated at boot; HTTP serves the reporting API, the console, health and metrics on 3006 by default. */
export const statisticsConfigSchema = serviceConfigSchema(3006).extend({
  /** Records per consumed partition batch. */
  STATISTICS_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(2000),
  /**
   * Records of the partition batches handled together (at least one batch): their writes to one
   * document become one guarded upsert, so a larger group costs fewer upserts per event when
   * catching up (`npm run bench:statistics`).
   */
  STATISTICS_GROUP_RECORDS: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Delivery facts (sender, kind, acceptance time, deadline) kept in memory; the others are read from the store by `_id`. */
  STATISTICS_FACT_CACHE: z.coerce.number().int().min(1000).max(10_000_000).default(200_000),
  /** The local accounts (docs/adr/0017-console-access.md); with at least one, every API call needs a session. */
  STATISTICS_ACCOUNTS: accounts,
  /** The session cookie's HMAC key; unset: a random key per boot, with a warning. */
  STATISTICS_SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  STATISTICS_SESSION_TTL_MIN: z.coerce.number().int().min(5).max(1440).default(480),
  /** `true` behind TLS: the cookie is sent over HTTPS only. */
  STATISTICS_COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Failed log-ins one user name may have within the window before the next is refused (429). */
  STATISTICS_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** Failed log-ins from one client address, whatever the user names, within the window. */
  STATISTICS_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** The sliding window of those counts, in minutes. */
  STATISTICS_LOGIN_WINDOW_MIN: z.coerce.number().int().min(1).max(1440).default(15),
  /**
   * Log-in through an OpenID Connect identity provider (docs/adr/0028-console-openid-connect.md):
   * its issuer URL; empty (the default): local accounts only. With it, the client id, secret and
   * redirect URL are required.
   */
  STATISTICS_OIDC_ISSUER: z.union([z.literal(''), z.string().url('an absolute URL')]).default(''),
  STATISTICS_OIDC_CLIENT_ID: z.string().max(200).default(''),
  /** The client's secret at the provider (`client_secret_basic`). */
  STATISTICS_OIDC_CLIENT_SECRET: z.string().max(1000).default(''),
  /** The callback as the browser reaches it, `https://<host>/statistics/v1/oidc/callback`, registered at the provider. */
  STATISTICS_OIDC_REDIRECT_URL: z.union([z.literal(''), z.string().url('an absolute URL')]).default(''),
  /** Scopes asked for, separated by spaces; `openid` is always asked. */
  STATISTICS_OIDC_SCOPES: z.string().default('openid profile'),
  /** The claim holding the role (a value or a list of groups), and the one holding an agency admin's agency code. */
  STATISTICS_OIDC_ROLE_CLAIM: claimName.default('vdx_role'),
  STATISTICS_OIDC_AGENCY_CLAIM: claimName.default('vdx_agency'),
  /** The provider's role values mapped to the console's roles (JSON object); empty: the claim holds the role names. */
  STATISTICS_OIDC_ROLE_MAP: roleMap,
  /** Each call to the provider gives up after this many seconds. */
  STATISTICS_OIDC_TIMEOUT_S: z.coerce.number().int().min(1).max(120).default(10),
  /**
   * The delivery service's internal `delivery.v1` (host:port), behind the console's document
   * traces and dead letters; empty (the default): not connected, those parts answer 503.
   */
  DELIVERY_GRPC_URL: z
    .string()
    .regex(/^([\w.-]+:\d{1,5})?$/, 'DELIVERY_GRPC_URL must be host:port, e.g. 127.0.0.1:5005, or empty')
    .default(''),
  /** INTERNAL_TLS_CERT, INTERNAL_TLS_KEY, INTERNAL_TLS_CA: its identity as a client of delivery.v1 (mutual TLS, docs/adr/0024-internal-mtls.md), read when DELIVERY_GRPC_URL is set. */
  ...internalTlsConfigShape('statistics'),
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
  /** Overrides for isolated runs (tests); production keeps the defaults. */
  GATEWAY_EVENTS_TOPIC: topicName.default('vdx.gateway.events.v1'),
  SIGNATURE_EVENTS_TOPIC: topicName.default('vdx.signature.events.v1'),
  ROUTING_EVENTS_TOPIC: topicName.default('vdx.routing.events.v1'),
  DELIVERY_EVENTS_TOPIC: topicName.default('vdx.delivery.events.v1'),
  DIRECTORY_EVENTS_TOPIC: topicName.default('vdx.directory.events.v1'),
  /** The projection's name (consumer group `projection.<name>`); an isolated run uses its own. */
  STATISTICS_PROJECTION: z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/).default('statistics'),
});

export type StatisticsConfig = z.infer<typeof statisticsConfigSchema>;

/**
 * The identity provider's settings, when `STATISTICS_OIDC_ISSUER` is set; throws `CONFIG.INVALID`
 * listing what else is missing or wrong (the client, its secret, the redirect URL, plain HTTP
 * to a provider that is not on this machine).
 */
export function identityProviderOf(c: StatisticsConfig): IdentityProviderSettings | undefined {
  if (c.STATISTICS_OIDC_ISSUER === '') return undefined;
  const problems: string[] = [];
  const issuer = new URL(c.STATISTICS_OIDC_ISSUER);
  if (!identityProviderOverHttpAllowed(issuer)) problems.push('STATISTICS_OIDC_ISSUER: must use https (plain http only for a provider on this machine)');
  if (c.STATISTICS_OIDC_CLIENT_ID === '') problems.push('STATISTICS_OIDC_CLIENT_ID: required with STATISTICS_OIDC_ISSUER');
  if (c.STATISTICS_OIDC_CLIENT_SECRET === '') problems.push('STATISTICS_OIDC_CLIENT_SECRET: required with STATISTICS_OIDC_ISSUER');
  if (c.STATISTICS_OIDC_REDIRECT_URL === '') problems.push('STATISTICS_OIDC_REDIRECT_URL: required with STATISTICS_OIDC_ISSUER (https://<host>/statistics/v1/oidc/callback)');
  else if (!new URL(c.STATISTICS_OIDC_REDIRECT_URL).pathname.endsWith('/statistics/v1/oidc/callback')) problems.push('STATISTICS_OIDC_REDIRECT_URL: must end in /statistics/v1/oidc/callback');
  if (problems.length > 0) throw new ConfigError('statistics', problems);
  const scopes = [...new Set(['openid', ...c.STATISTICS_OIDC_SCOPES.split(/\s+/).filter((x) => x !== '')])];
  return {
    issuer,
    clientId: c.STATISTICS_OIDC_CLIENT_ID,
    clientSecret: c.STATISTICS_OIDC_CLIENT_SECRET,
    redirectUri: new URL(c.STATISTICS_OIDC_REDIRECT_URL),
    scopes,
    claims: { roleClaim: c.STATISTICS_OIDC_ROLE_CLAIM, agencyClaim: c.STATISTICS_OIDC_AGENCY_CLAIM, roleMap: c.STATISTICS_OIDC_ROLE_MAP },
    timeoutSeconds: c.STATISTICS_OIDC_TIMEOUT_S,
  };
}
