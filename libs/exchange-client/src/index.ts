export * from './exchange-client';
