import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { schemaFileName, schemasOfCrd, strictJsonSchema, type Crd } from './crd-schemas';
import { CRD_DIR, CRD_SOURCES, SCHEMA_DIR, deriveSchemas, type VendoredFile } from './vendor-crds';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

describe('the vendored CRDs (k8s/crds) and their JSON schemas (k8s/schemas)', () => {
  const sources = JSON.parse(readFileSync(join(CRD_DIR, 'sources.json'), 'utf8')) as VendoredFile[];

  it('holds exactly the files sources.json records, unchanged since they were fetched', () => {
    expect(readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()).toEqual(sources.map((s) => s.file).sort());
    for (const s of sources) expect({ file: s.file, sha256: createHash('sha256').update(readFileSync(join(CRD_DIR, s.file))).digest('hex') }).toEqual({ file: s.file, sha256: s.sha256 });
    expect([...new Set(sources.map((s) => s.source))].sort()).toEqual(Object.entries(CRD_SOURCES).map(([n, s]) => `${n} ${s.version}`).sort());
  });

  it('holds, in k8s/schemas, exactly the schemas derived from those CRDs (run tools/k8s/vendor-crds.ts after changing one)', () => {
    const derived = deriveSchemas();
    const onDisk = files(SCHEMA_DIR).map((f) => relative(SCHEMA_DIR, f)).sort();
    expect(onDisk).toEqual([...derived.keys()].sort());
    for (const [name, text] of derived) expect({ name, same: readFileSync(join(SCHEMA_DIR, name), 'utf8') === text }).toEqual({ name, same: true });
    expect(onDisk).toEqual(
      expect.arrayContaining(['kafka.strimzi.io/kafka_v1.json', 'kafka.strimzi.io/kafkanodepool_v1.json', 'kafka.strimzi.io/kafkatopic_v1.json', 'cert-manager.io/certificate_v1.json', 'cert-manager.io/issuer_v1.json', 'monitoring.coreos.com/servicemonitor_v1.json', 'monitoring.coreos.com/prometheusrule_v1.json', 'mongodbcommunity.mongodb.com/mongodbcommunity_v1.json']),
    );
  });
});

describe('a CRD version as kubeconform reads it (strictJsonSchema)', () => {
  it('closes every object that lists its properties, but not one that preserves unknown fields or sets its own', () => {
    expect(strictJsonSchema({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: { type: 'string' } } }, map: { type: 'object', additionalProperties: { type: 'string' } } } })).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: 'object', additionalProperties: false, properties: { b: { type: 'string' } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: { type: 'string' } } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
  });

  it('turns int-or-string into a choice, and nullable into a type union', () => {
    expect(strictJsonSchema({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] })).toEqual({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], oneOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(strictJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'], nullable: true });
  });

  it("files each served version under kubeconform's name, and refuses what is not a CRD or has no schema", () => {
    const crd: Crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'things.example.org' }, spec: { group: 'example.org', names: { kind: 'Thing' }, versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object' } } }, { name: 'v0', served: false }] } };
    expect([...schemasOfCrd(crd).keys()]).toEqual(['example.org/thing_v1.json']);
    expect(schemaFileName('cert-manager.io', 'Certificate', 'v1')).toBe('cert-manager.io/certificate_v1.json');
    expect(() => schemasOfCrd({ ...crd, spec: { ...crd.spec, versions: [{ name: 'v1' }] } })).toThrow('K8S_CRD_WITHOUT_SCHEMA');
    expect(() => schemasOfCrd({ ...crd, kind: 'Deployment' as 'CustomResourceDefinition' })).toThrow('K8S_NOT_A_CRD');
  });
});
