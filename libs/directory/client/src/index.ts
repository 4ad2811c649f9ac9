export * from './directory-cache';
export * from './directory-grpc-client';
export * from './directory-index';
