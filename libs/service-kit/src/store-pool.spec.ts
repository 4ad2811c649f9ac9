import { DEFAULT_STORE_POOL, storePoolOptions } from './store-pool';

describe('storePoolOptions', () => {
  it('bounds the pool unless the URL sets one', () => {
    expect(storePoolOptions('mongodb://127.0.0.1:27018/')).toEqual({ maxPoolSize: DEFAULT_STORE_POOL });
    expect(storePoolOptions('mongodb://127.0.0.1:27018/?appName=x')).toEqual({ maxPoolSize: DEFAULT_STORE_POOL });
    expect(storePoolOptions('mongodb://db-0,db-1/?replicaSet=rs0&maxPoolSize=200')).toEqual({});
    expect(storePoolOptions('mongodb+srv://cluster.example/?MAXPOOLSIZE=50')).toEqual({});
  });
});
