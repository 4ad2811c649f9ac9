export * from './blob-store';
export { BlobStoreError, isBlobStoreError, type BlobStoreErrorCode } from './blob-store.error';
export { isSha256 } from './blob-hash';
export { InMemoryBlobStore } from './in-memory-blob-store';
export { GridFsBlobStore, type GridFsBlobStoreOptions } from './gridfs-blob-store';
export { TieredBlobStore, createBlobStore, openBlobStore, type ManagedBlobStore, type TieredBlobStoreOptions } from './tiered-blob-store';
export { FileBlobStore } from './file-blob-store';
