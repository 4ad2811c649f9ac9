import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { DELIVERY_PROTO, EXCHANGE_PROTO, HEALTH_PROTO } from '../proto/proto-files';
import { healthV1, type ClientStreamMethodOf, type DeepPartial, type RequestOf, type ResponseOf, type ServerStreamHandlers, type ServerStreamMethodOf, type UnaryHandlers, type UnaryMethodOf, type deliveryV1, type exchangeV1 } from './index';

// Compile-time facts are checked by `tsc` (the `@ts-expect-error` lines fail the build when the
// error they expect goes away); the run-time ones against proto-loader as the services load it.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const is = <T extends true>(value: T): T => value;

describe('the generated contracts', () => {
  it('sorts each service’s methods by kind of call, named as in the proto', () => {
    expect(is<Equal<UnaryMethodOf<exchangeV1.ExchangeService>, 'ListInbox' | 'Acknowledge' | 'GetTrace'>>(true)).toBe(true);
    expect(is<Equal<ClientStreamMethodOf<exchangeV1.ExchangeService>, 'SendPackage'>>(true)).toBe(true);
    expect(is<Equal<ServerStreamMethodOf<exchangeV1.ExchangeService>, 'WatchInbox' | 'FetchPackage'>>(true)).toBe(true);
    expect(is<Equal<ClientStreamMethodOf<exchangeV1.AgencyEndpoint>, 'Deliver'>>(true)).toBe(true);
    expect(is<Equal<ServerStreamMethodOf<healthV1.Health>, 'Watch'>>(true)).toBe(true);
  });

  it('types requests and responses, the element type for streams', () => {
    expect(is<Equal<RequestOf<exchangeV1.ExchangeService, 'SendPackage'>, exchangeV1.SendPackageRequest>>(true)).toBe(true);
    expect(is<Equal<ResponseOf<exchangeV1.ExchangeService, 'SendPackage'>, exchangeV1.SendReceipt>>(true)).toBe(true);
    expect(is<Equal<ResponseOf<exchangeV1.ExchangeService, 'FetchPackage'>, exchangeV1.PackageChunk>>(true)).toBe(true);
    expect(is<Equal<ResponseOf<deliveryV1.DeliveryService, 'ListDead'>, deliveryV1.DeliveryPage>>(true)).toBe(true);
    expect(is<Equal<deliveryV1.Delivery['bodySize'], number>>(true)).toBe(true); // int64, longs: Number
  });

  it('names the handlers a controller must implement in camelCase, one per method of the kind', () => {
    expect(is<Equal<keyof UnaryHandlers<exchangeV1.ExchangeService>, 'listInbox' | 'acknowledge' | 'getTrace'>>(true)).toBe(true);
    expect(is<Equal<keyof ServerStreamHandlers<exchangeV1.ExchangeService>, 'watchInbox' | 'fetchPackage'>>(true)).toBe(true);
    expect(is<Equal<keyof UnaryHandlers<deliveryV1.DeliveryService>, 'listInbox' | 'getDelivery' | 'fetch' | 'acknowledge' | 'listPackageDeliveries' | 'listDead' | 'redrive'>>(true)).toBe(true);
    const listDead: UnaryHandlers<deliveryV1.DeliveryService>['listDead'] = async (req) => ({ deliveries: [], nextPageToken: req.pageToken ?? '' });
    // @ts-expect-error -- answers a Delivery where ListDead answers a DeliveryPage
    const wrongAnswer: UnaryHandlers<deliveryV1.DeliveryService>['listDead'] = async () => ({ deliveryId: 'x' }) as deliveryV1.Delivery;
    expect([typeof listDead, typeof wrongAnswer]).toEqual(['function', 'function']);
  });

  it('lets a sender leave any field out, at any depth, but not name one the proto lacks', () => {
    const header: DeepPartial<exchangeV1.SendPackageRequest> = { header: { senderCode: '000.00.00.H53' } };
    // @ts-expect-error -- not a field of SendHeader
    const wrong: DeepPartial<exchangeV1.SendPackageRequest> = { header: { sender: 'x' } };
    expect([header, wrong]).toHaveLength(2);
  });

  it('names enum values as proto-loader decodes them with enums: String', () => {
    // proto-loader decodes with protobufjs: `enums: String` gives the value's name.
    const type = protobuf.loadSync(join(HEALTH_PROTO.root, HEALTH_PROTO.file)).lookupType('grpc.health.v1.HealthCheckResponse');
    const decoded = (status: number): unknown => type.toObject(type.decode(type.encode(type.fromObject({ status })).finish()), { enums: String })['status'];
    const generated = Object.values(healthV1.HealthCheckResponse_ServingStatus).filter((v) => v !== healthV1.HealthCheckResponse_ServingStatus.UNRECOGNIZED);
    expect(generated.map((_, i) => decoded(i))).toEqual(generated);
  });

  it('has exactly the fields proto-loader decodes, camelCased as with keepCase: false', () => {
    // `tsc` holds these lists to the generated interfaces (a missing or extra key fails the build).
    const inboxItem: Record<keyof exchangeV1.InboxItem, true> = {
      deliveryId: true, packageId: true, kind: true, senderCode: true, recipientCode: true, documentId: true, statusCode: true, subject: true,
      state: true, queuedAt: true, bodySize: true, bodySha256: true, route: true, routeVia: true, signatureVerdict: true,
    };
    const ack: Record<keyof deliveryV1.AcknowledgeRequest, true> = { deliveryId: true, systemId: true, result: true, reason: true };
    const fieldsOf = (proto: typeof EXCHANGE_PROTO | typeof DELIVERY_PROTO, message: string): string[] => {
      const type = loadSync(proto.file, { includeDirs: [proto.root], keepCase: false })[`${proto.package}.${message}`] as { type: { field: { name: string }[] } };
      // The descriptor keeps the proto's names; the objects proto-loader decodes are camelCased.
      return type.type.field.map((f) => f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).sort();
    };
    expect(Object.keys(inboxItem).sort()).toEqual(fieldsOf(EXCHANGE_PROTO, 'InboxItem'));
    expect(Object.keys(ack).sort()).toEqual(fieldsOf(DELIVERY_PROTO, 'AcknowledgeRequest'));
  });
});
