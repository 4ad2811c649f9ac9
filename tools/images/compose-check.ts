// docker/compose.yaml as `docker compose` reads it: docker compose loads compose files with the
// compose-spec Go library (github.com/compose-spec/compose-go), which interpolates, validates
// against the Compose Specification's schema and normalises. No Docker engine runs on these
// machines, so a small program around that library is built once from the Go module proxy into
// .local/bin/compose-check (a few seconds) and prints the project as docker compose would see it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImagesError, ROOT } from './podman';

/** The compose-spec loader of docker compose v2. */
export const COMPOSE_GO_VERSION = 'v2.16.2';

const BUILD_DIR = join(ROOT, '.local', 'build', 'compose-check');
export const COMPOSE_CHECK_BIN = join(ROOT, '.local', 'bin', 'compose-check');

const GO_MOD = ['module vdx.local/build/compose-check', '', 'go 1.26.0', '', `require github.com/compose-spec/compose-go/v2 ${COMPOSE_GO_VERSION}`, ''].join('\n');

const MAIN_GO = `package main

// Loads compose files as docker compose does (interpolation from the environment, schema
// validation, normalisation) and prints the project as JSON; exit 1 with the loader's error.

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	opts, err := cli.NewProjectOptions(os.Args[1:], cli.WithOsEnv)
	if err == nil {
		var out []byte
		if project, lerr := opts.LoadProject(context.Background()); lerr != nil {
			err = lerr
		} else if out, err = project.MarshalJSON(); err == nil {
			os.Stdout.Write(out)
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
`;

const goEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false' });

/** Builds .local/bin/compose-check unless the cached one is of this version; returns its path. */
export function ensureComposeCheck(log: (line: string) => void = (l) => process.stderr.write(`[images] ${l}\n`)): string {
  const stamp = `${COMPOSE_CHECK_BIN}.build`;
  if (existsSync(COMPOSE_CHECK_BIN) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === COMPOSE_GO_VERSION) return COMPOSE_CHECK_BIN;
  if (spawnSync('go', ['version']).status !== 0) throw new ImagesError('IMAGES.GO_MISSING', 'compose-check is built from its Go module: install Go 1.26+');
  log(`building compose-check (compose-go ${COMPOSE_GO_VERSION}) into .local/bin…`);
  mkdirSync(BUILD_DIR, { recursive: true });
  const modFile = join(BUILD_DIR, 'go.mod');
  if (!existsSync(modFile) || !readFileSync(modFile, 'utf8').startsWith(GO_MOD.trimEnd())) writeFileSync(modFile, GO_MOD);
  writeFileSync(join(BUILD_DIR, 'main.go'), MAIN_GO);
  for (const args of [['mod', 'tidy'], ['build', '-trimpath', '-ldflags=-s -w', '-o', COMPOSE_CHECK_BIN, '.']]) {
    const r = spawnSync('go', args, { cwd: BUILD_DIR, encoding: 'utf8', env: goEnv(), maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new ImagesError('IMAGES.COMPOSE_CHECK_BUILD', `go ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  }
  writeFileSync(stamp, `${COMPOSE_GO_VERSION}\n`);
  return COMPOSE_CHECK_BIN;
}

/** A compose service as the compose-spec loader normalises it (the fields the checks read). */
export interface LoadedService {
  image?: string;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  restart?: string;
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  ports?: { host_ip?: string; target: number; published?: string; protocol?: string }[];
  volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
  healthcheck?: { test?: string[] };
}

export interface LoadedProject {
  name: string;
  services: Record<string, LoadedService>;
  volumes?: Record<string, unknown>;
}

/** Loads a compose file with the compose-spec loader and these variables alone (not this process's environment). */
export function loadWithComposeGo(file: string, vars: Readonly<Record<string, string>>, project = 'vdx-check'): { ok: true; project: LoadedProject } | { ok: false; error: string } {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], COMPOSE_PROJECT_NAME: project, ...vars };
  const r = spawnSync(ensureComposeCheck(), [file], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return { ok: false, error: (r.stderr || r.stdout).trim() };
  return { ok: true, project: JSON.parse(r.stdout) as LoadedProject };
}
