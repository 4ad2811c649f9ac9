import { PackageRoutedEvent, RoutingRejectedEvent } from '@vdx/contracts';
import type { PackageRef, PackageRouted, RoutedDelivery, RoutingRejected, UnroutableRecipient } from '@vdx/contracts';
import type { RoutingErrorCode } from './routing-error';

/** Event type of a routed package (`vdx.routing.events.v1`). */
export const PACKAGE_ROUTED = PackageRoutedEvent.type;
/** Event type of a package routing refused. */
export const ROUTING_REJECTED = RoutingRejectedEvent.type;

/** What routing decides about one package: where it goes, or why it goes nowhere. */
export type RoutingDecision =
  | { readonly type: typeof PACKAGE_ROUTED; readonly payload: PackageRouted }
  | { readonly type: typeof ROUTING_REJECTED; readonly payload: RoutingRejected };

/** A {@link PACKAGE_ROUTED} decision. */
export function routed(
  ref: PackageRef,
  deliveries: readonly RoutedDelivery[],
  unroutable: readonly UnroutableRecipient[],
): RoutingDecision {
  return { type: PACKAGE_ROUTED, payload: { package: ref, deliveries, unroutable } };
}

/** A {@link ROUTING_REJECTED} decision. */
export function rejected(
  ref: PackageRef,
  errorCode: RoutingErrorCode,
  reason: string,
  unroutable: readonly UnroutableRecipient[] = [],
): RoutingDecision {
  return { type: ROUTING_REJECTED, payload: { package: ref, errorCode, reason, unroutable } };
}
