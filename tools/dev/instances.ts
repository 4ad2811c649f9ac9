/**
 * The pipeline topics `npm start` creates have 6 partitions (TOPIC_PARTITIONS): an instance
 * beyond that would own no partition and do nothing.
 */
export const MAX_INSTANCES = 6;

/** `--instances N` (or `--instances=N`) of `npm start`; 1 when absent. */
export function instancesOf(argv: readonly string[]): number {
  const i = argv.findIndex((a) => a === '--instances' || a.startsWith('--instances='));
  if (i < 0) return 1;
  const raw = argv[i]!.includes('=') ? argv[i]!.slice('--instances='.length) : argv[i + 1];
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(n) || n < 1 || n > MAX_INSTANCES) {
    throw new Error(`--instances must be a whole number from 1 to ${MAX_INSTANCES}, not ${JSON.stringify(raw ?? '')}`);
  }
  return n;
}
