export * from './child-process';
export * from './collections';
export * from './events';
export * from './test-env';
export * from './wait-until';
export * from './free-port';
export * from './identity-provider';
export * from './kafka-partition';
