import type { RoutedDelivery, UnroutableRecipient } from '@vdx/contracts';
import type { DirectoryView } from './ports';
import { resolveRecipient } from './resolve-recipient';

/** A requested code folded into an earlier delivery to the same recipient. */
export interface MergedRecipient {
  readonly requestedCode: string;
  /** The delivery it was folded into. */
  readonly deliveryId: string;
}

/** The outcome of routing a list of requested codes: every code lands in exactly one list. */
export interface RecipientsRouting {
  readonly deliveries: readonly RoutedDelivery[];
  readonly unroutable: readonly UnroutableRecipient[];
  /** Not part of any event: requested codes that ended at an agency already delivered to. */
  readonly merged: readonly MergedRecipient[];
}

/**
 * Resolves each requested code in order. Codes ending at the same recipient make one delivery
 * (the first requested code wins; later ones are merged, not unroutable). A code repeated
 * verbatim is considered once.
 */
export function routeRecipients(packageId: string, requestedCodes: readonly string[], directory: DirectoryView): RecipientsRouting {
  const deliveries: RoutedDelivery[] = [];
  const unroutable: UnroutableRecipient[] = [];
  const merged: MergedRecipient[] = [];
  const byRecipient = new Map<string, RoutedDelivery>();
  const seen = new Set<string>();
  for (const code of requestedCodes) {
    if (seen.has(code)) continue;
    seen.add(code);
    const resolution = resolveRecipient(packageId, code, directory);
    if (!resolution.ok) {
      unroutable.push(resolution.unroutable);
      continue;
    }
    const earlier = byRecipient.get(resolution.delivery.recipientCode);
    if (earlier) {
      merged.push({ requestedCode: code, deliveryId: earlier.deliveryId });
      continue;
    }
    byRecipient.set(resolution.delivery.recipientCode, resolution.delivery);
    deliveries.push(resolution.delivery);
  }
  return { deliveries, unroutable, merged };
}
