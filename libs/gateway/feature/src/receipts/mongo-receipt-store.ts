import { MongoServerError, type Collection, type Db } from 'mongodb';
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

/**
 * The idempotency index in MongoDB (or FerretDB), every operation by `_id`. The receipts of
 * accepted packages are a projection of the log (`gateway_receipts`, `receiptsProjection`),
 * looked up first. The claims (`gateway_claims`) only serialise concurrent attempts at one key
 * and keep a completed receipt until the projection has it; the unique `_id` makes the first
 * claim win. Losing the claims loses nothing but that: every receipt is in the log.
 */
export class MongoReceiptStore implements ReceiptStore {
  private readonly receipts: Collection<ReceiptDoc>;
  private readonly projected: Collection<{ _id: string; receipt: Receipt }>;

  constructor(
    db: Db,
    private readonly staleAfterMs = DEFAULT_STALE_CLAIM_MS,
    collections: { claims?: string; receipts?: string } = {},
  ) {
    this.receipts = db.collection<ReceiptDoc>(collections.claims ?? CLAIMS_COLLECTION);
    this.projected = db.collection(collections.receipts ?? RECEIPTS_COLLECTION);
  }

  async claim(keyId: string, packageId: string, now: Date): Promise<Claim> {
    const recorded = await this.projected.findOne({ _id: keyId });
    if (recorded?.receipt) return { kind: 'done', receipt: recorded.receipt };
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
