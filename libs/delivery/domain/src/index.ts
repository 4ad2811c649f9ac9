export * from './commands';
export * from './deadline';
export * from './decide';
export * from './delivery';
export * from './delivery.error';
export * from './evolve';
export { DEFAULT_DELIVERY_POLICY, backoffDelayMs, type DeliveryPolicy } from './policy';
export { MAX_ERROR_LENGTH, MAX_REASON_LENGTH } from './fields';
