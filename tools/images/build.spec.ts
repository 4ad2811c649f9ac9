import { imageSpecs, selectImages, serviceApps } from './build';
import { composeProjectName, PORT_VARIABLES } from './compose';
import { check } from './healthcheck';
import { ImagesError, storageConf } from './podman';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImagesError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('npm run images', () => {
  it('builds an image per app and the local Kafka and FerretDB, named as k8s/overlays/dev and docker/compose.yaml run them', () => {
    const specs = imageSpecs();
    expect(specs.map((s) => s.image)).toEqual([...serviceApps().map((a) => `localhost/vdx/${a}:dev`), 'localhost/vdx/kafka-local:dev', 'localhost/vdx/ferretdb-local:dev']);
    expect(specs.filter((s) => s.containerfile.endsWith('/docker/Containerfile')).map((s) => s.target)).toEqual(serviceApps());
    expect(specs.filter((s) => s.containerfile.endsWith('/docker/infra.Containerfile')).map((s) => s.target)).toEqual(['kafka', 'ferretdb']);
  });

  it('builds only the images named, and refuses a name it does not know (IMAGES.UNKNOWN_IMAGE)', () => {
    expect(selectImages(imageSpecs(), ['gateway', 'kafka-local']).map((s) => s.name)).toEqual(['gateway', 'kafka-local']);
    expect(selectImages(imageSpecs(), []).length).toBe(imageSpecs().length);
    expect(codeOf(() => selectImages(imageSpecs(), ['gateway', 'gatway']))).toBe('IMAGES.UNKNOWN_IMAGE');
    expect(() => selectImages(imageSpecs(), ['gatway'])).toThrow(/gatway: not an image of the axis \(.*gateway.*\)/);
  });

  it('keeps its images in a store of its own under .local/images', () => {
    expect(storageConf('/srv/vdx/.local/images')).toBe('[storage]\ndriver = "overlay"\ngraphroot = "/srv/vdx/.local/images/storage"\nrunroot = "/srv/vdx/.local/images/run"\n');
  });
});

describe('compose projects', () => {
  it('names a project as compose accepts it', () => {
    expect(composeProjectName('vdx-smoke.4f2a_Run')).toBe('vdx-smoke-4f2a_run');
    expect(composeProjectName('--Vdx')).toBe('vdx');
    expect(composeProjectName('x'.repeat(80))).toHaveLength(63);
  });

  it('refuses a name with nothing usable (IMAGES.BAD_PROJECT)', () => {
    expect(codeOf(() => composeProjectName('..//'))).toBe('IMAGES.BAD_PROJECT');
  });

  it('knows a published port variable for every port an app listens on', () => {
    const services = new Set(Object.values(PORT_VARIABLES).map(([s]) => s));
    expect([...services].sort()).toEqual([...serviceApps(), 'ferretdb', 'kafka'].sort());
  });
});

describe('the images’ HEALTHCHECK', () => {
  it('fails without a fixed HTTP_PORT (HEALTHCHECK_NO_PORT), asking nothing', async () => {
    for (const port of [undefined, '', '0', 'http', '123456']) {
      const r = await check(port, '/health/ready');
      expect([port, r.ok, r.detail.startsWith('HEALTHCHECK_NO_PORT:')]).toEqual([port, false, true]);
    }
  });
});
