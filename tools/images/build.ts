// `npm run images [-- <name>…]`: builds every image of the axis with podman, from the project's
// own base image, into the project's image store (.local/images/storage):
//
//   localhost/vdx/<app>:dev         each service of apps/ (docker/Containerfile, one target each)
//   localhost/vdx/kafka-local:dev   the local Kafka broker and FerretDB of docker/compose.yaml
//   localhost/vdx/ferretdb-local:dev (docker/infra.Containerfile)
//
// First it installs what is missing (podman, runc, mmdebstrap; podman-compose), provisions the
// Kafka jars and FerretDB (libs/local-infra), makes the base image (tools/images/base-image.ts)
// and stages the build contexts (tools/images/stage.ts). Everything is cached: a second run with
// nothing changed takes seconds. Progress goes to stderr; stdout gets one JSON line per image
// (its size) and a last one with the totals and timings.
import { consoleProgress, provisionFerretDb, provisionKafka } from '@vdx/local-infra';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureBaseImage, type BaseImage } from './base-image';
import { DOCKER_DIR, IMAGES_DIR, ImagesError, ROOT, imageExists, imageSize, podman, streamTool } from './podman';
import { stageInfra, stageServices, INFRA_CONTEXT, SERVICES_CONTEXT, type StagedContext } from './stage';
import { ensureContainerTools } from './toolchain';

/** The tag `npm run images` gives, which k8s/overlays/dev and docker/compose.yaml run. */
export const IMAGE_TAG = 'dev';

/** The apps of apps/, each a target of docker/Containerfile. */
export function serviceApps(root = ROOT): string[] {
  return readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export interface ImageSpec {
  /** Short name: the app, or `kafka-local` / `ferretdb-local`. */
  readonly name: string;
  readonly image: string;
  readonly containerfile: string;
  readonly target: string;
  readonly context: string;
}

/** Every image `npm run images` builds, services first. */
export function imageSpecs(tag = IMAGE_TAG): ImageSpec[] {
  const services = serviceApps().map((app) => ({ name: app, image: `localhost/vdx/${app}:${tag}`, containerfile: join(DOCKER_DIR, 'Containerfile'), target: app, context: SERVICES_CONTEXT }));
  const infra = ['kafka', 'ferretdb'].map((t) => ({ name: `${t}-local`, image: `localhost/vdx/${t}-local:${tag}`, containerfile: join(DOCKER_DIR, 'infra.Containerfile'), target: t, context: INFRA_CONTEXT }));
  return [...services, ...infra];
}

/** The specs named on the command line (all when none); an unknown name is refused with the known ones. */
export function selectImages(specs: readonly ImageSpec[], names: readonly string[]): ImageSpec[] {
  if (names.length === 0) return [...specs];
  const unknown = names.filter((n) => !specs.some((s) => s.name === n));
  if (unknown.length > 0) throw new ImagesError('IMAGES.UNKNOWN_IMAGE', `${unknown.join(', ')}: not an image of the axis (${specs.map((s) => s.name).join(', ')})`);
  return specs.filter((s) => names.includes(s.name));
}

export interface BuiltImage {
  readonly image: string;
  /** The image in the store was built from the same inputs: not built again. */
  readonly cached: boolean;
  readonly bytes: number;
  readonly mb: number;
  readonly seconds: number;
}

export interface BuildReport {
  readonly base: BaseImage;
  readonly contexts: { services?: StagedContext; infra?: StagedContext };
  readonly images: BuiltImage[];
  /** Bytes the image store takes: the layers the images share are stored once. */
  readonly storeBytes: number;
  readonly seconds: number;
}

/** The id of an image in the project's store, or undefined. */
function imageId(name: string): string | undefined {
  return imageExists(name) ? podman(['image', 'inspect', '--format', '{{.Id}}', name]) : undefined;
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Bytes the project's image store takes on disk (every layer once, shared layers included once). */
function storeBytes(): number {
  const r = spawnSync('du', ['-sb', join(IMAGES_DIR, 'storage', 'overlay')], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split('\t')[0]) : Number.NaN;
}

/** Builds the images (all, or those named) and returns their sizes. */
export async function buildImages(names: readonly string[] = [], log: (line: string) => void = (l) => process.stderr.write(`[images] ${l}\n`)): Promise<BuildReport> {
  const started = Date.now();
  const specs = selectImages(imageSpecs(), names);
  ensureContainerTools(log);
  const needInfra = specs.some((s) => s.context === INFRA_CONTEXT);
  const needServices = specs.some((s) => s.context === SERVICES_CONTEXT);
  if (needInfra) {
    await provisionKafka(consoleProgress);
    await provisionFerretDb(consoleProgress);
  }
  const base = await ensureBaseImage(log);
  const contexts: BuildReport['contexts'] = {};
  if (needServices) contexts.services = stageServices(log);
  if (needInfra) contexts.infra = stageInfra(log);
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const images: BuiltImage[] = [];
  for (const spec of specs) {
    const t0 = Date.now();
    const context = spec.context === SERVICES_CONTEXT ? contexts.services! : contexts.infra!;
    // The inputs of this image: when the image in the store was built from the same ones, it is kept.
    const stamp = createHash('sha256')
      .update(JSON.stringify({ containerfile: readFileSync(spec.containerfile, 'utf8'), target: spec.target, base: base.stamp, context: context.digest, version }))
      .digest('hex')
      .slice(0, 16);
    // A stamp file per image: its inputs' stamp and the id of the image built from them.
    const stampFile = join(IMAGES_DIR, 'stamps', `${spec.name}.json`);
    const recorded = existsSync(stampFile) ? (JSON.parse(readFileSync(stampFile, 'utf8')) as { stamp?: string; id?: string }) : {};
    const cached = recorded.stamp === stamp && recorded.id !== undefined && imageId(spec.image) === recorded.id;
    if (!cached) {
      log(`building ${spec.image} (${spec.containerfile.slice(ROOT.length + 1)}, target ${spec.target})…`);
      await streamTool(
        'podman',
        ['build', '--format', 'docker', '--layers', '--pull=never', '-f', spec.containerfile, '--target', spec.target, '--build-arg', `BASE_IMAGE=${base.name}`, '--build-arg', `VERSION=${version}`, '-t', spec.image, spec.context],
        (l) => (/^(Error|error)/.test(l) ? log(`  ${l}`) : undefined),
        { timeoutMs: 1_200_000 },
      );
      mkdirSync(dirname(stampFile), { recursive: true });
      writeFileSync(stampFile, `${JSON.stringify({ stamp, id: imageId(spec.image) })}\n`);
    }
    const bytes = imageSize(spec.image);
    images.push({ image: spec.image, bytes, mb: mb(bytes), cached, seconds: Math.round((Date.now() - t0) / 100) / 10 });
  }
  // Rebuilt images leave their predecessors untagged in the project's own store: remove them.
  podman(['image', 'prune', '--force']);
  return { base, contexts, images, storeBytes: storeBytes(), seconds: Math.round((Date.now() - started) / 100) / 10 };
}

if (require.main === module) {
  buildImages(process.argv.slice(2)).then(
    (r) => {
      for (const i of r.images) process.stdout.write(`${JSON.stringify(i)}\n`);
      process.stdout.write(
        `${JSON.stringify({ images: r.images.length, storeMb: mb(r.storeBytes), base: r.base.name, baseBuilt: r.base.built, baseSeconds: r.base.seconds, servicesContextMb: r.contexts.services ? mb(r.contexts.services.bytes) : undefined, seconds: r.seconds })}\n`,
      );
    },
    (err: unknown) => {
      process.stderr.write(`npm run images: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
