import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_PACKAGES, aptSourceFiles, debianSuite, mmdebstrapArgs } from './base-image';
import { ImagesError } from './podman';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImagesError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('the base image recipe', () => {
  it('is the host’s Debian release', () => {
    expect(debianSuite('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n')).toBe('bookworm');
    expect(debianSuite('ID="debian"\nVERSION_CODENAME="trixie"\n')).toBe('trixie');
  });

  it('refuses a host that is not Debian, or names no release (IMAGES.NOT_DEBIAN)', () => {
    expect(codeOf(() => debianSuite('ID=ubuntu\nVERSION_CODENAME=noble\n'))).toBe('IMAGES.NOT_DEBIAN');
    expect(codeOf(() => debianSuite('ID=debian\n'))).toBe('IMAGES.NOT_DEBIAN');
  });

  describe('apt sources', () => {
    let apt: string;
    beforeEach(() => {
      apt = mkdtempSync(join(tmpdir(), 'vdx-apt-'));
      mkdirSync(join(apt, 'sources.list.d'));
    });
    afterEach(() => rmSync(apt, { recursive: true, force: true }));

    it('takes the one-line and deb822 files that name the suite, ignoring comments and disabled files', () => {
      writeFileSync(join(apt, 'sources.list'), '# deb http://deb.debian.org/debian bookworm main\n');
      writeFileSync(join(apt, 'sources.list.d', 'debian.sources'), 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n');
      writeFileSync(join(apt, 'sources.list.d', 'extra.list'), 'deb http://mirror.example/debian bookworm main\n');
      writeFileSync(join(apt, 'sources.list.d', 'other.list'), 'deb http://mirror.example/debian trixie main\n');
      writeFileSync(join(apt, 'sources.list.d', 'node.sources.disabled'), 'Suites: bookworm\n');
      expect(aptSourceFiles('bookworm', apt)).toEqual([join(apt, 'sources.list.d', 'debian.sources'), join(apt, 'sources.list.d', 'extra.list')]);
    });

    it('refuses when no source names the suite (IMAGES.NO_APT_SOURCES)', () => {
      writeFileSync(join(apt, 'sources.list'), 'deb http://deb.debian.org/debian trixie main\n');
      expect(codeOf(() => aptSourceFiles('bookworm', apt))).toBe('IMAGES.NO_APT_SOURCES');
    });
  });

  it('is a minbase system with tini and the native Kafka client’s libraries, merged /usr without Perl, no documentation', () => {
    const args = mmdebstrapArgs('bookworm', 'base.tar', ['/etc/apt/sources.list.d/debian.sources']);
    expect(args.slice(0, 3)).toEqual(['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr']);
    expect(BASE_PACKAGES).toEqual(expect.arrayContaining(['usr-is-merged', 'tini', 'libssl3', 'libsasl2-2', 'libzstd1', 'liblz4-1', 'zlib1g']));
    expect(args).toEqual(expect.arrayContaining(['--dpkgopt=path-exclude=/usr/share/doc/*', '--dpkgopt=path-exclude=/usr/share/man/*', '--dpkgopt=path-exclude=/usr/share/locale/*']));
    expect(args.slice(-3)).toEqual(['bookworm', 'base.tar', '/etc/apt/sources.list.d/debian.sources']);
  });
});
