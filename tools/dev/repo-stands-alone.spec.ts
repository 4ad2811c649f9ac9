import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
// Paths outside a fresh clone: the folder beside the repository, or one machine's folders.
const OUTSIDE = [/\.\.\/shared\b/, /(^|[\s'"`(=])\/(work|home|root|tmp)\//];

describe('the repository stands alone', () => {
  it('has no tracked file that points outside the clone', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && !f.startsWith('test-fixtures/') && /\.(ts|js|mjs|cjs|json|md|ya?ml|sh|properties|xml)$|^\.ci\//.test(f));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) && !line.includes('OUTSIDE') ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
