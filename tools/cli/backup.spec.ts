import { httpStatusOf, isOutage } from '@vdx/contracts/errors';
import { MongoClient } from 'mongodb';
import { connectStore } from './backup';
import { BackupError } from './backup-format';

// `vdx backup` and `vdx restore` against a store that does not answer (the rest of the commands
// runs against the real Kafka and store: backup.int.spec.ts).

describe('vdx backup: the store', () => {
  it('refuses with BACKUP.STORE_UNREACHABLE, an outage, when the store does not answer', async () => {
    const url = 'mongodb://127.0.0.1:1/';
    const mongo = new MongoClient(url);
    const down = new Error('connect ECONNREFUSED 127.0.0.1:1');
    jest.spyOn(mongo, 'connect').mockRejectedValue(down);
    const err: unknown = await connectStore({ mongoUrl: url, db: 'vdx' }, mongo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect(err).toMatchObject({ code: 'BACKUP.STORE_UNREACHABLE', file: undefined, message: 'cannot reach the store at mongodb://127.0.0.1:1/ (connect ECONNREFUSED 127.0.0.1:1); is it running (npm start)?', cause: down });
    expect([isOutage(err), httpStatusOf('BACKUP.STORE_UNREACHABLE')]).toEqual([true, 503]);
  });
});
