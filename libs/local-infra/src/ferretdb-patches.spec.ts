import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FERRETDB_PATCHES, applyFerretDbPatches, ferretDbPatchId } from './ferretdb-patches';
import { InfraError } from './process-util';

describe('FerretDB source patches', () => {
  let src: string;
  beforeEach(() => {
    src = mkdtempSync(join(tmpdir(), 'vdx-patch-'));
    for (const p of FERRETDB_PATCHES) {
      mkdirSync(dirname(join(src, p.file)), { recursive: true });
      writeFileSync(join(src, p.file), `package x\n${p.find}\n// end\n`, { flag: 'a' });
    }
  });
  afterEach(() => rmSync(src, { recursive: true, force: true }));

  it('replaces each expected fragment once', () => {
    applyFerretDbPatches(src);
    for (const p of FERRETDB_PATCHES) {
      const text = readFileSync(join(src, p.file), 'utf8');
      expect(text).toContain(p.replace);
      expect(text).not.toContain(p.find);
    }
  });

  it('refuses a source tree where a fragment is missing, naming the file', () => {
    const first = FERRETDB_PATCHES[0]!;
    writeFileSync(join(src, first.file), 'package x\n');
    expect(() => applyFerretDbPatches(src)).toThrow(InfraError);
    expect(() => applyFerretDbPatches(src)).toThrow(first.file);
  });

  it('identifies the patch set stably', () => {
    expect(ferretDbPatchId()).toMatch(/^[0-9a-f]{12}$/);
    expect(ferretDbPatchId()).toBe(ferretDbPatchId());
  });
});
