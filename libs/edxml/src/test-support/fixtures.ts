// Test-only helpers: locate the vendored fixtures (test-fixtures/) from the repository root, wherever Jest runs.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (nx.json) not found');
    dir = up;
  }
  return dir;
}

/** The reference SDK samples (test-fixtures/README.md). */
export const SAMPLES_DIR = resolve(repoRoot(), 'test-fixtures/edxml/vnpt-sdk-samples');

export function sample(name: string): Buffer {
  return readFileSync(join(SAMPLES_DIR, name));
}

/** Findings without messages, for exact comparison. */
export function brief(findings: ReadonlyArray<{ code: string; severity: string; path: string }>): string[] {
  return findings.map((f) => `${f.severity} ${f.code} ${f.path}`);
}

/** Hex of each buffer: Jest's deep equality walks big buffers byte by byte, a string compares at once. */
export function hex(buffers: ReadonlyArray<Uint8Array | undefined>): string[] {
  return buffers.map((b) => Buffer.from(b ?? new Uint8Array()).toString('hex'));
}
