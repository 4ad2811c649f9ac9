export * from './delivery-commands';
export * from './delivery-feature.module';
export * from './delivery-message';
export * from './delivery-owner';
export * from './delivery-state.projection';
export * from './delivery-scheduler';
export * from './delivery-store';
export * from './push-client';
