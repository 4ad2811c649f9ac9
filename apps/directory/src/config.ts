import { serviceConfigSchema } from '@vdx/service-kit';
import type { z } from 'zod';

/** The directory's environment, validated at boot; HTTP serves health and metrics on 3002 by default. */
export const directoryConfigSchema = serviceConfigSchema(3002);

export type DirectoryConfig = z.infer<typeof directoryConfigSchema>;
