import { serviceConfigSchema } from '@vdx/service-kit';
import type { z } from 'zod';

/** The routing's environment, validated at boot; HTTP serves health and metrics on 3004 by default. */
export const routingConfigSchema = serviceConfigSchema(3004);

export type RoutingConfig = z.infer<typeof routingConfigSchema>;
