import { httpStatusOf, isOutage } from '@vdx/contracts/errors';
import { DeliveriesCommandError, waitForDeliveryService } from './dead-letter-deliveries';

describe('vdx deliveries: the delivery service', () => {
  it('refuses with DELIVERIES.SERVICE_UNREACHABLE, an outage, when the delivery service does not answer', async () => {
    const late = new Error('Failed to connect before the deadline');
    const waited: number[] = [];
    const client = { waitForReady: (ms: number) => (waited.push(ms), Promise.reject(late)) };
    const err: unknown = await waitForDeliveryService(client, '127.0.0.1:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveriesCommandError);
    expect(err).toMatchObject({ code: 'DELIVERIES.SERVICE_UNREACHABLE', message: 'cannot reach the delivery service at 127.0.0.1:1 (Failed to connect before the deadline); is it running (npm start)?', cause: late });
    expect(waited).toEqual([10_000]);
    expect([isOutage(err), httpStatusOf('DELIVERIES.SERVICE_UNREACHABLE')]).toEqual([true, 503]);
    await expect(waitForDeliveryService({ waitForReady: () => Promise.resolve() }, '127.0.0.1:5003')).resolves.toBeUndefined();
  });
});
