import { serviceConfigSchema } from '@vdx/service-kit';
import type { z } from 'zod';

/** The delivery's environment, validated at boot; HTTP serves health and metrics on 3005 by default. */
export const deliveryConfigSchema = serviceConfigSchema(3005);

export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
