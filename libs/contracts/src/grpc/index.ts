// The generated gRPC contracts (src/generated/, `npm run contracts:generate`), one namespace per
// proto package: `exchangeV1.InboxItem`, `deliveryV1.DeliveryService`, … The types are
// proto-loader's object shape as every service loads the protos (camelCase fields, int64 as
// numbers, enums as their names): docs/adr/0027-generated-contracts.md.
import type { Observable } from 'rxjs';

export * as exchangeV1 from '../generated/vdx/exchange/v1/exchange';
export * as deliveryV1 from '../generated/vdx/delivery/v1/delivery';
export * as directoryV1 from '../generated/vdx/directory/v1/directory';
export * as healthV1 from '../generated/grpc/health/v1/health';

/**
 * A message as a sender may leave it: any field may be absent (proto3 sends no default), and
 * so it arrives at a server that loads the protos with `defaults: false`. A message read by a
 * client (`defaults: true`) has every field: use the generated type itself.
 */
export type DeepPartial<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer U)[]
    ? DeepPartial<U>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
      : T;

type Method = (request: never) => Promise<unknown> | Observable<unknown>;

/**
 * The methods of a generated service interface (`exchangeV1.ExchangeService`, …), named as in
 * the proto (`ListInbox`): a unary or client-streaming method returns a `Promise`, a
 * server-streaming one an `Observable`; a client-streaming one takes an `Observable`.
 */
export type MethodOf<S> = { [K in keyof S]: S[K] extends Method ? K : never }[keyof S] & string;

/** The request message of method `M` of service `S` (the element type for a client stream). */
export type RequestOf<S, M extends MethodOf<S>> = S[M] extends (request: infer R) => unknown ? (R extends Observable<infer I> ? I : R) : never;

/** The response message of method `M` of service `S` (the element type for a server stream). */
export type ResponseOf<S, M extends MethodOf<S>> = S[M] extends (request: never) => Promise<infer O> | Observable<infer O> ? O : never;

/** The methods of `S` that take one request and answer one response. */
export type UnaryMethodOf<S> = { [K in MethodOf<S>]: S[K] extends (request: infer R) => Promise<unknown> ? (R extends Observable<unknown> ? never : K) : never }[MethodOf<S>];

/** The methods of `S` that take a stream of requests and answer one response. */
export type ClientStreamMethodOf<S> = { [K in MethodOf<S>]: S[K] extends (request: infer R) => Promise<unknown> ? (R extends Observable<unknown> ? K : never) : never }[MethodOf<S>];

/** The methods of `S` that take one request and answer a stream of responses. */
export type ServerStreamMethodOf<S> = { [K in MethodOf<S>]: S[K] extends (request: infer R) => Observable<unknown> ? (R extends Observable<unknown> ? never : K) : never }[MethodOf<S>];

/**
 * The unary handlers a NestJS controller of service `S` declares (`class … implements
 * UnaryHandlers<deliveryV1.DeliveryService>`): one per unary method, named as the method in
 * camelCase (`ListDead` → `listDead`), taking the request as a sender may leave it and answering
 * the response. A method the proto gains, or a handler whose request or response drifts from
 * it, then fails to compile. The metadata and call arguments are the controller's own business.
 */
export type UnaryHandlers<S> = {
  [M in UnaryMethodOf<S> as Uncapitalize<M>]: (request: DeepPartial<RequestOf<S, M>>, metadata: never, call: never) => Promise<ResponseOf<S, M>> | ResponseOf<S, M>;
};

/** The server-streaming handlers of service `S`, as {@link UnaryHandlers}: each answers an `Observable` of the response. */
export type ServerStreamHandlers<S> = {
  [M in ServerStreamMethodOf<S> as Uncapitalize<M>]: (request: DeepPartial<RequestOf<S, M>>, metadata: never, call: never) => Observable<ResponseOf<S, M>>;
};
export { inboxItemOf, inboxItemOfMessage, type InboxItemSource } from './inbox-item';
