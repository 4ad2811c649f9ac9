import { ConfigError, baseServiceSchema, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('returns typed values with defaults', () => {
    const cfg = loadConfig('gateway', baseServiceSchema, { KAFKA_BROKERS: '127.0.0.1:1', MONGO_URL: 'mongodb://x/', HTTP_PORT: '3001' });
    expect(cfg).toMatchObject({ HTTP_PORT: 3001, MONGO_DB: 'vdx', HTTP_HOST: '127.0.0.1', TOPIC_PARTITIONS: 6 });
  });

  it('lists every problem at once with the variable name', () => {
    try {
      loadConfig('gateway', baseServiceSchema, { MONGO_URL: 'postgres://x', HTTP_PORT: 'abc' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^KAFKA_BROKERS:/m);
      expect(problems).toMatch(/^MONGO_URL: MONGO_URL must be a mongodb:\/\/ URL/m);
      expect(problems).toMatch(/^HTTP_PORT:/m);
    }
  });
});
