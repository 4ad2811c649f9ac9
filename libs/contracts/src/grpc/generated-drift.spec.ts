import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GENERATED_DIR, PROTO_DIR, generateContracts } from '../../scripts/generate-grpc';

function pathsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? pathsUnder(join(dir, name)) : [join(dir, name)]));
}

const filesUnder = (dir: string): string[] => pathsUnder(dir).map((f) => relative(dir, f)).sort();

// The committed contracts are what the generator makes now from the committed protos: a proto
// edited without `npm run contracts:generate` (or a hand edit of src/generated/) fails here.
describe('generated gRPC contracts', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vdx-contracts-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has one generated file per proto file, and no other', () => {
    const protos = filesUnder(PROTO_DIR).filter((f) => f.endsWith('.proto')).map((f) => f.replace(/\.proto$/, '.ts'));
    expect(filesUnder(GENERATED_DIR)).toEqual(protos);
  });

  it('matches what the generator makes now, byte for byte', () => {
    const made = generateContracts(scratch);
    expect(made).toEqual(filesUnder(GENERATED_DIR));
    for (const file of made) {
      expect({ file, text: readFileSync(join(GENERATED_DIR, file), 'utf8') }).toEqual({ file, text: readFileSync(join(scratch, file), 'utf8') });
    }
  }, 60_000);
});
