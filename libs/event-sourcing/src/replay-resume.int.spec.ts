import { eventTopic } from '@vdx/contracts';
import { dumpCollection, probeEvents, uniqueName } from '@vdx/testing';
import { probeCountsProjection } from './probe/probe-counts.projection';
import type { Projection } from './projection';
import { REPLAY_CHECKPOINTS_COLLECTION, type ReplayCheckpoint, type ReplayOptions } from './replay';
import { expectReplayedAsLive, replayBed } from './test-fixtures';

const N = 3000;
const PROBES = 30;
// Small batches: an interruption after the first one leaves most of the log to resume.
const BATCH = 250;

describe('resumable replay (real Kafka and store)', () => {
  const bed = replayBed('replay-resume');
  let topic: string;
  let projection: Projection;
  let collection: string;
  let produced = 0;

  const checkpoint = () => bed.db.collection<ReplayCheckpoint>(REPLAY_CHECKPOINTS_COLLECTION).findOne({ _id: projection.name });
  const total = async (name: string): Promise<number> => Number((await bed.db.collection(name).findOne({ _id: 'total' as never }))?.['count'] ?? 0);
  const replay = (opts: ReplayOptions = {}) => bed.replay(projection, { batchSize: BATCH, ...opts });

  async function produce(n: number): Promise<void> {
    await bed.publish([topic], probeEvents(n, PROBES, `batch-${produced}`).map((event) => ({ topic, event })), 1000);
    produced += n;
  }

  /** Runs the live projection until it has counted every event produced so far, then stops it. */
  async function runLive(): Promise<void> {
    await bed.runLive(projection, 'the live projection to count every event', async () => (await total(collection)) >= produced);
    expect(await total(collection)).toBe(produced);
  }

  /** Starts a replay and interrupts it (as a crash would) once its first batch is applied; returns the records applied by then. */
  async function interrupt(opts: ReplayOptions = {}): Promise<number> {
    let before = 0;
    let applied = 0;
    const run = replay({
      ...opts,
      onStart: (plan) => (before = plan.done),
      onProgress: (read) => {
        if (read <= before) return;
        applied = read;
        throw new Error('interrupted');
      },
    });
    await expect(run).rejects.toThrow('interrupted');
    return applied;
  }

  beforeAll(async () => {
    topic = eventTopic(uniqueName('resume'));
    projection = probeCountsProjection(bed.collectionName('resume'), topic);
    collection = projection.collections[0]!;
    await produce(N);
    await runLive();
  });

  it('resumes an interrupted replay into the same collection, which then equals an uninterrupted replay and the live model', async () => {
    const live = await dumpCollection(bed.db, collection);
    const whole = await replay();
    expect(whole).toMatchObject({ events: N, undecodable: 0, resumed: false, swapped: false });
    await expectReplayedAsLive(bed.db, whole.built[collection]!, live);
    expect(await checkpoint()).toBeNull();

    const applied = await interrupt();
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(N);
    const saved = await checkpoint();
    expect(saved).toMatchObject({ phase: 'building', topics: [topic], total: N });
    const physical = saved!.built[0]!.physical;
    expect(saved!.built).toEqual([{ logical: collection, physical }]);
    expect(physical).not.toBe(whole.built[collection]);
    // Per partition: the ends captured at the start, and the next offsets sum to what was applied (offsets are dense here).
    const byPartition = (a: { partition: number }, b: { partition: number }) => a.partition - b.partition;
    expect(saved!.partitions.map((p) => ({ topic: p.topic, partition: p.partition, endOffset: p.end })).sort(byPartition)).toEqual([...whole.ends].sort(byPartition));
    expect(saved!.partitions.reduce((n, p) => n + Number(p.next), 0)).toBe(applied);
    expect(await total(physical)).toBe(applied);
    expect(await total(collection)).toBe(N);

    const resumed = await replay();
    expect(resumed).toMatchObject({ events: N - applied, resumed: true, swapped: false, built: { [collection]: physical } });
    await expectReplayedAsLive(bed.db, physical, live);
    expect(await checkpoint()).toBeNull();
  });

  it('applies again, without effect, batches that were written but not checkpointed (a crash between the two)', async () => {
    const live = await dumpCollection(bed.db, collection);
    const applied = await interrupt();
    const saved = (await checkpoint())!;
    // Rewind every partition to half of what was applied, cutting the re-read batches differently.
    const rewound = saved.partitions.map((p) => ({ ...p, next: String(Math.floor(Number(p.next) / 2)) }));
    await bed.db.collection<ReplayCheckpoint>(REPLAY_CHECKPOINTS_COLLECTION).updateOne({ _id: projection.name }, { $set: { partitions: rewound } });
    const again = rewound.reduce((n, p) => n + Number(p.next), 0);
    expect(again).toBeLessThan(applied);

    const resumed = await replay();
    expect(resumed).toMatchObject({ events: N - again, resumed: true });
    await expectReplayedAsLive(bed.db, saved.built[0]!.physical, live);
    expect(await checkpoint()).toBeNull();
  });

  it('resumes up to the ends of its first start, refuses once the live runner went past them, and starts over when fresh', async () => {
    const live = await dumpCollection(bed.db, collection);
    const applied = await interrupt();
    const first = (await checkpoint())!.built[0]!.physical;
    await produce(500);
    // The 500 events appended meanwhile are the live runner's, not this replay's.
    const resumed = await replay();
    expect(resumed).toMatchObject({ events: N - applied, resumed: true });
    await expectReplayedAsLive(bed.db, first, live);

    await interrupt();
    const stale = (await checkpoint())!;
    expect(stale.total).toBe(N + 500);
    await produce(200);
    await runLive();
    await expect(replay()).rejects.toMatchObject({ code: 'REPLAY.CHECKPOINT_STALE' });
    expect(await checkpoint()).toMatchObject({ runId: stale.runId });

    const current = await dumpCollection(bed.db, collection);
    expect(await total(collection)).toBe(N + 700);
    const fresh = await replay({ fresh: true, swap: true });
    expect(fresh).toMatchObject({ events: N + 700, resumed: false, swapped: true });
    expect(fresh.built[collection]).not.toBe(stale.built[0]!.physical);
    const names = (await bed.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    // The abandoned build is dropped, and the swapped-in one is the live collection now.
    expect(names).not.toContain(stale.built[0]!.physical);
    expect(names).not.toContain(fresh.built[collection]);
    await expectReplayedAsLive(bed.db, collection, current);
    expect(await checkpoint()).toBeNull();
  });
});
