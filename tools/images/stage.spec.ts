import { ImagesError } from './podman';
import { assetFiles, droppedFromPackage, keptFromKafkaClient, productionPackages, sourceFiles } from './stage';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImagesError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('the staged build context', () => {
  it('takes the production packages of the lockfile: not dev-only ones, not links, not the root', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'vdx' },
        'node_modules/zod': {},
        'node_modules/jest': { dev: true },
        'node_modules/fsevents': { optional: true },
        'node_modules/typescript': { dev: true, optional: true },
        'node_modules/@swc/core': { dev: true },
        'node_modules/exceljs/node_modules/uuid': {},
        'node_modules/@vdx/local': { link: true },
        'libs/local': {},
      },
    };
    expect(productionPackages(lock)).toEqual(['node_modules/exceljs/node_modules/uuid', 'node_modules/fsevents', 'node_modules/zod']);
  });

  it('refuses a lockfile without a packages map (IMAGES.LOCKFILE)', () => {
    expect(codeOf(() => productionPackages({ lockfileVersion: 1 }))).toBe('IMAGES.LOCKFILE');
    expect(codeOf(() => productionPackages({ lockfileVersion: 3 }))).toBe('IMAGES.LOCKFILE');
  });

  it('leaves out what no service reads: documentation, types, sources, maps, tests; keeps code, data and licences', () => {
    const dropped = ['README.md', 'CHANGELOG.md', 'index.d.ts', 'dist/index.d.mts', 'src/index.ts', 'dist/index.js.map', 'test/a.js', '__tests__/x.js', 'lib/__tests__/y.js', '.github/workflows/ci.yml', 'HISTORY'];
    const kept = ['index.js', 'package.json', 'LICENSE', 'LICENSE.md', 'license.txt', 'lib/doc/workbook.js', 'lib/test/helper.js', 'google/protobuf/any.proto', 'data/codes.json', 'dist/index.cjs'];
    expect(dropped.filter((f) => !droppedFromPackage(f))).toEqual([]);
    expect(kept.filter((f) => droppedFromPackage(f))).toEqual([]);
  });

  it('keeps of the native Kafka client its JavaScript, the addon and librdkafka, not the bundled sources', () => {
    const kept = ['package.json', 'LICENSE.txt', 'librdkafka.js', 'lib/index.js', 'lib/kafkajs/_kafka.js', 'build/Release/confluent-kafka-javascript.node', 'build/deps/librdkafka.so.1', 'build/deps/librdkafka++.so.1', 'build/deps/librdkafka.so'];
    const dropped = ['deps/librdkafka/src/rdkafka.c', 'deps/librdkafka/src/librdkafka.so.1', 'src/binding.cc', 'build/Release/obj.target/x.o', 'build/Release/.deps/x.d', 'lib/index.d.ts', 'types/kafkajs.d.ts', 'binding.gyp'];
    expect(kept.filter((f) => !keptFromKafkaClient(f))).toEqual([]);
    expect(dropped.filter((f) => keptFromKafkaClient(f))).toEqual([]);
  });

  it('compiles every app’s main and the libraries’ code, no test', () => {
    const files = sourceFiles();
    for (const app of ['gateway', 'directory', 'signature', 'routing', 'delivery', 'statistics', 'legacy-edge']) expect(files).toContain(`apps/${app}/src/main.ts`);
    expect(files).toContain('libs/contracts/src/index.ts');
    expect(files.filter((f) => f.includes('.spec.') || !f.endsWith('.ts') || !f.includes('/src/'))).toEqual([]);
  });

  it('copies the files the code reads beside itself: the .proto files and the statistics console', () => {
    const assets = assetFiles();
    expect(assets).toEqual(expect.arrayContaining(['libs/contracts/proto/vdx/exchange/v1/exchange.proto', 'libs/contracts/proto/grpc/health/v1/health.proto', 'libs/statistics/feature/src/console/index.html']));
    expect(assets.filter((f) => /\.(ts|go|md)$/.test(f))).toEqual([]);
  });
});
