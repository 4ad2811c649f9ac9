import {
  MongoGridFSChunkError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { BlobStoreError } from './blob-store.error';

/** Whether a driver error means the store cannot be reached (as opposed to a bad request). */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  );
}

/**
 * Maps driver errors to BlobStoreError: unreachable store → BLOB.STORE_UNAVAILABLE, malformed or
 * missing GridFS chunks → BLOB.CORRUPT, with the driver error as `cause`. Anything else is returned as is.
 */
export function mapDriverError(error: unknown, what: string): unknown {
  if (error instanceof BlobStoreError) return error;
  if (isUnavailable(error)) {
    return new BlobStoreError('BLOB.STORE_UNAVAILABLE', `blob store unavailable while ${what}: ${(error as Error).message}`, { cause: error });
  }
  if (error instanceof MongoGridFSChunkError) {
    return new BlobStoreError('BLOB.CORRUPT', `stored blob is damaged (${what}): ${error.message}`, { cause: error });
  }
  return error;
}

/** Runs `fn`, rethrowing its failure through `mapDriverError`. */
export async function withMappedErrors<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw mapDriverError(error, what);
  }
}
