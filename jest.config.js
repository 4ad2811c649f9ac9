// Three tiers, chosen by file name (docs/architecture.md): *.spec.ts has no I/O, *.int.spec.ts talks to
// real Kafka and the MongoDB-compatible store, *.e2e.spec.ts drives running services.
const { pathsToModuleNameMapper } = require('./tools/dev/jest-paths.js');

/** Dependencies published as ES modules only: openid-client and what it is built on. */
const ESM_DEPENDENCIES = ['openid-client', 'oauth4webapi', 'jose'];

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ],
  // The ES modules among the dependencies (Node loads them with require(esm); Jest's own require
  // does not before Node 24.9), compiled to CommonJS for the tests.
  [`^.+/node_modules/(${ESM_DEPENDENCIES.join('|')})/.+\\.js$`]: ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_DEPENDENCIES.join('|')})/)`],
  moduleNameMapper: pathsToModuleNameMapper(),
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  modulePathIgnorePatterns: ['<rootDir>/.local/', '<rootDir>/dist/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['**/*.int.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/dev/jest-slow-setup.js'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['**/*.e2e.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/dev/jest-slow-setup.js'],
    },
  ],
};
