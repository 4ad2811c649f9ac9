import { MongoServerError, type Collection, type Db } from 'mongodb';
import { DEFAULT_STALE_CLAIM_MS, type Claim, type Receipt, type ReceiptStore } from './receipt';

export const RECEIPTS_COLLECTION = 'gateway_receipts';

interface ReceiptDoc {
  _id: string;
  packageId: string;
  claimedAt: Date;
  receipt: Receipt | null;
}

const DUPLICATE_KEY = 11000;

/**
 * The idempotency index in MongoDB (or FerretDB): one document per key, addressed by `_id` so
 * every operation is an index lookup. The unique `_id` makes the first claim win.
 */
export class MongoReceiptStore implements ReceiptStore {
  private readonly receipts: Collection<ReceiptDoc>;

  constructor(
    db: Db,
    private readonly staleAfterMs = DEFAULT_STALE_CLAIM_MS,
  ) {
    this.receipts = db.collection<ReceiptDoc>(RECEIPTS_COLLECTION);
  }

  async claim(keyId: string, packageId: string, now: Date): Promise<Claim> {
    try {
      await this.receipts.insertOne({ _id: keyId, packageId, claimedAt: now, receipt: null });
      return { kind: 'claimed', packageId };
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
    const existing = await this.receipts.findOne({ _id: keyId });
    if (!existing) return this.claim(keyId, packageId, now); // released in between
    if (existing.receipt) return { kind: 'done', receipt: existing.receipt };
    if (now.getTime() - existing.claimedAt.getTime() < this.staleAfterMs) return { kind: 'busy', since: existing.claimedAt };
    // Take the abandoned claim over, keeping its package id; only one taker wins the update.
    const taken = await this.receipts.updateOne({ _id: keyId, claimedAt: existing.claimedAt, receipt: null }, { $set: { claimedAt: now } });
    return taken.modifiedCount === 1 ? { kind: 'claimed', packageId: existing.packageId } : { kind: 'busy', since: now };
  }

  async complete(keyId: string, receipt: Receipt): Promise<void> {
    await this.receipts.updateOne({ _id: keyId }, { $set: { receipt } });
  }

  async release(keyId: string, packageId: string): Promise<void> {
    await this.receipts.deleteOne({ _id: keyId, packageId, receipt: null });
  }
}
