import { deadLetterTopic, eventTopic } from '@vdx/contracts';
import { probeEvents, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { DLQ_HEADERS } from './dead-letter';
import { DLQ_REPLAYED_FROM_HEADER } from './dead-letter-records';
import { inspectDeadLetters, listDeadLetterTopics, readReplayLedger, replayDeadLetters, type ReplayOutcome } from './dead-letter-tools';
import { EventConsumer } from './event-consumer';
import { EventProducer } from './event-producer';
import { createKafka, type KafkaSettings } from './kafka-client';
import { logEnds, readLogFromStart } from './log-reader';
import { PoisonMessageError } from './messaging.error';
import { textHeaders, type ConsumedEvent, type ConsumedRecord } from './records';
import { deadLetterTopicSpec, ensureTopics, eventTopicSpec } from './topic-admin';

// The tests of the first describe run in order on one consumer group: dead-lettered in
// beforeAll, listed, replayed one by id, then the rest with `all`.
describe('dead-letter tools (real Kafka)', () => {
  const env = testEnv();
  const settings: KafkaSettings = { brokers: env.kafkaBrokers, clientId: 'dlq-tools-int' };
  const kafka = createKafka(settings);

  const readAll = async (topic: string): Promise<ConsumedRecord[]> => {
    const out: ConsumedRecord[] = [];
    await readLogFromStart(settings, [topic], async (records) => {
      out.push(...records);
    });
    return out;
  };
  const endsOf = async (topic: string): Promise<string[]> => (await logEnds(settings, [topic])).ends.map((e) => `${e.partition}:${e.endOffset}`);
  const at = (records: readonly ConsumedRecord[], partition: number, offset: string): ConsumedRecord => records.find((r) => r.partition === partition && r.offset === offset)!;

  describe('poison messages of a consumer group', () => {
    const topic = eventTopic(uniqueName('dlqtools'));
    const groupId = uniqueName('dlqtools-group');
    const dlqTopic = deadLetterTopic(groupId);
    const events = probeEvents(12, 3);
    const [first, second] = [events[2]!, events[7]!];
    // Until "fixed", the handler refuses two events; the replays then find it fixed.
    let fixed = false;
    const handled: ConsumedEvent[] = [];
    let consumer: EventConsumer;

    beforeAll(async () => {
      await ensureTopics(kafka, [eventTopicSpec(topic, 2, 1)]);
      const producer = new EventProducer(kafka);
      await producer.connect();
      await producer.publish(events.map((event) => ({ topic, event })));
      await producer.disconnect();
      const raw = kafka.producer();
      await raw.connect();
      await raw.send({ topic, messages: [{ key: 'junk', value: Buffer.from('not an event'), partition: 1, headers: { origin: 'test' } }] });
      await raw.disconnect();
      consumer = new EventConsumer(
        kafka,
        {
          handle: async (item) => {
            if (!fixed && (item.event.eventId === first.eventId || item.event.eventId === second.eventId)) {
              throw new PoisonMessageError('PROBE.REJECTED', `probe ${item.event.eventId} is not acceptable`, { path: 'payload' });
            }
            handled.push(item);
          },
        },
        { groupId, topics: [topic], retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 20 } },
      );
      await consumer.start();
      await waitUntil('3 dead letters', async () => ((await inspectDeadLetters(settings, { group: groupId }))[0]!.count >= 3 ? true : false), { timeoutMs: 30_000, intervalMs: 250 });
      await waitUntil('the 10 good events handled', () => handled.length >= 10, { timeoutMs: 30_000 });
    });

    afterAll(async () => {
      await consumer.stop();
    });

    it('lists the group with its poison messages: code, reason, attempts, source, count', async () => {
      const source = await readAll(topic);
      const dead = await readAll(dlqTopic);
      const [report] = await inspectDeadLetters(settings, { group: groupId });
      expect(report).toEqual(expect.objectContaining({ group: groupId, topic: dlqTopic, count: 3, replayed: 0 }));
      const byKey = new Map(report!.messages.map((m) => [m.key, m]));
      const junk = byKey.get('junk')!;
      expect(junk).toEqual(expect.objectContaining({ code: 'CONTRACTS.MISSING_HEADER', attempts: 1, replay: null, replayedFrom: null, valueBytes: 12 }));
      expect(at(source, junk.source!.partition, junk.source!.offset).value?.toString()).toBe('not an event');
      const rejected = report!.messages.filter((m) => m.code === 'PROBE.REJECTED');
      expect(rejected.map((m) => m.reason).sort()).toEqual([first, second].map((e) => `probe ${e.eventId} is not acceptable`).sort());
      for (const m of rejected) {
        expect(m.attempts).toBe(1); // poison is not retried
        expect(m.at).toMatch(/^\d{4}-\d\d-\d\dT/);
        // The source header points at the very record that failed.
        const original = at(source, m.source!.partition, m.source!.offset);
        expect(original.key).toBe(m.key);
        expect(at(dead, m.partition, m.offset).value).toEqual(original.value);
      }
      expect(report!.messages.map((m) => m.id)).toEqual(['0:0', '0:1', '0:2']);

      const limited = await inspectDeadLetters(settings, { group: dlqTopic, limit: 1 });
      expect(limited).toEqual([expect.objectContaining({ count: 3, messages: [report!.messages[0]] })]);
      expect((await listDeadLetterTopics(settings)).find((t) => t.topic === dlqTopic)).toEqual({ group: groupId, topic: dlqTopic, partitions: 1, offsets: 3 });
      const everyGroup = await inspectDeadLetters(settings, { limit: 0 });
      expect(everyGroup.find((r) => r.group === groupId)).toEqual({ group: groupId, topic: dlqTopic, count: 3, replayed: 0, messages: [] });
    });

    it('replays one by id to its source with its key, value and headers plus the marker; a second replay of it is refused', async () => {
      const [report] = await inspectDeadLetters(settings, { group: groupId });
      const target = report!.messages.find((m) => m.reason === `probe ${first.eventId} is not acceptable`)!;
      const marker = `${dlqTopic}:${target.id}`;
      fixed = true;
      const outcomes: ReplayOutcome[] = [];
      const result = await replayDeadLetters(settings, { group: groupId, ids: [target.offset], operator: 'int-test', onOutcome: (o) => outcomes.push(o) });
      expect(result).toEqual({ group: groupId, topic: dlqTopic, replayed: 1, skipped: 0 });
      expect(outcomes).toEqual([expect.objectContaining({ status: 'replayed', marker, to: { topic, partition: target.source!.partition } })]);

      const source = await readAll(topic);
      const original = at(source, target.source!.partition, target.source!.offset);
      const copies = source.filter((r) => r.headers[DLQ_REPLAYED_FROM_HEADER] !== undefined);
      expect(copies).toHaveLength(1);
      const copy = copies[0]!;
      expect(copy.partition).toBe(original.partition);
      expect(copy.key).toBe(original.key);
      expect(copy.value).toEqual(original.value);
      expect(textHeaders(copy.headers)).toEqual({ ...textHeaders(original.headers), [DLQ_REPLAYED_FROM_HEADER]: marker });
      expect(Object.keys(copy.headers).filter((k) => k.startsWith('vdx-dlq-') && k !== DLQ_REPLAYED_FROM_HEADER)).toEqual([]);
      // The consumer, fixed, handles the replayed event.
      const redone = await waitUntil('the replayed event handled', () => handled.find((h) => h.event.eventId === first.eventId), { timeoutMs: 30_000 });
      expect(redone.record.headers[DLQ_REPLAYED_FROM_HEADER]?.toString()).toBe(marker);

      const before = await endsOf(topic);
      await expect(replayDeadLetters(settings, { group: groupId, ids: [target.id] })).rejects.toThrow(
        expect.objectContaining({ code: 'DLQ.ALREADY_REPLAYED', message: expect.stringContaining(`${target.id} was replayed `) }),
      );
      expect(await endsOf(topic)).toEqual(before);
      const ledger = await readReplayLedger(settings, [dlqTopic]);
      expect([...ledger.values()]).toEqual([expect.objectContaining({ marker, operator: 'int-test', to: { topic, partition: original.partition } })]);
      const [after] = await inspectDeadLetters(settings, { group: groupId });
      expect(after).toEqual(expect.objectContaining({ count: 3, replayed: 1 }));
      expect(after!.messages.find((m) => m.id === target.id)!.replay).toEqual(expect.objectContaining({ operator: 'int-test' }));
    });

    it('replays the rest with `all`, skipping the one replayed; one that fails again comes back marked', async () => {
      const outcomes: ReplayOutcome[] = [];
      const result = await replayDeadLetters(settings, { group: groupId, all: true, operator: 'int-test', onOutcome: (o) => outcomes.push(o) });
      expect(result).toEqual({ group: groupId, topic: dlqTopic, replayed: 2, skipped: 1 });
      expect(outcomes.filter((o) => o.status === 'skipped')).toEqual([expect.objectContaining({ code: 'DLQ.ALREADY_REPLAYED' })]);
      expect(outcomes.filter((o) => o.status === 'replayed').map((o) => o.message.key).sort()).toEqual(['junk', second.aggregateId].sort());
      await waitUntil('the second rejected event handled', () => handled.some((h) => h.event.eventId === second.eventId), { timeoutMs: 30_000 });
      // The junk is still junk: dead-lettered again, with the marker of the replay it came from.
      const [report] = await waitUntil('the junk dead-lettered again', async () => {
        const r = await inspectDeadLetters(settings, { group: groupId });
        return r[0]!.count === 4 ? r : undefined;
      }, { timeoutMs: 30_000, intervalMs: 250 });
      const junkId = outcomes.find((o) => o.message.key === 'junk')!.message.id;
      expect(report!.messages[3]).toEqual(expect.objectContaining({ id: '0:3', key: 'junk', code: 'CONTRACTS.MISSING_HEADER', replayedFrom: `${dlqTopic}:${junkId}`, replay: null }));
      const junk = at(await readAll(dlqTopic), 0, '3');
      expect(junk.headers['origin']?.toString()).toBe('test');
      expect(junk.headers[DLQ_HEADERS.group]?.toString()).toBe(groupId);

      // --again replays a replayed one once more, on purpose.
      expect(await replayDeadLetters(settings, { group: groupId, ids: ['0:0'], again: true })).toEqual(expect.objectContaining({ replayed: 1 }));
    });
  });

  describe('bad input', () => {
    // A dead-letter topic written by hand: one replayable record, one without a source header,
    // one whose source topic does not exist. Its target topic has no consumer.
    const group = uniqueName('dlqtools-hand');
    const dlqTopic = deadLetterTopic(group);
    const target = uniqueName('dlqtools-target');
    const emptyGroup = uniqueName('dlqtools-empty');

    beforeAll(async () => {
      await ensureTopics(kafka, [deadLetterTopicSpec(dlqTopic, 1), deadLetterTopicSpec(deadLetterTopic(emptyGroup), 1), eventTopicSpec(target, 1, 1)]);
      const raw = kafka.producer();
      await raw.connect();
      const why = { [DLQ_HEADERS.code]: 'TEST.HAND_MADE', [DLQ_HEADERS.reason]: 'written by the test', [DLQ_HEADERS.group]: group };
      await raw.send({
        topic: dlqTopic,
        messages: [
          { key: 'ok', value: Buffer.from('replayable'), headers: { ...why, [DLQ_HEADERS.source]: `${target}/0/41`, kept: 'yes' } },
          { key: 'nowhere', value: Buffer.from('no source'), headers: why },
          { key: 'gone', value: Buffer.from('gone'), headers: { ...why, [DLQ_HEADERS.source]: `${uniqueName('no-such-topic')}/0/3` } },
        ],
      });
      await raw.disconnect();
    });

    it('an empty dead-letter topic lists as none', async () => {
      expect(await inspectDeadLetters(settings, { group: emptyGroup })).toEqual([{ group: emptyGroup, topic: deadLetterTopic(emptyGroup), count: 0, replayed: 0, messages: [] }]);
      await expect(replayDeadLetters(settings, { group: emptyGroup, all: true })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.NOTHING_TO_REPLAY', message: expect.stringContaining('holds no poison messages') }));
    });

    it('an unknown group is DLQ.UNKNOWN_GROUP, for listing and replaying', async () => {
      const nobody = uniqueName('nobody');
      await expect(inspectDeadLetters(settings, { group: nobody })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.UNKNOWN_GROUP', message: expect.stringContaining(`no dead-letter topic vdx.dlq.${nobody}`) }));
      await expect(replayDeadLetters(settings, { group: nobody, ids: ['0'] })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.UNKNOWN_GROUP' }));
    });

    it('an id not in the topic is DLQ.NOT_FOUND, and the ids found with it are not sent either', async () => {
      await expect(replayDeadLetters(settings, { group, ids: ['0:0', '0:99', '3:0'] })).rejects.toThrow(
        expect.objectContaining({ code: 'DLQ.NOT_FOUND', message: expect.stringContaining('has no poison message 0:99, 3:0') }),
      );
      expect(await readAll(target)).toEqual([]);
    });

    it('a message without a usable source is DLQ.NO_SOURCE, and nothing is sent', async () => {
      await expect(replayDeadLetters(settings, { group, ids: ['0', '1'] })).rejects.toThrow(
        expect.objectContaining({ code: 'DLQ.NO_SOURCE', message: expect.stringContaining('0:1 (no usable vdx-dlq-source header)') }),
      );
      await expect(replayDeadLetters(settings, { group, ids: ['2'] })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.NO_SOURCE', message: expect.stringContaining('does not exist') }));
      expect(await readAll(target)).toEqual([]);
      const [report] = await inspectDeadLetters(settings, { group });
      expect(report!.messages.map((m) => m.source)).toEqual([{ topic: target, partition: 0, offset: '41' }, null, expect.objectContaining({ partition: 0, offset: '3' })]);
    });

    it('nothing selected is DLQ.NOTHING_TO_REPLAY; ids with `all` is DLQ.BAD_ARGUMENTS', async () => {
      await expect(replayDeadLetters(settings, { group })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.NOTHING_TO_REPLAY' }));
      await expect(replayDeadLetters(settings, { group, ids: [] })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.NOTHING_TO_REPLAY' }));
      await expect(replayDeadLetters(settings, { group, ids: ['0'], all: true })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.BAD_ARGUMENTS' }));
      await expect(replayDeadLetters(settings, { group, ids: ['zero'] })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.BAD_ID' }));
      expect(await readAll(target)).toEqual([]);
    });

    it('`all` replays what it can, reports the rest as skipped, and the next `all` finds nothing to replay', async () => {
      const outcomes: ReplayOutcome[] = [];
      expect(await replayDeadLetters(settings, { group, all: true, onOutcome: (o) => outcomes.push(o) })).toEqual({ group, topic: dlqTopic, replayed: 1, skipped: 2 });
      expect(outcomes.map((o) => [o.message.id, o.status === 'skipped' ? o.code : o.status])).toEqual(
        expect.arrayContaining([
          ['0:0', 'replayed'],
          ['0:1', 'DLQ.NO_SOURCE'],
          ['0:2', 'DLQ.NO_SOURCE'],
        ]),
      );
      const [copy] = await readAll(target);
      expect([copy!.key, copy!.value?.toString(), textHeaders(copy!.headers)]).toEqual(['ok', 'replayable', { kept: 'yes', [DLQ_REPLAYED_FROM_HEADER]: `${dlqTopic}:0:0` }]);
      await expect(replayDeadLetters(settings, { group, all: true })).rejects.toThrow(expect.objectContaining({ code: 'DLQ.NOTHING_TO_REPLAY', message: expect.stringContaining('replayed already or have no usable source') }));
      expect(await readAll(target)).toHaveLength(1);
    });
  });
});
