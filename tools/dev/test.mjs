// `npm test`: bootstrap, then the whole suite (tools/dev/run-tests.ts) against real Kafka and FerretDB.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const boot = spawnSync(process.execPath, [join(root, 'tools/dev/bootstrap.mjs')], { stdio: 'inherit' });
if (boot.status !== 0) process.exit(boot.status ?? 1);
const r = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/dev/run-tests.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
