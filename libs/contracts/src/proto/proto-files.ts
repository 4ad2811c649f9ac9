import { join } from 'node:path';

/** Root of the `.proto` files; imports inside them are relative to it. */
export const PROTO_ROOT = join(__dirname, '../../proto');

/** The directory's gRPC API. */
export const DIRECTORY_PROTO = {
  root: PROTO_ROOT,
  file: 'vdx/directory/v1/directory.proto',
  package: 'vdx.directory.v1',
  service: 'DirectoryService',
} as const;

/** Document exchange between agencies' systems and the axis (served by the gateway, mTLS). */
export const EXCHANGE_PROTO = {
  root: PROTO_ROOT,
  file: 'vdx/exchange/v1/exchange.proto',
  package: 'vdx.exchange.v1',
  service: 'ExchangeService',
} as const;

/** Served by a connected system that takes pushes (its directory `endpoint`); the delivery service calls it. */
export const AGENCY_ENDPOINT_PROTO = {
  root: PROTO_ROOT,
  file: 'vdx/exchange/v1/exchange.proto',
  package: 'vdx.exchange.v1',
  service: 'AgencyEndpoint',
} as const;

/** The standard gRPC health checking protocol. */
export const HEALTH_PROTO = {
  root: PROTO_ROOT,
  file: 'grpc/health/v1/health.proto',
  package: 'grpc.health.v1',
  service: 'Health',
} as const;

/** The delivery service's internal API (gateway and operators; never agencies). */
export const DELIVERY_PROTO = {
  root: PROTO_ROOT,
  file: 'vdx/delivery/v1/delivery.proto',
  package: 'vdx.delivery.v1',
  service: 'DeliveryService',
} as const;
