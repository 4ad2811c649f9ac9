import { ConfigError, loadConfig } from '@vdx/config';
import { gatewayConfigSchema } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:29092', MONGO_URL: 'mongodb://127.0.0.1:27028/' };

describe('GATEWAY_STRICT_FINDINGS', () => {
  it('defaults to carrying every finding the axis can carry', () => {
    expect(loadConfig('gateway', gatewayConfigSchema, base).GATEWAY_STRICT_FINDINGS).toEqual({ everyone: [], bySender: {} });
  });

  it('reads codes refused for everyone and for one sender', () => {
    const config = loadConfig('gateway', gatewayConfigSchema, { ...base, GATEWAY_STRICT_FINDINGS: 'EDXML.UNCLOSED_ELEMENT,EDXML.INVALID_DATE@000.00.32.H53' });
    expect(config.GATEWAY_STRICT_FINDINGS).toEqual({ everyone: ['EDXML.UNCLOSED_ELEMENT'], bySender: { '000.00.32.H53': ['EDXML.INVALID_DATE'] } });
  });

  it('stops the boot with CONFIG.INVALID naming each bad entry', () => {
    let error: unknown;
    try {
      loadConfig('gateway', gatewayConfigSchema, { ...base, GATEWAY_STRICT_FINDINGS: 'EDXML.NOPE,EDXML.TOO_LONG@G22' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe('CONFIG.INVALID');
    expect(e.problems).toEqual([expect.stringMatching(/^GATEWAY_STRICT_FINDINGS: "EDXML.NOPE": EDXML.NOPE is not a finding code/), expect.stringMatching(/^GATEWAY_STRICT_FINDINGS: "EDXML.TOO_LONG@G22": expected/)]);
  });
});
