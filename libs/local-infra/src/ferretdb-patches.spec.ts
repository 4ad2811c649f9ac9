import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FERRETDB_ADDED_SOURCES, FERRETDB_PATCHES, applyFerretDbPatches, ferretDbPatchId } from './ferretdb-patches';
import { InfraError } from './process-util';

describe('FerretDB source patches', () => {
  let src: string;
  beforeEach(() => {
    src = mkdtempSync(join(tmpdir(), 'vdx-patch-'));
    for (const p of FERRETDB_PATCHES) {
      mkdirSync(dirname(join(src, p.file)), { recursive: true });
      for (let i = 0; i < (p.times ?? 1); i++) writeFileSync(join(src, p.file), `package x\n${p.find}\n// end\n`, { flag: 'a' });
    }
    for (const a of FERRETDB_ADDED_SOURCES) mkdirSync(dirname(join(src, a.file)), { recursive: true });
  });
  afterEach(() => rmSync(src, { recursive: true, force: true }));

  it('replaces each expected fragment once', () => {
    applyFerretDbPatches(src);
    for (const p of FERRETDB_PATCHES) {
      const text = readFileSync(join(src, p.file), 'utf8');
      expect(text).toContain(p.replace);
      expect(text.split(p.replace).length - 1).toBe(p.times ?? 1);
      if (!p.replace.includes(p.find)) expect(text).not.toContain(p.find);
    }
    for (const a of FERRETDB_ADDED_SOURCES) expect(readFileSync(join(src, a.file), 'utf8')).toMatch(/^\/\/ Added to FerretDB 1\.24\.2 by vdx/);
  });

  it('refuses a fragment found more often than the patch says', () => {
    const once = FERRETDB_PATCHES.find((p) => (p.times ?? 1) === 1)!;
    writeFileSync(join(src, once.file), `${once.find}\n`, { flag: 'a' });
    expect(() => applyFerretDbPatches(src)).toThrow(/expected 1 match in .* found 2/);
  });

  it('refuses to overwrite a file the module already has', () => {
    const added = FERRETDB_ADDED_SOURCES[0]!;
    writeFileSync(join(src, added.file), 'package x\n');
    expect(() => applyFerretDbPatches(src)).toThrow(`FerretDB already has ${added.file}`);
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
