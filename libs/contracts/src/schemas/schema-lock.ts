import type { SchemaCatalogue } from './catalogue';

/** type → version → fingerprint: what has been published and must never change in place. */
export type SchemaLock = Record<string, Record<string, string>>;

/** The lock as the catalogue stands now. */
export function schemaLockOf(catalogue: SchemaCatalogue): SchemaLock {
  const lock: SchemaLock = {};
  for (const [type, versions] of [...catalogue.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lock[type] = Object.fromEntries(versions.map((v) => [String(v.version), v.fingerprint]));
  }
  return lock;
}

/** Every way the catalogue departs from the published lock; empty when it is compatible. */
export function lockViolations(published: SchemaLock, current: SchemaLock): string[] {
  const problems: string[] = [];
  for (const [type, versions] of Object.entries(published)) {
    for (const [version, print] of Object.entries(versions)) {
      const now = current[type]?.[version];
      if (now === undefined) problems.push(`${type} v${version} was published and has been removed`);
      else if (now !== print) problems.push(`${type} v${version} was changed in place; add a new version instead`);
    }
  }
  for (const [type, versions] of Object.entries(current)) {
    for (const version of Object.keys(versions)) {
      if (published[type]?.[version] === undefined) {
        problems.push(`${type} v${version} is not in schema-lock.json yet: run npm run contracts:lock`);
      }
    }
  }
  return problems;
}
