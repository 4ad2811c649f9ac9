import type { PackageRef, RoutedDelivery } from '@vdx/contracts';

/** Commands of the Delivery aggregate. `deliveryId` (`<packageId>/<recipientCode>`) is the aggregate id. */
export type DeliveryCommand =
  | { readonly kind: 'Queue'; readonly routed: RoutedDelivery; readonly package: PackageRef }
  /** The push scheduler's attempt failed with `error`. */
  | { readonly kind: 'RecordPushFailure'; readonly deliveryId: string; readonly error: string }
  /** The recipient's endpoint took a push. */
  | { readonly kind: 'RecordPushSuccess'; readonly deliveryId: string }
  /** The recipient system downloads the body. */
  | { readonly kind: 'Fetch'; readonly deliveryId: string; readonly systemId: string }
  /** The recipient system confirms: `done` (taken in) or `fail` (with a reason). */
  | { readonly kind: 'Acknowledge'; readonly deliveryId: string; readonly systemId: string; readonly result: 'done' | 'fail'; readonly reason?: string }
  /** An operator sends a dead-lettered delivery back to the queue. */
  | { readonly kind: 'Redrive'; readonly deliveryId: string; readonly operator: string }
  /** The deadline sweeper's question: record that Decree 30's deadline passed. */
  | { readonly kind: 'FlagMissedDeadline'; readonly deliveryId: string }
  /**
   * The copy is withdrawn: the sender recalled it and the recipient agreed (`byPackageId` = the
   * agreeing status), or a revoke, an update's receiver list or a replacement withdrew it
   * (`byPackageId` = that package).
   */
  | { readonly kind: 'Withdraw'; readonly deliveryId: string; readonly byPackageId: string };

export type DeliveryCommandKind = DeliveryCommand['kind'];
