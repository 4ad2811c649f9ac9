import { CodedError, type ErrorCode } from '@vdx/contracts/errors';
import { MessagingError, PoisonMessageError } from './messaging.error';
import { errorCode, isPoison, isTransient } from './retry';

/** A coded error of another layer (the blob store's, the codec's), as a handler would let it through. */
class LayerError extends CodedError<ErrorCode> {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

// What a consumer step does with a failed record comes from ERROR_MAP (docs/adr/0019-one-error-model.md).

describe('isTransient / isPoison', () => {
  it('retries outages without limit: codes ERROR_MAP answers UNAVAILABLE, driver and socket errors', () => {
    for (const err of [
      new MessagingError('MESSAGING.PRODUCE_FAILED', 'could not append'),
      new LayerError('BLOB.STORE_UNAVAILABLE', 'down'),
      Object.assign(new Error('no primary'), { name: 'MongoServerSelectionError' }),
      Object.assign(new Error('refused'), { code: 'ECONNRESET' }),
    ]) {
      expect([err.message, isTransient(err), isPoison(err)]).toEqual([err.message, true, false]);
    }
  });

  it('dead-letters at once what can never succeed: poison, and codes ERROR_MAP dead-letters', () => {
    for (const err of [new PoisonMessageError('PROBE.REJECTED', 'not this one', { path: 'payload' }), new LayerError('CONTRACTS.INVALID_PAYLOAD', 'bad payload'), Object.assign(new Error('x'), { code: 'BLOB.STORE_UNAVAILABLE', retryable: false })]) {
      expect([err.message, isTransient(err), isPoison(err)]).toEqual([err.message, false, true]);
    }
  });

  it('retries anything else a bounded number of times', () => {
    for (const err of [new Error('always broken'), new LayerError('BLOB.NOT_FOUND', 'no blob'), new LayerError('DIRECTORY.PARENT_UNKNOWN', 'not yet')]) {
      expect([err.message, isTransient(err), isPoison(err)]).toEqual([err.message, false, false]);
    }
  });

  it('names the code of the dead-letter header', () => {
    expect(errorCode(new PoisonMessageError('ROUTING.NO_ROUTE', 'no route'))).toBe('ROUTING.NO_ROUTE');
    expect(errorCode(new Error('uncoded'))).toBe('MESSAGING.HANDLER_FAILED');
  });
});
