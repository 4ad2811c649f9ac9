import { advance, alreadyApplied, checkpointProblem, nextOffsets, type ReplayCheckpointPartition } from './replay-checkpoint';

const partitions: ReplayCheckpointPartition[] = [
  { topic: 'vdx.t.events.v1', partition: 0, end: '100', next: '40' },
  { topic: 'vdx.t.events.v1', partition: 1, end: '50', next: '0' },
  { topic: 'vdx.u.events.v1', partition: 0, end: '0', next: '0' },
];
const checkpoint = { topics: ['vdx.t.events.v1', 'vdx.u.events.v1'], built: [{ logical: 'model', physical: 'model__replay_1' }], partitions };
const projection = { name: 'model', topics: ['vdx.u.events.v1', 'vdx.t.events.v1'], collections: ['model'] };

describe('replay checkpoint', () => {
  it('takes, per partition of a batch, the offset after its last record', () => {
    const records = [
      { topic: 'a', partition: 0, offset: '7' },
      { topic: 'a', partition: 1, offset: '3' },
      { topic: 'a', partition: 0, offset: '8' },
      { topic: 'b', partition: 0, offset: '9007199254740993' },
    ];
    expect(nextOffsets(records)).toEqual(new Map([['a/0', '9'], ['a/1', '4'], ['b/0', '9007199254740994']]));
    expect(nextOffsets([])).toEqual(new Map());
  });

  it('advances only the partitions a batch read, without altering the checkpoint', () => {
    const next = advance(partitions, new Map([['vdx.t.events.v1/1', '20']]));
    expect(next.map((p) => p.next)).toEqual(['40', '20', '0']);
    expect(partitions[1]!.next).toBe('0');
  });

  it('counts what is behind the checkpoint from its total and what is left before the ends', () => {
    expect(alreadyApplied({ partitions, total: 150 })).toBe(40);
    // Records already gone from a partition's start are not left to read, nor counted as applied.
    expect(alreadyApplied({ partitions, total: 120 })).toBe(10);
    expect(alreadyApplied({ partitions: partitions.map((p) => ({ ...p, next: p.end })), total: 150 })).toBe(150);
  });

  it('resumes a checkpoint of the same topics and collections, in any order, when the live runner is behind its ends', () => {
    const committed = new Map([['vdx.t.events.v1/0', '100'], ['vdx.t.events.v1/1', '12']]);
    expect(checkpointProblem(checkpoint, projection, committed)).toBeNull();
    expect(checkpointProblem(checkpoint, projection, new Map())).toBeNull();
  });

  it('refuses a checkpoint of other topics or collections', () => {
    expect(checkpointProblem(checkpoint, { ...projection, topics: ['vdx.t.events.v1'] }, new Map())?.code).toBe('REPLAY.CHECKPOINT_MISMATCH');
    expect(checkpointProblem(checkpoint, { ...projection, collections: ['model', 'other'] }, new Map())).toMatchObject({
      code: 'REPLAY.CHECKPOINT_MISMATCH',
      message: expect.stringContaining('into model, not vdx.u.events.v1, vdx.t.events.v1 into model, other'),
    });
  });

  it('refuses when the live runner has applied past the ends, on a known or a new partition', () => {
    expect(checkpointProblem(checkpoint, projection, new Map([['vdx.t.events.v1/1', '51']]))).toMatchObject({
      code: 'REPLAY.CHECKPOINT_STALE',
      message: expect.stringContaining('vdx.t.events.v1/1 up to offset 51'),
    });
    expect(checkpointProblem(checkpoint, projection, new Map([['vdx.t.events.v1/2', '1']]))?.code).toBe('REPLAY.CHECKPOINT_STALE');
    expect(checkpointProblem(checkpoint, projection, new Map([['vdx.t.events.v1/2', '0']]))).toBeNull();
  });
});
