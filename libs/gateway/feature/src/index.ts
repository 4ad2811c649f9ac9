export * from './gateway-feature.module';
export * from './intake/exchange.error';
export * from './intake/idempotency-key';
export * from './intake/package-facts';
export * from './intake/package-intake';
export * from './receipts/in-memory-receipt-store';
export * from './receipts/mongo-receipt-store';
export * from './receipts/receipt';
export { ERROR_CODE_KEY, ERROR_PATH_KEY } from './grpc/exchange-errors';
