import { MAX_INSTANCES, instancesOf } from './instances';

describe('npm start --instances', () => {
  it('is 1 by default and reads both spellings', () => {
    expect(instancesOf([])).toBe(1);
    expect(instancesOf(['--instances', '2'])).toBe(2);
    expect(instancesOf(['--instances=3'])).toBe(3);
    expect(instancesOf(['--other', '--instances', String(MAX_INSTANCES)])).toBe(MAX_INSTANCES);
  });

  it.each([[['--instances']], [['--instances', '0']], [['--instances', '1.5']], [['--instances=x']], [['--instances', String(MAX_INSTANCES + 1)]]])('refuses %j with a clear message', (argv) => {
    expect(() => instancesOf(argv)).toThrow(/--instances must be a whole number from 1 to 6/);
  });
});
