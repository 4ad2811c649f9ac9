import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from './registry';
import { lockViolations, schemaLockOf, type SchemaLock } from './schema-lock';

const published = JSON.parse(readFileSync(join(__dirname, '../../schema-lock.json'), 'utf8')) as SchemaLock;

describe('schema catalogue', () => {
  it('matches schema-lock.json: no published version was changed or removed', () => {
    expect(lockViolations(published, schemaLockOf(catalogue))).toEqual([]);
  });

  const pairs = [...catalogue.entries()].flatMap(([type, versions]) =>
    versions.slice(1).map((reader, i) => ({ type, writer: versions[i]!, reader })),
  );

  it('has at least one evolved type, so the compatibility check below really runs', () => {
    expect(pairs.length).toBeGreaterThan(0);
  });

  it.each(pairs.map((p) => [p.type, p.writer.version, p.reader.version, p] as const))(
    '%s v%i data is readable by v%i',
    (_type, _w, _r, { writer, reader }) => {
      const resolver = reader.avro.createResolver(writer.avro);
      for (let i = 0; i < 50; i += 1) {
        const written: unknown = writer.avro.random();
        const read = reader.avro.fromBuffer(writer.avro.toBuffer(written), resolver) as Record<string, unknown>;
        expect(reader.avro.isValid(read)).toBe(true);
        // Every field the writer knew survives the resolution unchanged, nested records' too
        // (a nested record may gain fields, which take their defaults).
        expect(read).toMatchObject(written as Record<string, unknown>);
      }
    },
  );
});

describe('lockViolations', () => {
  it('reports a version changed in place, a removed one and an unlocked one', () => {
    const before: SchemaLock = { a: { '1': 'x', '2': 'y' } };
    const after: SchemaLock = { a: { '1': 'z' }, b: { '1': 'w' } };
    expect(lockViolations(before, after)).toEqual([
      'a v1 was changed in place; add a new version instead',
      'a v2 was published and has been removed',
      'b v1 is not in schema-lock.json yet: run npm run contracts:lock',
    ]);
  });
});
