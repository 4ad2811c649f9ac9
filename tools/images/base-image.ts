// The project's own base image: a minimal Debian root file system made by mmdebstrap from the
// mirrors this machine's apt already uses, imported into podman as localhost/vdx/base:<suite>.
// It is the host's own Debian release, because the images carry binaries built on the host (the
// Node binary, the native Kafka client, FerretDB, the jlinked Java runtime), which need its C
// libraries. Cached: the tarball under .local/images and the image are made again only when the
// recipe (suite, packages, options, apt sources) changes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES_DIR, ImagesError, imageLabel, podman, streamTool } from './podman';

/**
 * What the images need beside glibc: tini (PID 1), and the libraries the native Kafka client
 * links against (OpenSSL, SASL, zstd, LZ4, zlib) and Node needs (libstdc++). `usr-is-merged`
 * instead of the `usrmerge` package, which would pull in Perl.
 */
export const BASE_PACKAGES = ['usr-is-merged', 'tini', 'libssl3', 'libsasl2-2', 'libzstd1', 'liblz4-1', 'zlib1g', 'libstdc++6'] as const;

/** Documentation, manuals and translations are not installed (a third of minbase). */
const DPKG_EXCLUDES = [
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/locale/*',
  'path-include=/usr/share/locale/locale.alias',
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/info/*',
];

export const STAMP_LABEL = 'vdx.image.stamp';

/** The machine's Debian release codename, from os-release text. */
export function debianSuite(osRelease: string): string {
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1];
  if (field('ID') !== 'debian') throw new ImagesError('IMAGES.NOT_DEBIAN', `the base image is made with mmdebstrap from the host's Debian release; this host is ${field('ID') ?? 'unknown'}`);
  const suite = field('VERSION_CODENAME');
  if (!suite) throw new ImagesError('IMAGES.NOT_DEBIAN', 'os-release names no VERSION_CODENAME');
  return suite;
}

/** The apt source files (one-line `.list` or deb822 `.sources`) that name `suite`, as mmdebstrap mirror arguments. */
export function aptSourceFiles(suite: string, aptDir = '/etc/apt'): string[] {
  const candidates = [join(aptDir, 'sources.list')];
  const dir = join(aptDir, 'sources.list.d');
  if (existsSync(dir)) candidates.push(...readdirSync(dir).filter((f) => f.endsWith('.list') || f.endsWith('.sources')).sort().map((f) => join(dir, f)));
  const names = new RegExp(`(^|\\s)${suite}(\\s|$)`, 'm');
  const files = candidates.filter((f) => existsSync(f) && statSync(f).isFile() && names.test(readFileSync(f, 'utf8').replace(/^\s*#.*$/gm, '')));
  if (files.length === 0) throw new ImagesError('IMAGES.NO_APT_SOURCES', `no apt source under ${aptDir} names ${suite}`);
  return files;
}

export interface BaseImage {
  readonly name: string;
  readonly suite: string;
  readonly stamp: string;
  /** Whether it was made now (false: the cached image was reused). */
  readonly built: boolean;
  readonly seconds: number;
}

/** The mmdebstrap command line that writes the root file system to `output`. */
export function mmdebstrapArgs(suite: string, output: string, sources: readonly string[]): string[] {
  return [
    '--variant=minbase',
    `--include=${BASE_PACKAGES.join(',')}`,
    '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr',
    ...DPKG_EXCLUDES.map((o) => `--dpkgopt=${o}`),
    suite,
    output,
    ...sources,
  ];
}

/** Makes (or reuses) localhost/vdx/base:<suite>. */
export async function ensureBaseImage(log: (line: string) => void): Promise<BaseImage> {
  const started = Date.now();
  const suite = debianSuite(readFileSync('/etc/os-release', 'utf8'));
  const sources = aptSourceFiles(suite);
  const tarball = join(IMAGES_DIR, `base-${suite}.tar`);
  const partial = `${tarball}.partial.tar`;
  const args = mmdebstrapArgs(suite, partial, sources);
  const stamp = createHash('sha256')
    .update(JSON.stringify({ args: mmdebstrapArgs(suite, 'base.tar', sources), sources: sources.map((f) => readFileSync(f, 'utf8')) }))
    .digest('hex')
    .slice(0, 16);
  const name = `localhost/vdx/base:${suite}`;
  if (imageLabel(name, STAMP_LABEL) === stamp) return { name, suite, stamp, built: false, seconds: 0 };
  const tarStamp = `${tarball}.stamp`;
  if (!(existsSync(tarball) && existsSync(tarStamp) && readFileSync(tarStamp, 'utf8') === stamp)) {
    log(`making the base image's root file system: mmdebstrap --variant=minbase ${suite} (about 30 s)…`);
    rmSync(partial, { force: true });
    await streamTool('mmdebstrap', args, (l) => (/^E:|^W:|success/.test(l) ? log(`  ${l}`) : undefined), { timeoutMs: 900_000 });
    renameSync(partial, tarball);
    writeFileSync(tarStamp, stamp);
  }
  podman(['import', '--change', 'CMD ["/bin/sh"]', '--change', `LABEL ${STAMP_LABEL}=${stamp}`, '--message', `mmdebstrap --variant=minbase ${suite}`, tarball, name], { timeoutMs: 300_000 });
  if (imageLabel(name, STAMP_LABEL) !== stamp) throw new ImagesError('IMAGES.IMPORT_FAILED', `podman import did not record the label ${STAMP_LABEL} on ${name}`);
  log(`${name} ready`);
  return { name, suite, stamp, built: true, seconds: Math.round((Date.now() - started) / 100) / 10 };
}
