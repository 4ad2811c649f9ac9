import { EventCodec, ProbeRecordedEvent, catalogue, createEvent, eventTopic, isEvent, type EventEnvelope } from '@vdx/contracts';
import { probeEvents, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { EventProducer, type Outgoing } from './event-producer';
import { createKafka } from './kafka-client';
import { readLogFromStart } from './log-reader';
import { ensureTopics, eventTopicSpec } from './topic-admin';
import { NotOwnedHere, TransactionalProcessor } from './transactional-processor';

const codec = new EventCodec(catalogue);

function probe(topic: string, note: string): Outgoing {
  const event = createEvent(ProbeRecordedEvent, {
    aggregateId: note,
    aggregateSeq: 1,
    payload: { probeId: note, seq: 1, note, weight: 1 },
    actor: { kind: 'system', id: 'tests' },
    correlationId: note,
  });
  return { topic, event, key: note };
}

describe('local work on an owner partition (real Kafka)', () => {
  const env = testEnv();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'local-work-int' });
  const inTopic = eventTopic(uniqueName('local-in'));
  const outTopic = eventTopic(uniqueName('local-out'));
  const groupId = uniqueName('local-group');
  const assigned = new Map<string, Set<number>>();
  const batches: { partition: number; committed: boolean }[] = [];
  const processors: TransactionalProcessor[] = [];

  const processor = (name: string) => {
    assigned.set(name, new Set());
    const p = new TransactionalProcessor(
      kafka,
      async ({ event }) => (isEvent(ProbeRecordedEvent, event) ? [probe(outTopic, `out-of-${event.eventId}`)] : []),
      {
        groupId,
        topics: [inTopic],
        transactionalId: `${groupId}.${name}`,
        assignor: 'range',
        sessionTimeoutMs: 6000,
        onRebalance: (change, parts) => {
          for (const { partition } of parts) {
            if (change === 'assigned') assigned.get(name)!.add(partition);
            else assigned.get(name)!.delete(partition);
          }
        },
        afterBatch: ({ partition, committed }) => void batches.push({ partition, committed }),
      },
    );
    processors.push(p);
    return p;
  };

  const published = async (n: number) => {
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.publish(probeEvents(n, n, uniqueName('in')).map((event) => ({ topic: inTopic, event })));
    await producer.disconnect();
  };

  const outputs = async (): Promise<EventEnvelope[]> => {
    const out: EventEnvelope[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'local-work-read' }, [outTopic], async (records) => {
      for (const r of records) out.push(codec.decode(r.value!, r.headers));
    });
    return out;
  };
  const notes = async () => (await outputs()).map((e) => (e.payload as { note: string }).note);

  beforeAll(async () => {
    await ensureTopics(kafka, [eventTopicSpec(inTopic, 2, 1), eventTopicSpec(outTopic, 2, 1)]);
  });

  afterAll(async () => {
    for (const p of processors) await p.stop();
  });

  it('refuses work on a partition before a batch of it has committed here, and appends nothing', async () => {
    const a = processor('a');
    await a.start();
    await waitUntil('both partitions assigned', () => assigned.get('a')!.size === 2, { timeoutMs: 30_000 });
    await expect(a.runLocal({ partition: 0, decide: () => ({ outputs: [probe(outTopic, 'too-early')], answer: 1 }) })).rejects.toBeInstanceOf(NotOwnedHere);
    await published(40);
    await waitUntil('40 outputs of consumed records', async () => (await outputs()).length === 40, { timeoutMs: 30_000 });
    expect(await notes()).not.toContain('too-early');
  });

  it('commits local work in its own transaction and answers once committed; a refusal is answered after the commit too', async () => {
    const a = processors[0]!;
    const refusal = new Error('refused on the state the first work left');
    const works = Array.from({ length: 20 }, (_, i) =>
      a.runLocal({
        partition: i % 2,
        decide: () => {
          if (i === 7) throw refusal;
          return { outputs: [probe(outTopic, `local-${i}`)], answer: `answer-${i}` };
        },
      }),
    );
    const settled = await Promise.allSettled(works);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(
      Array.from({ length: 20 }, (_, i) => (i === 7 ? refusal.message : `answer-${i}`)),
    );
    const after = await notes();
    expect(after.filter((n) => n.startsWith('local-')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `local-${i}`).filter((n) => n !== 'local-7').sort());
    // Each partition entered for local work was settled as committed.
    expect(batches.filter((b) => !b.committed)).toEqual([]);
  });

  it('refuses work on a partition the group gave to another instance, and appends nothing', async () => {
    const a = processors[0]!;
    const b = processor('b');
    await b.start();
    await waitUntil('one partition each', () => assigned.get('a')!.size === 1 && assigned.get('b')!.size === 1, { timeoutMs: 45_000 });
    const lost = [0, 1].find((p) => !assigned.get('a')!.has(p))!;
    await expect(a.runLocal({ partition: lost, decide: () => ({ outputs: [probe(outTopic, 'lost-partition')], answer: 1 }) })).rejects.toBeInstanceOf(NotOwnedHere);
    // The new owner takes local work on it once a batch of it committed there.
    await published(40);
    await waitUntil('80 outputs of consumed records', async () => (await outputs()).filter((e) => (e.payload as { note: string }).note.startsWith('out-of-')).length === 80, { timeoutMs: 45_000 });
    await expect(b.runLocal({ partition: lost, decide: () => ({ outputs: [probe(outTopic, 'new-owner')], answer: 'b' }) })).resolves.toBe('b');
    const all = await notes();
    expect(all).toContain('new-owner');
    expect(all).not.toContain('lost-partition');
  });
});
