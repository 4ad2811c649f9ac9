import { AgencyRegisteredEvent, decodeAgencySnapshot } from '@vdx/contracts';
import { compactedTopicSpec, createKafka, ensureTopics, eventTopicSpec, readLogFromStart, type KafkaSettings } from '@vdx/messaging';
import { testEnv, uniqueName } from '@vdx/testing';
import { AgencyWriter } from './agency-writer';

const meta = { actor: { kind: 'operator', id: 'writer-int' } as const, correlationId: 'c-1' };

describe('AgencyWriter (real Kafka)', () => {
  const env = testEnv();
  const settings: KafkaSettings = { brokers: env.kafkaBrokers, clientId: 'agency-writer-int' };
  const kafka = createKafka(settings);
  const topic = `${uniqueName('directory-writer')}.events`;
  const snapshotTopic = `${uniqueName('directory-writer')}.snapshot`;
  const writers: AgencyWriter[] = [];
  const newWriter = () => {
    const w = new AgencyWriter(kafka, settings, { topic, snapshotTopic, clock: () => new Date('2026-07-01T00:00:00Z') });
    writers.push(w);
    return w;
  };

  beforeAll(async () => {
    await ensureTopics(kafka, [eventTopicSpec(topic, 2, 1), compactedTopicSpec(snapshotTopic, 2, 1)]);
  });

  afterAll(async () => {
    await Promise.all(writers.map((w) => w.stop().catch(() => undefined)));
  });

  it('reloads its state from the log, fences an older instance, and writes snapshots with the events', async () => {
    const first = newWriter();
    expect(await first.start()).toBe(0);
    const outcomes = await first.executeMany(
      [
        { code: '000.00.00.H53', command: () => ({ kind: 'RegisterAgency', code: '000.00.00.H53', name: 'UBND Tỉnh Tây Ninh' }) },
        { code: '000.00.32.H53', command: () => ({ kind: 'RegisterAgency', code: '000.00.32.H53', name: 'Sở Tài chính' }) },
        { code: '000.01.99.H53', command: () => ({ kind: 'RegisterAgency', code: '000.01.99.H53', name: 'orphan' }) },
      ],
      meta,
    );
    expect(outcomes.map((o) => (o.ok ? o.events.map((e) => e.type) : o.error.code))).toEqual([
      [AgencyRegisteredEvent.type],
      [AgencyRegisteredEvent.type],
      'DIRECTORY.PARENT_UNKNOWN',
    ]);

    // A second instance folds the log back and takes over: the first is fenced.
    const second = newWriter();
    expect(await second.start()).toBe(2);
    expect(second.state('000.00.32.H53')).toMatchObject({ parentCode: '000.00.00.H53', version: 1, status: 'active' });
    const fenced = await first.execute({ kind: 'SuspendAgency', code: '000.00.32.H53', reason: 'audit' }, meta).catch((e: unknown) => e);
    expect(fenced).toMatchObject({ code: 'MESSAGING.FENCED' });
    expect(first.state('000.00.32.H53')?.status).toBe('active'); // nothing applied in memory either
    // and it stays fenced: the next command fails at once with the same code
    await expect(first.execute({ kind: 'UpdateAgency', code: '000.00.32.H53', name: 'Sở Tài chính tỉnh' }, meta)).rejects.toMatchObject({ code: 'MESSAGING.FENCED' });

    const suspended = await second.execute({ kind: 'SuspendAgency', code: '000.00.32.H53', reason: 'audit' }, meta);
    expect(suspended).toMatchObject({ ok: true, version: 2 });

    // The compacted topic holds each agency's latest state, committed with its events.
    const latest = new Map<string, { status: string; version: number }>();
    await readLogFromStart({ ...settings, clientId: 'writer-int-snapshots' }, [snapshotTopic], async (records) => {
      for (const r of records) {
        if (r.key && r.value) latest.set(r.key, decodeAgencySnapshot(r.value, r.headers));
      }
    });
    expect(Object.fromEntries([...latest].map(([k, v]) => [k, [v.status, v.version]]))).toEqual({
      '000.00.00.H53': ['active', 1],
      '000.00.32.H53': ['suspended', 2],
    });
  });
});
