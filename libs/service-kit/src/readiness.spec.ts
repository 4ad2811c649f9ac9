import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaReadinessProbe, type ProbeAdmin } from './kafka-readiness.probe';
import { probeIndicator, type ReadinessProbe } from './readiness-probe';
import { KafkaHealthIndicator, StoreHealthIndicator } from './readiness.indicators';
import { nestLogLevels } from './run-service';
import { StoreReadinessProbe } from './store-readiness.probe';

const indicators = new HealthIndicatorService();
const answering: ReadinessProbe = { check: async () => undefined };
const failing = (message: string): ReadinessProbe => ({ check: async () => Promise.reject(new Error(message)) });
const hanging: ReadinessProbe = { check: () => new Promise<void>(() => undefined) };

describe('probeIndicator', () => {
  it('is up when the probe answers', async () => {
    expect(await probeIndicator(indicators, 'kafka', answering)).toEqual({ kafka: { status: 'up' } });
  });

  it('is down with the reason when the probe fails', async () => {
    expect(await probeIndicator(indicators, 'store', failing('connection refused'))).toEqual({
      store: { status: 'down', message: 'connection refused' },
    });
  });

  it('is down within the deadline when the probe hangs', async () => {
    const started = Date.now();
    const result = await probeIndicator(indicators, 'kafka', hanging, 30);
    expect(result).toEqual({ kafka: { status: 'down', message: 'kafka did not answer within 30 ms' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('health indicators', () => {
  it('report under their own keys', async () => {
    expect(await new KafkaHealthIndicator(indicators, answering).isHealthy()).toEqual({ kafka: { status: 'up' } });
    expect(await new StoreHealthIndicator(indicators, failing('down')).isHealthy()).toEqual({
      store: { status: 'down', message: 'down' },
    });
  });
});

/** A fake admin whose broker can be switched off and on. */
class FakeAdmin implements ProbeAdmin {
  connects = 0;
  disconnects = 0;
  constructor(private readonly broker: { up: boolean }) {}
  async connect(): Promise<void> {
    this.connects += 1;
    if (!this.broker.up) throw new Error('connect: broker transport failure');
  }
  async listTopics(): Promise<string[]> {
    if (!this.broker.up) throw new Error('listTopics: broker transport failure');
    return ['vdx.gateway.events.v1'];
  }
  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }
}

describe('KafkaReadinessProbe', () => {
  const setup = () => {
    const broker = { up: true };
    const admins: FakeAdmin[] = [];
    const probe = new KafkaReadinessProbe(() => {
      const a = new FakeAdmin(broker);
      admins.push(a);
      return a;
    }, 50);
    return { broker, admins, probe };
  };

  it('reuses a healthy connection between checks', async () => {
    const { admins, probe } = setup();
    await probe.check();
    await probe.check();
    expect(admins).toHaveLength(1);
    expect(admins[0]?.connects).toBe(1);
  });

  it('fails while the broker is down and recovers with a fresh client when it returns', async () => {
    const { broker, admins, probe } = setup();
    await probe.check();
    broker.up = false;
    await expect(probe.check()).rejects.toThrow('listTopics: broker transport failure');
    await expect(probe.check()).rejects.toThrow('connect: broker transport failure');
    broker.up = true;
    await expect(probe.check()).resolves.toBeUndefined();
    // The first client was dropped after its failure, then one per failing check, then a healthy one.
    expect(admins).toHaveLength(3);
    await new Promise((r) => setImmediate(r));
    expect(admins[0]?.disconnects).toBe(1);
  });

  it('fails within its deadline when connecting hangs', async () => {
    const probe = new KafkaReadinessProbe(
      () => ({ connect: () => new Promise<void>(() => undefined), listTopics: async () => [], disconnect: async () => undefined }),
      20,
    );
    await expect(probe.check()).rejects.toThrow('kafka did not answer within 20 ms');
  });

  it('disconnects its client on close', async () => {
    const { admins, probe } = setup();
    await probe.check();
    await probe.close();
    expect(admins[0]?.disconnects).toBe(1);
  });
});

describe('StoreReadinessProbe', () => {
  it('accepts ok: 1 and rejects anything else', async () => {
    await expect(new StoreReadinessProbe({ command: async () => ({ ok: 1 }) }).check()).resolves.toBeUndefined();
    await expect(new StoreReadinessProbe({ command: async () => ({ ok: 0 }) }).check()).rejects.toThrow('store answered ping');
  });
});

describe('nestLogLevels', () => {
  it('enables the chosen level and every more severe one', () => {
    expect(nestLogLevels('error')).toEqual(['fatal', 'error']);
    expect(nestLogLevels('log')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('verbose')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });
});
