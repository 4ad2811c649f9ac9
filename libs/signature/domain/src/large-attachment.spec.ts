import type { SigningHierarchy } from '@vdx/pki';
import { InMemoryRevocationSource } from '@vdx/signature-validator';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptographicVerifier } from './cryptographic-verifier';
import { exposeGc, largeSignedPackage, MemoryProbe, type LargePackage } from './test-fixtures/large-package';
import { sandboxContext, sandboxHierarchy } from '../../validator/src/testing/fixtures';

const MB = 1024 * 1024;

describe('a 100 MB PDF attachment', () => {
  let h: SigningHierarchy;
  let large: LargePackage;
  let spoolDir: string;

  beforeAll(async () => {
    h = await sandboxHierarchy();
    large = await largeSignedPackage(h, 100 * MB);
    spoolDir = await mkdtemp(join(tmpdir(), 'large-spool-'));
  }, 120_000);
  afterAll(() => rm(spoolDir, { recursive: true, force: true }));

  it(
    'is verified from its spooled file (both signatures valid) with under 20 MB of memory retained (80 MB counting garbage)',
    async () => {
      expect(large.pdf.length).toBeGreaterThan(100 * MB);
      const verifier = new CryptographicVerifier({ context: () => sandboxContext(h, { revocation: new InMemoryRevocationSource('good') }), spoolDir });
      const probe = new MemoryProbe(exposeGc(), 8 * MB);
      const timer = setInterval(() => probe.sample(), 5);
      const verdict = await verifier.verify(large.input, probe.watch(large.body()));
      clearInterval(timer);
      probe.retained();
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
      expect(verdict.checks.find((c) => c.name === 'signature:cong-van.pdf')?.detail).toMatch(/^valid; 2 signature\(s\): personal by .*: valid; organisational by .*: valid$/);
      expect(await readdir(spoolDir)).toEqual([]);
      expect(probe.retainedGrowthMb).toBeLessThan(20);
      expect(probe.rawGrowthMb).toBeLessThan(80);
    },
    180_000,
  );
});
