import { defineEvent } from '../catalogue';

/**
 * A synthetic event the platform uses to prove the spine end to end (tests, benchmarks and
 * the `vdx` smoke command). It has two versions so schema evolution is exercised for real.
 */
export interface ProbeRecorded {
  readonly probeId: string;
  readonly seq: number;
  readonly note: string;
  /** Added in v2; data written with v1 reads as weight 1. */
  readonly weight: number;
}

export const ProbeRecordedEvent = defineEvent<'vdx.platform.ProbeRecorded', ProbeRecorded>('vdx.platform.ProbeRecorded', [
  {
    type: 'record',
    name: 'ProbeRecorded',
    namespace: 'vdx.platform.v1',
    fields: [
      { name: 'probeId', type: 'string' },
      { name: 'seq', type: 'long' },
      { name: 'note', type: 'string' },
    ],
  },
  {
    type: 'record',
    name: 'ProbeRecorded',
    namespace: 'vdx.platform.v1',
    fields: [
      { name: 'probeId', type: 'string' },
      { name: 'seq', type: 'long' },
      { name: 'note', type: 'string' },
      { name: 'weight', type: 'int', default: 1 },
    ],
  },
]);
