// Builders of contract records for specs, test fixtures and sample data
// (`@vdx/contracts/test-fixtures`); no service's own code calls them.
export * from './package-ref';
