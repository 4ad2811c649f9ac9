import { join } from 'node:path';

/** Root of the `.proto` files; imports inside them are relative to it. */
export const PROTO_ROOT = join(__dirname, '../../proto');

/** The directory's gRPC API. */
export const DIRECTORY_PROTO = {
  root: PROTO_ROOT,
  file: 'vdx/directory/v1/directory.proto',
  package: 'vdx.directory.v1',
  service: 'DirectoryService',
} as const;
