import { describeBlobStoreContract } from './blob-store.contract';
import { InMemoryBlobStore } from './in-memory-blob-store';

describeBlobStoreContract('InMemoryBlobStore', () => {
  const store = new InMemoryBlobStore();
  return {
    store,
    copies: async (sha256) => ((await store.has(sha256)) ? 1 : 0),
    footprint: async () => store.count,
  };
});
