export * from './logger';
export * from './metrics';
export * from './spans';
export * from './trace-context';
export * from './tracing-config';
