import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensurePromtool } from './promtool';

const dir = join(__dirname, '../../deploy/prometheus');

// promtool is built from its Go module the first time (several minutes), then taken from .local/bin.
jest.setTimeout(30 * 60_000);

describe('alert rules under promtool', () => {
  let promtool: string;
  beforeAll(() => {
    promtool = ensurePromtool();
  });

  it('checks the rules and the scrape configuration', () => {
    const rules = spawnSync(promtool, ['check', 'rules', 'alerts.yml'], { cwd: dir, encoding: 'utf8' });
    expect({ status: rules.status, out: rules.stdout + rules.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
    const config = spawnSync(promtool, ['check', 'config', 'prometheus.yml'], { cwd: dir, encoding: 'utf8' });
    expect({ status: config.status, out: config.stdout + config.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('passes every alert test (promtool test rules alerts.test.yml)', () => {
    const run = spawnSync(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
    expect({ status: run.status, out: run.stdout + run.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });
});
