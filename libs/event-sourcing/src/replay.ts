import { EventCodec, catalogue } from '@vdx/contracts';
import { createKafka, readLogFromStart, type ConsumedEvent, type KafkaSettings, type LogEnd } from '@vdx/messaging';
import type { Db } from 'mongodb';
import { applyGuarded, type PositionedWrite } from './guarded-writer';
import { projectionGroupId, type Projection } from './projection';

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  constructor(
    readonly code: 'REPLAY.PROJECTION_RUNNING' | 'REPLAY.FAILED',
    message: string,
  ) {
    super(message);
  }
}

export interface ReplayOptions {
  /** Swap the rebuilt collections in place of the live ones (default). False leaves them beside, for comparison. */
  readonly swap?: boolean;
  readonly onProgress?: (read: number, total: number) => void;
  /** Checked before anything is written; pass false only when the caller has stopped the runner itself. */
  readonly refuseWhileRunning?: boolean;
}

export interface ReplayResult {
  readonly events: number;
  readonly undecodable: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Logical collection → the physical collection that was built. */
  readonly built: Readonly<Record<string, string>>;
  readonly ends: readonly LogEnd[];
}

/**
 * Rebuilds a read model from offset zero into fresh collections, then swaps them in with
 * `renameCollection(dropTarget)`. The live runner must be stopped meanwhile; when it restarts
 * from its committed offsets, the per-document guards skip whatever the replay already applied.
 */
export async function replayProjection(settings: KafkaSettings, db: Db, projection: Projection, opts: ReplayOptions = {}): Promise<ReplayResult> {
  if (opts.refuseWhileRunning !== false) await refuseIfRunning(settings, projection);
  const suffix = `__replay_${Date.now()}`;
  const built = Object.fromEntries(projection.collections.map((c) => [c, `${c}${suffix}`]));
  for (const name of Object.values(built)) await db.collection(name).drop().catch(() => undefined);

  const codec = new EventCodec(catalogue);
  const started = process.hrtime.bigint();
  let events = 0;
  let undecodable = 0;
  const ends = await readLogFromStart(
    { ...settings, clientId: `${settings.clientId}-replay-${projection.name}` },
    projection.topics,
    async (records) => {
      const writes: PositionedWrite[] = [];
      for (const record of records) {
        let item: ConsumedEvent;
        try {
          item = { event: codec.decode(record.value, record.headers), record };
        } catch {
          // The live runner dead-lettered it; a replay skips it the same way.
          undecodable += 1;
          continue;
        }
        events += 1;
        const position = { topic: record.topic, partition: record.partition, offset: record.offset };
        for (const write of projection.project(item.event, position)) writes.push({ write, position });
      }
      await applyGuarded(db, writes, (logical) => built[logical] ?? `${logical}${suffix}`);
    },
    { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) },
  );
  // A collection the log never wrote to must still exist, empty, to replace the live one.
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of Object.values(built)) if (!existing.has(name)) await db.createCollection(name);
  if (opts.swap !== false) {
    for (const [logical, physical] of Object.entries(built)) await swapIn(db, physical, logical);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, undecodable, seconds, eventsPerSecond: events / seconds, built, ends };
}

/**
 * Renames `physical` over `logical`. MongoDB does it atomically with `dropTarget`; FerretDB lacks
 * that option, so there the old collection is dropped first and readers briefly see none.
 */
async function swapIn(db: Db, physical: string, logical: string): Promise<void> {
  try {
    await db.collection(physical).rename(logical, { dropTarget: true });
  } catch (err) {
    if (!/dropTarget/.test((err as Error).message)) throw err;
    await db.collection(logical).drop().catch(() => undefined);
    await db.collection(physical).rename(logical);
  }
}

async function refuseIfRunning(settings: KafkaSettings, projection: Projection): Promise<void> {
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const group = projectionGroupId(projection);
    const { groups } = await admin.describeGroups([group], { timeout: 10_000 });
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) {
      throw new ReplayError('REPLAY.PROJECTION_RUNNING', `projection ${projection.name} has ${members} live consumer(s) in group ${group}; stop them before a replay`);
    }
  } finally {
    await admin.disconnect();
  }
}
