import { baseServiceSchema } from '@vdx/config';
import { z } from 'zod';

/** The base service schema with this service's own default HTTP port. */
export function serviceConfigSchema(defaultHttpPort: number) {
  return baseServiceSchema.extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(defaultHttpPort),
  });
}
