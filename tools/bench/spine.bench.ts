// `npm run bench:spine`: how fast the spine appends, projects and replays on this machine.
// Prints one JSON object. Uses KAFKA_BROKERS / MONGO_URL when set, else the `test` profile.
// BENCH_EVENTS sets the event count (default 20,000).
import { eventTopic } from '@vdx/contracts';
import { ProjectionRunner, probeCountsProjection, replayProjection } from '@vdx/event-sourcing';
import { LocalInfra, PROFILES } from '@vdx/local-infra';
import { EventProducer, createKafka, ensureTopics, eventTopicSpec } from '@vdx/messaging';
import { EventCodec, catalogue } from '@vdx/contracts';
import { probeEvents, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient } from 'mongodb';

async function main(): Promise<void> {
  const n = Number(process.env['BENCH_EVENTS'] ?? 20_000);
  const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);
  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, log);
  const ep = await infra.start();
  const kafka = createKafka({ brokers: ep.kafkaBrokers, clientId: 'bench' });
  const mongo = await MongoClient.connect(ep.mongoUrl);
  const db = mongo.db(uniqueName('bench').replace(/-/g, '_'));
  try {
    const topic = eventTopic(uniqueName('bench'));
    const partitions = 6;
    await ensureTopics(kafka, [eventTopicSpec(topic, partitions, 1)]);
    const events = probeEvents(n, 500, 'x'.repeat(200));
    const eventBytes = new EventCodec(catalogue).encode(events[0]!).value.length;

    const producer = new EventProducer(kafka);
    await producer.connect();
    log(`producing ${n} events of ${eventBytes} bytes`);
    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i += 2000) await producer.publish(events.slice(i, i + 2000).map((event) => ({ topic, event })));
    const produceSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    await producer.disconnect();

    const projection = probeCountsProjection(uniqueName('bench').replace(/-/g, '_'), topic);
    const runner = new ProjectionRunner(kafka, db, projection, { maxBatchSize: 500 });
    log('projecting');
    t = process.hrtime.bigint();
    await runner.start();
    await waitUntil('projection complete', async () => ((await db.collection(projection.collections[0]!).findOne({ _id: 'total' as never }))?.['count'] ?? 0) >= n, {
      timeoutMs: 600_000,
      intervalMs: 50,
    });
    const projectSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    await runner.stop();

    log('replaying');
    const replay = await replayProjection({ brokers: ep.kafkaBrokers, clientId: 'bench' }, db, projection, { swap: false, refuseWhileRunning: false });
    process.stdout.write(
      `${JSON.stringify({
        events: n,
        eventBytes,
        partitions,
        writesPerEvent: 2,
        store: ep.mongoUrl.includes(String(PROFILES.test.mongoPort)) ? 'FerretDB 1.24.2 (SQLite)' : ep.mongoUrl,
        producedPerSecond: Math.round(n / produceSeconds),
        projectedPerSecond: Math.round(n / projectSeconds),
        replayedPerSecond: Math.round(replay.eventsPerSecond),
        seconds: { produce: +produceSeconds.toFixed(2), project: +projectSeconds.toFixed(2), replay: +replay.seconds.toFixed(2) },
      })}\n`,
    );
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await infra.stopStarted();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
