import { GrpcErrors } from '@vdx/service-kit';

/** `DeliveryService`'s answers to failed calls: the one gRPC error mapping of `@vdx/service-kit`, as delivery words it. */
export const deliveryErrors = new GrpcErrors({
  area: 'DELIVERY',
  name: 'delivery',
  unavailable: 'the delivery service cannot reach its store or broker right now; try again',
  internal: 'the delivery service could not complete the call',
});

