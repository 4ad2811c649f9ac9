import { serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';

/** The statistics service's environment, validated at boot; HTTP serves the reporting API, health and metrics on 3006 by default. */
export const statisticsConfigSchema = serviceConfigSchema(3006).extend({
  /** Records per consumed batch: each batch's facts are folded into one guarded write per document. */
  STATISTICS_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(2000),
  /** Delivery facts (sender, kind, acceptance time, deadline) kept in memory; the others are read from the store by `_id`. */
  STATISTICS_FACT_CACHE: z.coerce.number().int().min(1000).max(10_000_000).default(200_000),
});

export type StatisticsConfig = z.infer<typeof statisticsConfigSchema>;
