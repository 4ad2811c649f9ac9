import { freePort, testEnv, uniqueName } from '@vdx/testing';
import { createKafka } from './kafka-client';
import { ensureTopics, eventTopicSpec } from './topic-admin';
import { commitGroupOffsets, consumerLags, formatLags } from './topic-export';

describe('consumerLags (real Kafka)', () => {
  const env = testEnv();
  const settings = { brokers: env.kafkaBrokers, clientId: uniqueName('lags-int') };

  it("gives each group's committed offset on the topics of a prefix beside the partition end, and marks the groups behind", async () => {
    const prefix = `${uniqueName('lags')}.`;
    const topic = `${prefix}events`;
    const kafka = createKafka(settings);
    await ensureTopics(kafka, [eventTopicSpec(topic, 2, 1)]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ partition: 0, value: Buffer.from(String(i)) })) });
    await producer.send({ topic, messages: [{ partition: 1, value: Buffer.from('x') }] });
    await producer.disconnect();
    const caughtUp = uniqueName('lags-done');
    const behind = uniqueName('lags-behind');
    const oneBehind = uniqueName('lags-one');
    await commitGroupOffsets(settings, caughtUp, [{ topic, partition: 0, offset: '3' }, { topic, partition: 1, offset: '1' }]);
    await commitGroupOffsets(settings, behind, [{ topic, partition: 0, offset: '1' }, { topic, partition: 1, offset: '1' }]);
    await commitGroupOffsets(settings, oneBehind, [{ topic, partition: 0, offset: '2' }, { topic, partition: 1, offset: '1' }]);

    const lags = (await consumerLags(settings, prefix)).filter((l) => l.group === caughtUp || l.group === behind);
    expect([...lags].sort((a, b) => (a.group + a.partition).localeCompare(b.group + b.partition))).toEqual(
      [
        { group: caughtUp, topic, partition: 0, offset: '3', end: '3' },
        { group: caughtUp, topic, partition: 1, offset: '1', end: '1' },
        { group: behind, topic, partition: 0, offset: '1', end: '3' },
        { group: behind, topic, partition: 1, offset: '1', end: '1' },
      ].sort((a, b) => (a.group + a.partition).localeCompare(b.group + b.partition)),
    );
    const lines = formatLags(lags).split('\n').sort();
    expect(lines).toEqual([`  ${caughtUp} ${topic}: p0 3/3 p1 1/1`, `* ${behind} ${topic}: p0 1/3 p1 1/1`].sort());
    // One behind: maybe only a transaction's end marker, marked apart.
    const one = (await consumerLags(settings, prefix)).filter((l) => l.group === oneBehind).sort((a, b) => a.partition - b.partition);
    expect(formatLags(one)).toBe(`~ ${oneBehind} ${topic}: ${one.map((l) => `p${l.partition} ${l.offset}/${l.end}`).join(' ')}`);
    expect(one.map((l) => [l.partition, l.offset, l.end])).toEqual([[0, '2', '3'], [1, '1', '1']]);
    expect(await consumerLags(settings, `${uniqueName('nothing')}.`)).toEqual([]);
  }, 60_000);

  it('refuses a cluster it cannot reach with MESSAGING.NOT_CONNECTED, naming the brokers', async () => {
    const brokers = `127.0.0.1:${await freePort()}`;
    await expect(consumerLags({ brokers, clientId: uniqueName('lags-nowhere') }, 'vdx.')).rejects.toMatchObject({ code: 'MESSAGING.NOT_CONNECTED', message: expect.stringContaining(`cannot reach Kafka at ${brokers}`) });
  });
});
