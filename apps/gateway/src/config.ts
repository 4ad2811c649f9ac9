import { serviceConfigSchema } from '@vdx/service-kit';
import type { z } from 'zod';

/** The gateway's environment, validated at boot; HTTP serves health and metrics on 3001 by default. */
export const gatewayConfigSchema = serviceConfigSchema(3001);

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
