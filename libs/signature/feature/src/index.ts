export * from './signature-feature.module';
export * from './verify-accepted';
export * from './verifier-factory';
export * from './revalidate';
