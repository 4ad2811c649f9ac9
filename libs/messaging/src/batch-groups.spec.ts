import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { LaneGovernor } from './lane-governor';
import { takeGroup, unlessYielding, type WaitingBatch } from './batch-groups';

const waiting = (topic: string, partition: number, records: number) => {
  const settled: unknown[] = [];
  const w: WaitingBatch & { settled: unknown[] } = { batch: { topic, partition, messages: Array.from({ length: records }) } as unknown as KafkaJS.Batch, settle: (err) => settled.push(err ?? 'ok'), settled };
  return w;
};
const lanes = (pausesOn: string | null) => ({ yieldsTo: async (topic: string) => topic === pausesOn }) as unknown as LaneGovernor;

describe('batch groups (group commit)', () => {
  it('takes the urgent lane first, up to the record limit but at least one batch, and leaves the rest waiting', () => {
    const a = waiting('t', 0, 300);
    const b = waiting('t', 1, 300);
    const u = waiting('t.urgent', 2, 100);
    const queue = [a, b, u];
    expect(takeGroup(queue, 500)).toEqual([u, a]);
    expect(queue).toEqual([b]);
    const big = [waiting('t', 0, 900)];
    expect(takeGroup(big, 500)).toHaveLength(1);
  });

  it('takes one batch per partition number when asked (co-partitioned topics share a partition owner)', () => {
    const a = waiting('routed', 0, 1);
    const b = waiting('commands', 0, 1);
    const c = waiting('commands', 1, 1);
    const queue = [a, b, c];
    expect(takeGroup(queue, 500, true)).toEqual([a, c]);
    expect(queue).toEqual([b]);
  });

  it('lets every waiting normal batch go undecided when the normal lane pauses, keeping the urgent ones', async () => {
    const n1 = waiting('t', 0, 1);
    const u = waiting('t.urgent', 1, 1);
    const n2 = waiting('t', 2, 1);
    const rest = [n2];
    expect(await unlessYielding(lanes('t'), [u, n1], rest)).toEqual([u]);
    expect([n1.settled, n2.settled, u.settled]).toEqual([['ok'], ['ok'], []]);
    expect(rest).toEqual([]);
    expect(await unlessYielding(lanes(null), [n1], [])).toEqual([n1]);
  });
});
