export * from './delivery-client';
