export * from './delivery-commands';
export * from './delivery-feature.module';
export * from './delivery-message';
export * from './delivery-scheduler';
export * from './delivery-store';
export * from './push-client';
export * from './queue-routed';
