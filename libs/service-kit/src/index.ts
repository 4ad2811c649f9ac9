export * from './kafka-readiness.probe';
export * from './readiness-probe';
export * from './readiness.indicators';
export * from './run-service';
export * from './service-config';
export * from './service-kit.module';
export * from './service-kit.tokens';
export * from './store-readiness.probe';
