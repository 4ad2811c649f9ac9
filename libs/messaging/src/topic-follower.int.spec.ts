import { testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { createKafka } from './kafka-client';
import type { ConsumedRecord } from './records';
import { TopicFollower } from './topic-follower';
import { ensureTopics, eventTopicSpec } from './topic-admin';

describe('TopicFollower (real Kafka)', () => {
  const env = testEnv();
  const settings = { brokers: env.kafkaBrokers, clientId: uniqueName('follower-int') };
  const kafka = createKafka(settings);

  it('hands a steady trickle over as it comes, not once a whole batch has built up', async () => {
    const topic = uniqueName('follower-trickle');
    await ensureTopics(kafka, [eventTopicSpec(topic, 1, 1)]);
    const handed: string[] = [];
    const follower = new TopicFollower(settings, topic, (records: ConsumedRecord[]) => {
      for (const r of records) handed.push(r.value!.toString());
    }, { fromEnd: true, batchSize: 1000 });
    await follower.start();
    const producer = kafka.producer();
    await producer.connect();
    // One record every 20 ms, far more often than the follower's 250 ms poll: a follower whose
    // wait restarts with every record would hold them all until 1,000 had come.
    let produced = 0;
    let trickling = true;
    const trickle = (async () => {
      while (trickling && produced < 2000) {
        await producer.send({ topic, messages: [{ key: 'k', value: Buffer.from(String(produced)) }] });
        produced += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      // Half a minute is ample: a first record handed after the 200 allowed below (4 s of trickle at least) fails anyway.
      await waitUntil('the first record handed', () => handed.length > 0, { timeoutMs: 30_000 });
      const producedWhenHanded = produced;
      expect(handed[0]).toBe('0');
      expect(producedWhenHanded).toBeLessThan(200);
    } finally {
      trickling = false;
      await trickle;
      await producer.disconnect();
      await follower.stop();
    }
  });
});
