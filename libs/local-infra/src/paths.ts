import { join, resolve } from 'node:path';

/** The repository root: everything downloaded or generated lives under its ignored `.local/`. */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const LOCAL_DIR = join(REPO_ROOT, '.local');
export const KAFKA_LIBS = join(LOCAL_DIR, 'kafka', 'libs');
export const KAFKA_POM = join(REPO_ROOT, 'infra', 'kafka', 'pom.xml');
export const FERRETDB_BIN = join(LOCAL_DIR, 'bin', 'ferretdb');
export const RUN_DIR = join(LOCAL_DIR, 'run');
