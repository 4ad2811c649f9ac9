import { DeliveryKeys } from './delivery-keys';
import type { OwnedDelivery } from './delivery-owner';
import type { StoredDelivery } from './delivery-store';

const stored = (deliveryId: string): StoredDelivery => ({ deliveryId, correlationId: `corr-${deliveryId}`, commandKey: `doc-${deliveryId}` }) as unknown as StoredDelivery;

describe('DeliveryKeys', () => {
  it('answers from the owner when this instance owns the delivery, without reading the store', async () => {
    const reads: string[] = [];
    const keys = new DeliveryKeys({ get: async (id) => (reads.push(id), stored(id)) });
    keys.attach({ find: (id) => (id === 'p1/H01' ? ({ correlationId: 'corr-owned', key: 'doc-owned' } as OwnedDelivery) : undefined) });
    expect(await keys.of('p1/H01')).toEqual({ deliveryId: 'p1/H01', correlationId: 'corr-owned', commandKey: 'doc-owned' });
    expect(reads).toEqual([]);
  });

  it('reads a delivery of another instance once, then keeps it', async () => {
    const reads: string[] = [];
    const keys = new DeliveryKeys({ get: async (id) => (reads.push(id), stored(id)) });
    keys.attach({ find: () => undefined });
    expect(await keys.of('p2/H02')).toEqual({ deliveryId: 'p2/H02', correlationId: 'corr-p2/H02', commandKey: 'doc-p2/H02' });
    expect(await keys.of('p2/H02')).toEqual({ deliveryId: 'p2/H02', correlationId: 'corr-p2/H02', commandKey: 'doc-p2/H02' });
    expect(reads).toEqual(['p2/H02']);
  });

  it('answers null for a delivery nobody knows, and asks again next time (it may be projected by then)', async () => {
    const reads: string[] = [];
    let projected = false;
    const keys = new DeliveryKeys({ get: async (id) => (reads.push(id), projected ? stored(id) : null) });
    expect(await keys.of('p3/H03')).toBeNull();
    projected = true;
    expect(await keys.of('p3/H03')).toMatchObject({ commandKey: 'doc-p3/H03' });
    expect(reads).toEqual(['p3/H03', 'p3/H03']);
  });
});

describe('DeliveryKeys.current', () => {
  it("answers an owned delivery from the owner's committed memory, with its statuses and keys", async () => {
    const reads: string[] = [];
    const keys = new DeliveryKeys({ get: async (id) => (reads.push(id), stored(id)) });
    const delivery = { deliveryId: 'p1/H01', state: 'fetched', version: 3 };
    const statuses = [{ code: '01', at: '2026-12-02T01:00:00.000Z' }];
    keys.attach({ find: (id) => (id === 'p1/H01' ? ({ delivery, statuses, correlationId: 'corr-owned', key: 'doc-owned' } as unknown as OwnedDelivery) : undefined) });
    expect(await keys.current('p1/H01')).toEqual({ deliveryId: 'p1/H01', state: 'fetched', version: 3, statuses, correlationId: 'corr-owned', commandKey: 'doc-owned' });
    expect(reads).toEqual([]);
  });

  it('reads a delivery another instance owns from the store every time (its state changes)', async () => {
    const reads: string[] = [];
    const keys = new DeliveryKeys({ get: async (id) => (reads.push(id), stored(id)) });
    keys.attach({ find: () => undefined });
    expect(await keys.current('p2/H02')).toMatchObject({ deliveryId: 'p2/H02', commandKey: 'doc-p2/H02' });
    expect(await keys.current('p2/H02')).toMatchObject({ deliveryId: 'p2/H02' });
    expect(await keys.current('p9/H09')).toMatchObject({ deliveryId: 'p9/H09' });
    expect(reads).toEqual(['p2/H02', 'p2/H02', 'p9/H09']);
  });
});
