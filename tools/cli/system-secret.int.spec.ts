import { ReferenceClient } from '@vdx/legacy-edge-feature/testing';
import { SecretCipher, SecretRecord } from '@vdx/legacy-edge-feature';
import { testEnv, uniqueName, within } from '@vdx/testing';
import { randomBytes } from 'node:crypto';
import { issueSystemSecret } from './system-secret';

// `vdx system secret issue` against the test Kafka: the secret is appended sealed to the
// record, and an edge following the record verifies requests signed with it; a rotation keeps
// the old one for its overlap, and a zero overlap ends it.
describe('vdx system secret issue', () => {
  const { kafkaBrokers } = testEnv();
  const key = randomBytes(32).toString('hex');
  const topic = uniqueName('vdx.legacy-edge.events.test');
  const options = { brokers: kafkaBrokers, topic, key, overlapHours: 1, operator: 'test', partitions: 2 };
  let edge: SecretRecord | undefined;

  afterAll(async () => {
    await edge?.stop();
  });

  it('issues, rotates with an overlap, and an edge reading the log verifies with the secrets', async () => {
    // Each step has its own deadline, so a stuck one is named (a few seconds each on an idle machine).
    const issue = (what: string, systemId: string, o = options) => within(what, issueSystemSecret(systemId, o), { timeoutMs: 15_000 });
    const first = await issue('the first secret issued', 'qlvb-int');
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await issue('the rotation issued', 'qlvb-int');
    expect(second.secret).not.toBe(first.secret);
    const third = await issue("another system's secret issued", 'qlvb-int-other', { ...options, overlapHours: 0 });

    edge = new SecretRecord({ brokers: kafkaBrokers, clientId: uniqueName('legacy-edge-int') }, SecretCipher.fromText(key), topic);
    await within('the edge caught up with the record', edge.start(), { timeoutMs: 10_000 });
    expect(edge.skipped).toBe(0);
    expect([...edge.secretsOf('qlvb-int', new Date())].sort()).toEqual([first.secret, second.secret].sort());
    expect(edge.secretsOf('qlvb-int', new Date(Date.now() + 2 * 3600_000))).toEqual([second.secret]);
    expect(edge.secretsOf('qlvb-int-other', new Date())).toEqual([third.secret]);
    expect(edge.book.seqOf('qlvb-int')).toBe(2);

    // The client signs with the secret as issued (its UTF-8 bytes); the record's secret verifies it.
    const client = new ReferenceClient('http://127.0.0.1:1/x', 'qlvb-int', second.secret);
    const signed = client.signedHeaders();
    const { authenticate, signHeader } = await import('@vdx/legacy-edge-feature');
    const auth = authenticate(Buffer.from(signed), signHeader(second.secret, Buffer.from(signed)), (id) => edge!.secretsOf(id, new Date()));
    expect(auth.systemId).toBe('qlvb-int');
    // Another key cannot open the record: nothing verifies.
    const stranger = new SecretRecord({ brokers: kafkaBrokers, clientId: uniqueName('legacy-edge-int') }, new SecretCipher(randomBytes(32)), topic);
    await within('a stranger caught up with the record', stranger.start(), { timeoutMs: 10_000 });
    try {
      expect(stranger.secretsOf('qlvb-int', new Date())).toEqual([]);
    } finally {
      await stranger.stop();
    }
  });
});
