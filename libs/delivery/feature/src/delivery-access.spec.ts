import { loadSync } from '@grpc/proto-loader';
import { DELIVERY_PROTO } from '@vdx/contracts';
import { DELIVERY_ACCESS, deliveryAccess, type DeliveryRpc } from './delivery-access';

const rpcs = () => Object.keys(loadSync(DELIVERY_PROTO.file, { includeDirs: [DELIVERY_PROTO.root] })['vdx.delivery.v1.DeliveryService'] as object);
const allowed = (kind: 'service' | 'operator' | 'system', name: string) => (Object.keys(DELIVERY_ACCESS) as DeliveryRpc[]).filter((rpc) => deliveryAccess.allows(rpc, { kind, name })).sort();

describe('DELIVERY_ACCESS', () => {
  it('has a row for every RPC of delivery.v1, and nothing else', () => {
    expect(Object.keys(DELIVERY_ACCESS).sort()).toEqual(rpcs().sort());
  });

  it('lets the gateway act for its systems, operators read and redrive, statistics read traces and dead letters and redrive, and nobody else anything', () => {
    expect(allowed('service', 'gateway')).toEqual(['Acknowledge', 'Fetch', 'GetDelivery', 'ListInbox', 'ListPackageDeliveries']);
    expect(allowed('operator', 'on-call')).toEqual(['GetDelivery', 'ListDead', 'ListInbox', 'ListPackageDeliveries', 'Redrive']);
    expect(allowed('service', 'statistics')).toEqual(['ListDead', 'ListPackageDeliveries', 'Redrive']);
    for (const service of ['legacy-edge', 'directory', 'routing', 'signature', 'delivery']) expect([service, allowed('service', service)]).toEqual([service, []]);
    expect(allowed('system', 'gateway')).toEqual([]);
  });
});
