export * from './directory-cache';
export * from './directory-grpc-client';
