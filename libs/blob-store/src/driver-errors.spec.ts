import { MongoGridFSChunkError, MongoNetworkError, MongoServerError } from 'mongodb';
import { BlobStoreError } from './blob-store.error';
import { mapDriverError } from './driver-errors';

describe('mapDriverError', () => {
  it('maps network errors to BLOB.STORE_UNAVAILABLE with the cause', () => {
    const cause = new MongoNetworkError('connection reset');
    const mapped = mapDriverError(cause, 'reading');
    expect(mapped).toBeInstanceOf(BlobStoreError);
    expect(mapped).toMatchObject({ code: 'BLOB.STORE_UNAVAILABLE', cause });
  });

  it('maps damaged chunks to BLOB.CORRUPT', () => {
    expect(mapDriverError(new MongoGridFSChunkError('ChunkIsMissing'), 'reading')).toMatchObject({ code: 'BLOB.CORRUPT' });
  });

  it('passes other errors through unchanged', () => {
    const other = new MongoServerError({ message: 'duplicate key', code: 11000 });
    expect(mapDriverError(other, 'writing')).toBe(other);
    const own = new BlobStoreError('BLOB.NOT_FOUND', 'x');
    expect(mapDriverError(own, 'reading')).toBe(own);
  });
});
