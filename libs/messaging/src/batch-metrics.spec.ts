import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { createMetricsRegistry, pipelineMetrics } from '@vdx/observability';
import { deadLetterOf } from './dead-letter';
import { observeBatch } from './event-consumer';

function batch(offsets: readonly number[], highWatermark: string): KafkaJS.Batch {
  return {
    topic: 'vdx.signature.events.v1',
    partition: 4,
    highWatermark,
    messages: offsets.map((o) => ({ offset: String(o), key: null, value: null, headers: {}, timestamp: '0', attributes: 0 })),
  } as unknown as KafkaJS.Batch;
}

const record = (offset: number) => ({ topic: 'vdx.signature.events.v1', partition: 4, offset: String(offset), key: 'doc-1', value: Buffer.from('x'), headers: {} });

describe('observeBatch', () => {
  it('counts a committed batch per topic and group: outcomes, dead letters by code, time and lag', async () => {
    const registry = createMetricsRegistry('routing');
    const m = pipelineMetrics(registry);
    const poison = Object.assign(new Error('no such agency 0190f3a2-7c1e'), { code: 'ROUTING.UNKNOWN_AGENCY' });
    const dead = [deadLetterOf(record(12), 'routing', poison, 1), deadLetterOf(record(13), 'routing', Object.assign(new Error('bad'), { code: 'agency 000.00.00.H53 unknown' }), 3)];
    observeBatch(m, 'routing', batch([10, 11, 12, 13], '20'), dead, process.hrtime.bigint() - 5_000_000n);

    const consumed = (await m.consumed.get()).values;
    expect(consumed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: 2, labels: { topic: 'vdx.signature.events.v1', group: 'routing', outcome: 'handled' } }),
        expect.objectContaining({ value: 2, labels: { topic: 'vdx.signature.events.v1', group: 'routing', outcome: 'dead-lettered' } }),
      ]),
    );
    const codes = (await m.deadLettered.get()).values.map((v) => [v.labels.code, v.value]);
    // A code without a stable form is not a label value (no free text, no ids).
    expect(codes.sort()).toEqual([
      ['OTHER', 1],
      ['ROUTING.UNKNOWN_AGENCY', 1],
    ]);
    // High watermark 20, last handled 13: records 14..19 wait.
    expect((await m.consumerLag.get()).values).toEqual([expect.objectContaining({ value: 6, labels: { group: 'routing', topic: 'vdx.signature.events.v1', partition: '4' } })]);
    const seconds = (await m.batchSeconds.get()).values;
    expect(seconds.find((v) => v.metricName === 'vdx_batch_seconds_count')?.value).toBe(1);
    expect(seconds.find((v) => v.metricName === 'vdx_batch_seconds_sum')?.value).toBeGreaterThanOrEqual(0.005);
  });

  it('leaves the lag alone when the client holds no high watermark, and does nothing without metrics', async () => {
    const registry = createMetricsRegistry('routing');
    const m = pipelineMetrics(registry);
    observeBatch(m, 'routing', batch([0], '-1001'), [], process.hrtime.bigint());
    expect((await m.consumerLag.get()).values).toEqual([]);
    expect(() => observeBatch(undefined, 'routing', batch([0], '5'), [], 0n)).not.toThrow();
  });
});
