export * from './document-registry';
export * from './route-verified';
export * from './routing-feature.module';
export * from './package-lifecycle';
