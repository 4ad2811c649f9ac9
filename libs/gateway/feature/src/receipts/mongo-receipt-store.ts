import { MongoBulkWriteError, MongoServerError, type Collection, type Db } from 'mongodb';
import { DEFAULT_STALE_CLAIM_MS, type Claim, type Receipt, type ReceiptStore } from './receipt';
import { RECEIPTS_COLLECTION } from './receipts.projection';

export const CLAIMS_COLLECTION = 'gateway_claims';

interface ReceiptDoc {
  _id: string;
  packageId: string;
  claimedAt: Date;
  receipt: Receipt | null;
}

const DUPLICATE_KEY = 11000;

/** Claims and completions asked for within one turn of the event loop, answered together. */
interface Waiting<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (err: unknown) => void;
}
interface WaitingClaim extends Waiting<Claim> {
  readonly keyId: string;
  readonly packageId: string;
  readonly now: Date;
}
interface WaitingCompletion extends Waiting<void> {
  readonly keyId: string;
  readonly receipt: Receipt;
}

/** The store answers an `_id` `$in` of up to 1,000 ids from its index (docs/adr/0002). */
const MAX_KEYS_PER_COMMAND = 500;
/** Updates per command, as the read models' writer sends them (FerretDB holds a connection per statement). */
const MAX_UPDATES_PER_COMMAND = 50;

/**
 * The idempotency index in MongoDB (or FerretDB), every operation by `_id`. The receipts of
 * accepted packages are a projection of the log (`gateway_receipts`, `receiptsProjection`),
 * looked up first. The claims (`gateway_claims`) only serialise concurrent attempts at one key
 * and keep a completed receipt until the projection has it; the unique `_id` makes the first
 * claim win. Losing the claims loses nothing but that: every receipt is in the log.
 *
 * Sends arrive side by side, so the claims asked for in one turn of the event loop are answered
 * by one `$in` lookup of their receipts and one unordered insert of their claims, and the
 * completions of one turn by one bulk write: three commands for many sends instead of three per
 * send. A key whose insert collides (a retry, or two attempts in one turn) takes the single path.
 */
export class MongoReceiptStore implements ReceiptStore {
  private readonly receipts: Collection<ReceiptDoc>;
  private readonly projected: Collection<{ _id: string; receipt: Receipt }>;
  private claims: WaitingClaim[] = [];
  private completions: WaitingCompletion[] = [];

  constructor(
    db: Db,
    private readonly staleAfterMs = DEFAULT_STALE_CLAIM_MS,
    collections: { claims?: string; receipts?: string } = {},
  ) {
    this.receipts = db.collection<ReceiptDoc>(collections.claims ?? CLAIMS_COLLECTION);
    this.projected = db.collection(collections.receipts ?? RECEIPTS_COLLECTION);
  }

  claim(keyId: string, packageId: string, now: Date): Promise<Claim> {
    return new Promise<Claim>((resolve, reject) => {
      if (this.claims.push({ keyId, packageId, now, resolve, reject }) === 1) setImmediate(() => void this.claimWaiting());
    });
  }

  complete(keyId: string, receipt: Receipt): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.completions.push({ keyId, receipt, resolve, reject }) === 1) setImmediate(() => void this.completeWaiting());
    });
  }

  async release(keyId: string, packageId: string): Promise<void> {
    await this.receipts.deleteOne({ _id: keyId, packageId, receipt: null });
  }

  private async claimWaiting(): Promise<void> {
    const all = this.claims;
    this.claims = [];
    for (let from = 0; from < all.length; from += MAX_KEYS_PER_COMMAND) {
      const slice = all.slice(from, from + MAX_KEYS_PER_COMMAND);
      try {
        await this.claimTogether(slice);
      } catch (err) {
        for (const w of slice) w.reject(err);
      }
    }
  }

  private async claimTogether(waiting: readonly WaitingClaim[]): Promise<void> {
    const recorded = new Map<string, Receipt>();
    const ids = [...new Set(waiting.map((w) => w.keyId))];
    for (const doc of await this.projected.find(ids.length === 1 ? { _id: ids[0]! } : { _id: { $in: ids } }).toArray()) if (doc.receipt) recorded.set(doc._id, doc.receipt);
    const fresh = waiting.filter((w) => {
      const receipt = recorded.get(w.keyId);
      if (receipt) w.resolve({ kind: 'done', receipt });
      return !receipt;
    });
    if (fresh.length === 0) return;
    const collided = new Set<number>();
    try {
      await this.receipts.insertMany(fresh.map((w) => ({ _id: w.keyId, packageId: w.packageId, claimedAt: w.now, receipt: null })), { ordered: false });
    } catch (err) {
      const errors = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) : [];
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of errors) collided.add(e.index);
    }
    for (const [i, w] of fresh.entries()) {
      if (!collided.has(i)) w.resolve({ kind: 'claimed', packageId: w.packageId });
      else this.claimHeld(w.keyId, w.packageId, w.now).then(w.resolve, w.reject);
    }
  }

  /** The single path: the key's claim exists (a retry, a concurrent attempt, or one a crash left). */
  private async claimHeld(keyId: string, packageId: string, now: Date): Promise<Claim> {
    const existing = await this.receipts.findOne({ _id: keyId });
    if (!existing) return this.claimOne(keyId, packageId, now); // released in between
    if (existing.receipt) return { kind: 'done', receipt: existing.receipt };
    if (now.getTime() - existing.claimedAt.getTime() < this.staleAfterMs) return { kind: 'busy', since: existing.claimedAt };
    // Take the abandoned claim over, keeping its package id; only one taker wins the update.
    const taken = await this.receipts.updateOne({ _id: keyId, claimedAt: existing.claimedAt, receipt: null }, { $set: { claimedAt: now } });
    return taken.modifiedCount === 1 ? { kind: 'claimed', packageId: existing.packageId } : { kind: 'busy', since: now };
  }

  private async claimOne(keyId: string, packageId: string, now: Date): Promise<Claim> {
    const recorded = await this.projected.findOne({ _id: keyId });
    if (recorded?.receipt) return { kind: 'done', receipt: recorded.receipt };
    try {
      await this.receipts.insertOne({ _id: keyId, packageId, claimedAt: now, receipt: null });
      return { kind: 'claimed', packageId };
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
    return this.claimHeld(keyId, packageId, now);
  }

  private async completeWaiting(): Promise<void> {
    const all = this.completions;
    this.completions = [];
    for (let from = 0; from < all.length; from += MAX_UPDATES_PER_COMMAND) {
      const slice = all.slice(from, from + MAX_UPDATES_PER_COMMAND);
      try {
        await this.receipts.bulkWrite(
          slice.map((w) => ({ updateOne: { filter: { _id: w.keyId }, update: { $set: { receipt: w.receipt } } } })),
          { ordered: false },
        );
        for (const w of slice) w.resolve();
      } catch (err) {
        for (const w of slice) w.reject(err);
      }
    }
  }
}
