import { httpStatusOf, isOutage } from '@vdx/contracts/errors';
import { DirectoryImportError, waitForDirectory } from './directory-import';

describe('vdx directory import: the directory', () => {
  it('refuses with IMPORT.DIRECTORY_UNREACHABLE, an outage, when the directory does not answer', async () => {
    const late = new Error('Failed to connect before the deadline');
    const waited: number[] = [];
    const client = { waitForReady: (ms?: number) => (waited.push(ms ?? 0), Promise.reject(late)) };
    const err: unknown = await waitForDirectory(client, '127.0.0.1:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryImportError);
    expect(err).toMatchObject({ code: 'IMPORT.DIRECTORY_UNREACHABLE', path: '', message: 'cannot reach the directory at 127.0.0.1:1 (Failed to connect before the deadline); is it running (npm start)?', cause: late });
    expect(waited).toEqual([10_000]);
    expect([isOutage(err), httpStatusOf('IMPORT.DIRECTORY_UNREACHABLE')]).toEqual([true, 503]);
    await expect(waitForDirectory({ waitForReady: () => Promise.resolve() }, '127.0.0.1:5002')).resolves.toBeUndefined();
  });
});
