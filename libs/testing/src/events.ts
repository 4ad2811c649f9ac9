import { ProbeRecordedEvent, createEvent, type EventEnvelope, type ProbeRecorded } from '@vdx/contracts';

/** `n` probe events spread over `probes` aggregates, with `seq` 1..n/probes per aggregate. */
export function probeEvents(n: number, probes: number, note = 'spine'): EventEnvelope<ProbeRecorded>[] {
  const seqs = new Map<string, number>();
  const out: EventEnvelope<ProbeRecorded>[] = [];
  for (let i = 0; i < n; i += 1) {
    const probeId = `p${i % probes}`;
    const seq = (seqs.get(probeId) ?? 0) + 1;
    seqs.set(probeId, seq);
    out.push(
      createEvent(ProbeRecordedEvent, {
        aggregateId: probeId,
        aggregateSeq: seq,
        payload: { probeId, seq, note, weight: 1 },
        actor: { kind: 'system', id: 'tests' },
        correlationId: `corr-${i}`,
      }),
    );
  }
  return out;
}

/** The totals `probeCountsProjection` must reach for `probeEvents(n, probes)`. */
export function expectedProbeTotals(n: number, probes: number): { count: number; seqSum: number } {
  let seqSum = 0;
  for (let p = 0; p < probes; p += 1) {
    const k = Math.floor(n / probes) + (p < n % probes ? 1 : 0);
    seqSum += (k * (k + 1)) / 2;
  }
  return { count: n, seqSum };
}
