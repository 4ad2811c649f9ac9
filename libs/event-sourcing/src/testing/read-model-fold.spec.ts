import { ProbeRecordedEvent, createEvent } from '@vdx/contracts';
import { probeCountsProjection } from '../probe/probe-counts.projection';
import { applyWrites, projectInMemory } from './read-model-fold';

describe('applyWrites / projectInMemory', () => {
  it('applies each operator by dotted path, $setOnInsert only to a new document, and a delete', () => {
    const docs = applyWrites([
      { collection: 'c', id: 'a', update: { $setOnInsert: { createdBy: 'first' }, $set: { 'stages.one': { at: 't1' }, n: 1 }, $inc: { count: 2 }, $max: { high: 5 }, $min: { low: 5 } } },
      { collection: 'c', id: 'a', update: { $setOnInsert: { createdBy: 'second' }, $set: { 'stages.two': { at: 't2' } }, $inc: { count: 3 }, $max: { high: 4 }, $min: { low: 3 }, $unset: { n: '' } } },
      { collection: 'c', id: 'b', update: { $set: { x: 1 } } },
      { collection: 'c', id: 'b', deletes: true, update: {} },
    ]);
    expect([...docs]).toEqual([['c/a', { createdBy: 'first', stages: { one: { at: 't1' }, two: { at: 't2' } }, count: 5, high: 5, low: 3 }]]);
  });

  it('projects events in order into the documents the read model holds', () => {
    const events = [1, 2, 3].map((seq) =>
      createEvent(ProbeRecordedEvent, { aggregateId: 'p0', aggregateSeq: seq, payload: { probeId: 'p0', seq, note: 'unit', weight: 2 }, actor: { kind: 'system', id: 'tests' }, correlationId: `c${seq}` }),
    );
    const docs = projectInMemory(probeCountsProjection('probe', 'vdx.probe.events'), events);
    expect(Object.fromEntries(docs)).toEqual({
      'probe_counts/probe:p0': { count: 3, seqSum: 6, weightSum: 6, lastSeq: 3 },
      'probe_counts/total': { count: 3, seqSum: 6, weightSum: 6 },
    });
  });
});
