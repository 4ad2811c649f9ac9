import { tracingConfigShape } from '@vdx/observability';
import { internalTlsConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { AccountsError, parseAccounts, type Account } from '@vdx/statistics-domain';
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

/** The statistics service's environment, validated at boot; HTTP serves the reporting API, the console, health and metrics on 3006 by default. */
export const statisticsConfigSchema = serviceConfigSchema(3006).extend({
  /** Records per consumed batch: each batch's facts are folded into one guarded write per document. */
  STATISTICS_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(2000),
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
