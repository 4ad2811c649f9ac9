// Writes libs/contracts/schema-lock.json from the catalogue. Run after adding a schema version;
// the compatibility test refuses versions that are not locked and locked ones that changed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue, schemaLockOf } from '@vdx/contracts';

const file = join(__dirname, '../../libs/contracts/schema-lock.json');
writeFileSync(file, `${JSON.stringify(schemaLockOf(catalogue), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
