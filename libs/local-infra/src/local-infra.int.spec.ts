import { freePort, testEnv, uniqueName } from '@vdx/testing';
import { LocalInfra, type InfraProfile } from './local-infra';

/**
 * A benchmark or tool borrowing a profile that a test run (or a developer) already started must
 * not pull it down when it ends: `stopStarted()` stops only what that object's `start()` started.
 * Kafka is the test run's (external here), so only a FerretDB of a throwaway profile starts.
 */
describe('LocalInfra.stopStarted (int: real FerretDB process)', () => {
  const env = testEnv();
  let profile: InfraProfile;
  let owner: LocalInfra;

  beforeAll(async () => {
    profile = { name: uniqueName('infra-spec'), kafkaPort: 1, controllerPort: 1, mongoPort: await freePort(), storeMetricsPort: await freePort() };
    owner = new LocalInfra(profile, { kafkaBrokers: env.kafkaBrokers }, () => undefined);
  });

  afterAll(async () => {
    await owner.reset();
  });

  it('leaves running what was already running, and stops what it started', async () => {
    await owner.start();
    const started = owner.ferret.pid();
    expect(started).not.toBeNull();

    const borrower = new LocalInfra(profile, { kafkaBrokers: env.kafkaBrokers }, () => undefined);
    await borrower.start();
    await borrower.stopStarted();
    const afterBorrower = (await owner.status()).find((c) => c.component === 'ferretdb');
    expect(afterBorrower).toMatchObject({ pid: started, ready: true });

    await owner.stopStarted();
    const afterOwner = (await owner.status()).find((c) => c.component === 'ferretdb');
    expect(afterOwner).toMatchObject({ pid: null, ready: false });
  });
});
