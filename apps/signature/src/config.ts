import { serviceConfigSchema } from '@vdx/service-kit';
import type { z } from 'zod';

/** The signature's environment, validated at boot; HTTP serves health and metrics on 3003 by default. */
export const signatureConfigSchema = serviceConfigSchema(3003);

export type SignatureConfig = z.infer<typeof signatureConfigSchema>;
