import { baseServiceSchema } from '@vdx/config';
import { z } from 'zod';

/** The base service schema with this service's own default HTTP port. */
export function serviceConfigSchema(defaultHttpPort: number) {
  return baseServiceSchema.extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(defaultHttpPort),
  });
}

/**
 * Where package bodies live, for the services that read or write them (gateway, signature,
 * delivery): `BLOB_DIR` set keeps them as files under that directory, which every instance of
 * those services must share (one host, or a shared volume); unset keeps them in the document
 * store (small ones inline, large ones in GridFS).
 */
export const blobStoreConfigShape = {
  BLOB_DIR: z.string().min(1).optional(),
};
