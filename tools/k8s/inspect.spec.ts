import { localiseSchema } from './kubernetes-schemas';
import { environmentOf, hostPort, listedDefaults, parseQuantity } from './inspect';
import { kubeApiserverGoMod, stagingVersion } from './toolchain';
import type { Manifest } from './validate';

describe('reading manifests (tools/k8s/inspect.ts)', () => {
  it('reads Kubernetes quantities', () => {
    expect([parseQuantity('250m'), parseQuantity('2'), parseQuantity(2), parseQuantity('1.5')]).toEqual([0.25, 2, 2, 1.5]);
    expect([parseQuantity('512Mi'), parseQuantity('1Gi'), parseQuantity('2G'), parseQuantity('1e3')]).toEqual([512 * 2 ** 20, 2 ** 30, 2e9, 1000]);
    expect(parseQuantity('1536Mi') > parseQuantity('1Gi')).toBe(true);
    expect(() => parseQuantity('2 cores')).toThrow('K8S_BAD_QUANTITY');
  });

  it('assembles a container environment as the kubelet does: envFrom in order, then env', () => {
    const cm = (name: string, data: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
    const secret: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: Buffer.from('v').toString('base64') } };
    const env = environmentOf(
      {
        name: 'c',
        envFrom: [{ configMapRef: { name: 'a' } }, { configMapRef: { name: 'b' } }],
        env: [
          { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'OUT', valueFrom: { secretKeyRef: { name: 'elsewhere', key: 'k' } } },
          { name: 'ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'X', value: 'last' },
        ],
      },
      [cm('a', { X: '1', Y: 'a' }), cm('b', { Y: 'b' }), secret],
    );
    expect(Object.fromEntries(env)).toEqual({
      X: { from: 'value', value: 'last' },
      Y: { from: 'configMap', name: 'b', value: 'b' },
      S: { from: 'secret', name: 's', key: 'k', value: 'v' },
      OUT: { from: 'secret', name: 'elsewhere', key: 'k', value: undefined },
      ID: { from: 'field', fieldPath: 'metadata.name' },
    });
    expect(() => environmentOf({ name: 'c', envFrom: [{ configMapRef: { name: 'missing' } }] }, [])).toThrow('K8S_ENV_SOURCE_MISSING');
  });

  it('reads host:port settings and the deliberate-defaults line of an env file', () => {
    expect(hostPort('delivery:5005')).toEqual({ host: 'delivery', port: 5005 });
    expect(() => hostPort('http://delivery')).toThrow('K8S_NOT_HOST_PORT');
    expect(listedDefaults('# a comment\n# defaults: A B\nX=1\n#defaults:  C\n')).toEqual(['A', 'B', 'C']);
  });
});

describe('the toolchain and schema preparation', () => {
  it("replaces each of Kubernetes's staging modules by its published release", () => {
    expect(stagingVersion('v1.37.2')).toBe('v0.37.2');
    expect(() => stagingVersion('1.37')).toThrow('K8S_VERSION_FORMAT');
    const mod = kubeApiserverGoMod('v1.37.2');
    expect(mod).toContain('require k8s.io/kubernetes v1.37.2');
    expect(mod).toContain('\tk8s.io/api => k8s.io/api v0.37.2');
    expect(mod).toContain('\tk8s.io/apiserver => k8s.io/apiserver v0.37.2');
    expect(mod).not.toContain('./staging');
  });

  it("makes kubernetes-validate's schema references local", () => {
    const out = localiseSchema(JSON.stringify({ $id: 'https://kubernetes.io/api/deployment/apps/v1', properties: { spec: { $ref: '/api/_definitions.json#/$defs/io.k8s.api.apps.v1.DeploymentSpec' } } }));
    expect(JSON.parse(out)).toEqual({ properties: { spec: { $ref: '_definitions.json#/$defs/io.k8s.api.apps.v1.DeploymentSpec' } } });
  });
});
