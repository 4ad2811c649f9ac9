export * from './ferretdb-server';
export * from './kafka-broker';
export * from './local-infra';
export * from './paths';
export * from './probes';
export * from './process-util';
export * from './provision';
export * from './otel-collector';
