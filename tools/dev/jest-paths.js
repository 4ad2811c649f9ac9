// Maps the tsconfig path aliases (@vdx/*) to their source so Jest resolves them like tsc does.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function pathsToModuleNameMapper() {
  const base = JSON.parse(readFileSync(join(__dirname, '../../tsconfig.base.json'), 'utf8'));
  const mapper = {};
  for (const [alias, [target]] of Object.entries(base.compilerOptions.paths)) {
    mapper[`^${alias.replace('/', '\\/')}$`] = `<rootDir>/${target}`;
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
