import { serviceConfigSchema } from '@vdx/service-kit';
import type { z } from 'zod';

/** The statistics's environment, validated at boot; HTTP serves health and metrics on 3006 by default. */
export const statisticsConfigSchema = serviceConfigSchema(3006);

export type StatisticsConfig = z.infer<typeof statisticsConfigSchema>;
