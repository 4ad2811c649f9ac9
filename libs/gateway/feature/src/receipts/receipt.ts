import type { PackageFinding } from '@vdx/contracts';

/** What the gateway answered for an accepted package; a resend gets it back, marked duplicate. */
export interface Receipt {
  readonly packageId: string;
  readonly bodySha256: string;
  readonly bodySize: number;
  readonly acceptedAt: string;
  readonly recipientCodes: readonly string[];
  readonly warnings: readonly PackageFinding[];
}

/** The outcome of claiming an idempotency key before appending. */
export type Claim =
  /** Go on and append under `packageId` (a fresh id, or the one a crashed attempt had claimed). */
  | { readonly kind: 'claimed'; readonly packageId: string }
  /** The package was accepted before: answer with its receipt. */
  | { readonly kind: 'done'; readonly receipt: Receipt }
  /** Another attempt holds the key right now. */
  | { readonly kind: 'busy'; readonly since: Date };

/**
 * Port: the gateway's idempotency index. A key is claimed before its event is appended and
 * completed after; a claim older than `staleAfterMs` belongs to a crashed attempt and is taken
 * over with the same package id, so a retry can never mint a second package.
 */
export interface ReceiptStore {
  claim(keyId: string, packageId: string, now: Date): Promise<Claim>;
  complete(keyId: string, receipt: Receipt): Promise<void>;
  /** Drops a claim whose append failed, so the client may retry at once. */
  release(keyId: string, packageId: string): Promise<void>;
}

/** Claims older than this are treated as abandoned by a crashed attempt. */
export const DEFAULT_STALE_CLAIM_MS = 30_000;
