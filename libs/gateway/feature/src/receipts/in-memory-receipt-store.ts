import { DEFAULT_STALE_CLAIM_MS, type Claim, type Receipt, type ReceiptStore } from './receipt';

type Entry = { packageId: string; claimedAt: Date; receipt: Receipt | null };

/** A ReceiptStore in memory, for unit tests. */
export class InMemoryReceiptStore implements ReceiptStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly staleAfterMs = DEFAULT_STALE_CLAIM_MS) {}

  async claim(keyId: string, packageId: string, now: Date): Promise<Claim> {
    const entry = this.entries.get(keyId);
    if (!entry) {
      this.entries.set(keyId, { packageId, claimedAt: now, receipt: null });
      return { kind: 'claimed', packageId };
    }
    if (entry.receipt) return { kind: 'done', receipt: entry.receipt };
    if (now.getTime() - entry.claimedAt.getTime() < this.staleAfterMs) return { kind: 'busy', since: entry.claimedAt };
    entry.claimedAt = now;
    return { kind: 'claimed', packageId: entry.packageId };
  }

  async complete(keyId: string, receipt: Receipt): Promise<void> {
    const entry = this.entries.get(keyId);
    if (entry) entry.receipt = receipt;
  }

  async release(keyId: string, packageId: string): Promise<void> {
    const entry = this.entries.get(keyId);
    if (entry && entry.packageId === packageId && !entry.receipt) this.entries.delete(keyId);
  }
}
