import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const root = join(__dirname, '../..');
const appsDir = join(root, 'apps');
const APPS = readdirSync(appsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The environment variables an app's README documents. The convention: a `## Environment`
 * heading, and under it (before the next heading of level 1 or 2) a Markdown table whose rows
 * start with the variable's name in backticks. Header and separator rows are skipped.
 */
function envVarsInReadme(markdown: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => /^##\s+Environment\s*$/.test(l));
  if (start < 0) throw new Error('no "## Environment" heading');
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2}\s/.test(line)) break;
    const row = /^\|\s*`([^`]+)`\s*\|/.exec(line);
    if (row) names.push(row[1]!);
  }
  const malformed = names.filter((n) => !ENV_NAME.test(n));
  if (malformed.length > 0) throw new Error(`not environment variable names: ${malformed.join(', ')}`);
  return names;
}

/** The variables an app's config schema reads: the keys of the zod object its `src/config.ts` exports. */
async function envVarsOfConfig(app: string): Promise<string[]> {
  const mod = (await import(join(appsDir, app, 'src/config'))) as Record<string, unknown>;
  const schemas = Object.entries(mod).filter((entry): entry is [string, z.ZodObject] => entry[1] instanceof z.ZodObject);
  if (schemas.length !== 1) throw new Error(`apps/${app}/src/config.ts exports ${schemas.length} zod object schemas (${schemas.map(([n]) => n).join(', ')}), expected one`);
  return Object.keys(schemas[0]![1].shape);
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('each app README lists exactly the environment variables of its config schema', () => {
  it('finds the apps, each with a config module and a README', () => {
    expect(APPS).toEqual(expect.arrayContaining(['delivery', 'directory', 'gateway', 'routing', 'signature', 'statistics']));
    const incomplete = APPS.filter((app) => !existsSync(join(appsDir, app, 'src/config.ts')) || !existsSync(join(appsDir, app, 'README.md')));
    expect(incomplete).toEqual([]);
  });

  it('reads the variable table under "## Environment" and nothing after the next section', () => {
    const readme = [
      '# x',
      '## Environment',
      '',
      '| Variable | Default | Meaning |',
      '|---|---|---|',
      '| `KAFKA_BROKERS` | (required) | brokers |',
      '| `HTTP_PORT` | `3001` | port |',
      '',
      '### Notes',
      '| `DEEPER_SECTION` | | still this section |',
      '## Topics',
      '| `NOT_AN_ENV` | | another section |',
    ].join('\n');
    expect(envVarsInReadme(readme)).toEqual(['KAFKA_BROKERS', 'HTTP_PORT', 'DEEPER_SECTION']);
    expect(() => envVarsInReadme('# x\n## Configuration\n| `A` | |\n')).toThrow('no "## Environment" heading');
    expect(() => envVarsInReadme('## Environment\n| `kafka.brokers` | |\n')).toThrow('not environment variable names: kafka.brokers');
  });

  it.each(APPS)('apps/%s/README.md', async (app) => {
    const declared = await envVarsOfConfig(app);
    const documented = envVarsInReadme(readFileSync(join(appsDir, app, 'README.md'), 'utf8'));
    expect(declared).toContain('KAFKA_BROKERS');
    const inReadme = new Set(documented);
    const inSchema = new Set(declared);
    const result = {
      app,
      missingFromReadme: sorted(declared.filter((v) => !inReadme.has(v))),
      notInSchema: sorted(documented.filter((v) => !inSchema.has(v))),
      listedTwice: sorted(new Set(documented.filter((v, i) => documented.indexOf(v) !== i))),
    };
    expect(result).toEqual({ app, missingFromReadme: [], notInSchema: [], listedTwice: [] });
  });
});
