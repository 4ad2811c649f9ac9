// From a CustomResourceDefinition to the JSON schema kubeconform checks a custom resource
// against, as kubeconform's own openapi2jsonschema does it: the version's openAPIV3Schema, with
// `nullable` turned into a JSON type union, `x-kubernetes-int-or-string` into a string-or-integer
// choice, and, for -strict, every object that lists its properties closed to others (unless it
// preserves unknown fields, as the API server would). Pure functions: no I/O.

export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JsonSchema };
}

export interface Crd {
  apiVersion: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

export type JsonSchema = { [key: string]: unknown };

/** Where kubeconform looks for the schema of a custom resource: `<group>/<kind>_<version>.json`, kind in lower case. */
export function schemaFileName(group: string, kind: string, version: string): string {
  return `${group}/${kind.toLowerCase()}_${version}.json`;
}

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One node of an OpenAPI v3 schema as a strict JSON schema node (recursively). */
export function strictJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strictJsonSchema(sub)]));
    } else {
      out[key] = strictJsonSchema(value);
    }
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['oneOf'] = [{ type: 'string' }, { type: 'integer' }];
  }
  if (out['nullable'] === true && typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
  }
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(out['properties']) && !('additionalProperties' in out) && !preserves) {
    out['additionalProperties'] = false;
  }
  return out;
}

/** The strict JSON schema of each version a CRD serves, keyed by kubeconform's file name. */
export function schemasOfCrd(crd: Crd): Map<string, JsonSchema> {
  if (crd.kind !== 'CustomResourceDefinition') throw new Error(`K8S_NOT_A_CRD: ${crd.metadata?.name ?? '(unnamed)'} is a ${String(crd.kind)}`);
  const out = new Map<string, JsonSchema>();
  for (const v of crd.spec.versions) {
    if (v.served === false) continue;
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) throw new Error(`K8S_CRD_WITHOUT_SCHEMA: ${crd.metadata.name} ${v.name} has no openAPIV3Schema`);
    const strict = strictJsonSchema(schema) as JsonSchema;
    out.set(schemaFileName(crd.spec.group, crd.spec.names.kind, v.name), {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...strict,
    });
  }
  return out;
}
