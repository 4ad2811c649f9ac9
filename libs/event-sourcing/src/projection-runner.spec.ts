import { consumerDispositionOf, isOutage } from '@vdx/contracts/errors';
import { MongoBulkWriteError, MongoNetworkError, MongoServerError } from 'mongodb';
import { StoreRefusedWrites, asStoreRefusal } from './projection-runner';

describe('a store that refuses a read model its writes', () => {
  const refused = new MongoServerError({ message: 'SQL logic error: table "inbox_1" already exists', code: 1, ok: 0 });

  it('is an outage the runner retries, naming the read model and keeping the store error as the cause', () => {
    const err = asStoreRefusal('delivery', refused);
    expect(err).toBeInstanceOf(StoreRefusedWrites);
    expect(err).toMatchObject({
      code: 'PROJECTION.STORE_REFUSED',
      message: 'the store refused the writes of read model delivery (SQL logic error: table "inbox_1" already exists); its events wait until the store takes them',
      cause: refused,
    });
    expect([isOutage(err), consumerDispositionOf(err)]).toEqual([true, 'retry']);
  });

  it('covers a bulk write the store refused: the driver makes it a server error', () => {
    expect(MongoBulkWriteError.prototype).toBeInstanceOf(MongoServerError);
  });

  it('leaves a network error (already an outage) and a fault of the projection itself as they are', () => {
    const network = new MongoNetworkError('connection reset');
    const bug = new TypeError("Cannot read properties of undefined (reading 'code')");
    expect(asStoreRefusal('delivery', network)).toBe(network);
    expect(asStoreRefusal('delivery', bug)).toBe(bug);
    expect(consumerDispositionOf(bug)).toBe('retry-bounded');
  });
});
