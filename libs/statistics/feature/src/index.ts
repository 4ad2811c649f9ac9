export * from './openapi';
export * from './statistics-feature.module';
export * from './statistics-reports';
export * from './statistics-runner';
export * from './statistics.controller';
export * from './statistics.projection';
export * from './xlsx';
