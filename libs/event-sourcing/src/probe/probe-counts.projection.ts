import { ProbeRecordedEvent, isEvent, type EventEnvelope } from '@vdx/contracts';
import { PoisonMessageError } from '@vdx/messaging';
import type { Projection, ReadModelWrite } from '../projection';

/**
 * A read model over `ProbeRecorded` events used by the spine tests and benchmark: per probe, the
 * number of events, the sum of their `seq` and weights; plus one grand total. Any event counted
 * twice or missed shows in the sums.
 */
export function probeCountsProjection(name: string, topic: string): Projection {
  const collection = `${name}_counts`;
  return {
    name,
    topics: [topic],
    collections: [collection],
    project(event: EventEnvelope): ReadModelWrite[] {
      if (!isEvent(ProbeRecordedEvent, event)) return [];
      if (event.payload.note === 'poison') throw new PoisonMessageError('PROBE.POISON', `probe ${event.payload.probeId} is poison`);
      const inc = { count: 1, seqSum: event.payload.seq, weightSum: event.payload.weight };
      return [
        { collection, id: `probe:${event.payload.probeId}`, update: { $inc: inc, $max: { lastSeq: event.payload.seq } } },
        { collection, id: 'total', update: { $inc: inc } },
      ];
    },
  };
}
