// First step of `npm start` and `npm test`, with no dependency of its own: installs the Debian
// packages the native Kafka client builds against (and openssl, whose OCSP responder and CA the
// signature tests run, xmlsec1, the independent XML-DSig signer they verify against, and Chromium,
// which drives the console's browser tests), then the npm packages (building that client
// from its bundled source with CKJS_LINKING=dynamic). Idempotent: a second run does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const APT = ['libssl-dev', 'zlib1g-dev', 'libzstd-dev', 'libsasl2-dev', 'liblz4-dev', 'build-essential', 'python3', 'openssl', 'xmlsec1', 'chromium'];
const say = (line) => process.stderr.write(`[bootstrap] ${line}\n`);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    say(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function missingApt() {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) return [];
  return APT.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: install Node 20.19 or newer`);
  process.exit(1);
}

const missing = missingApt();
if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    say(`missing Debian packages: run  sudo apt-get install -y ${missing.join(' ')}  and try again`);
    process.exit(1);
  }
  say(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', ...missing], { DEBIAN_FRONTEND: 'noninteractive' });
}

// node_modules is current when it was installed after the last change to package-lock.json.
const marker = join(root, 'node_modules', '.vdx-installed');
const lock = join(root, 'package-lock.json');
const native = join(root, 'node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node');
const fresh = existsSync(marker) && existsSync(native) && readFileSync(marker, 'utf8') === String(statSync(lock).mtimeMs);
if (!fresh) {
  say('installing npm packages (the first run builds the Kafka client from source: a few minutes)…');
  // npm install, not npm ci: the lock omits other platforms' optional binaries, which npm ci refuses.
  run('npm', ['install', '--no-audit', '--no-fund'], { CKJS_LINKING: 'dynamic' });
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, String(statSync(lock).mtimeMs));
}
