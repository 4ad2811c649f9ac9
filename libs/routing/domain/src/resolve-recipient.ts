import { parseAgencyCode } from '@vdx/agency-code';
import type { AgencySnapshot, RoutedDelivery, UnroutableRecipient } from '@vdx/contracts';
import type { DirectoryView } from './ports';
import { RoutingErrorCode } from './routing-error';

/** How a delivery reached its recipient. */
export type Route = 'direct' | 'successor' | 'ancestor' | 'successor+ancestor';

/** One requested code resolved: a delivery, or why there is none. */
export type Resolution =
  | { readonly ok: true; readonly delivery: RoutedDelivery }
  | { readonly ok: false; readonly unroutable: UnroutableRecipient };

// Agency codes have four levels, so a climb never needs more than three steps.
const MAX_CLIMB = 4;

/**
 * Resolves one requested recipient code of package `packageId`: strict parse, directory lookup,
 * successor chain of retired codes, suspension, then the nearest connected system (the recipient's
 * own, or its nearest connected ancestor's, which relays for it).
 */
export function resolveRecipient(packageId: string, requestedCode: string, directory: DirectoryView): Resolution {
  const fail = (errorCode: RoutingErrorCode, reason: string): Resolution => ({
    ok: false,
    unroutable: { requestedCode, errorCode, reason },
  });

  // Strict: an identity is never silently trimmed, so the parsed code equals the requested one.
  const parsed = parseAgencyCode(requestedCode, { whitespace: 'reject' });
  if (!parsed.ok) return fail(RoutingErrorCode.MALFORMED_RECIPIENT, parsed.error.message);

  const requested = directory.get(requestedCode);
  if (!requested) return fail(RoutingErrorCode.UNKNOWN_RECIPIENT, `agency ${requestedCode} is unknown to the directory`);

  const successor = directory.resolveSuccessor(requestedCode);
  const recipient = successor ? directory.get(successor.code) : undefined;
  if (!successor || !recipient) {
    return fail(RoutingErrorCode.RETIRED_WITHOUT_SUCCESSOR, `agency ${requestedCode} is retired and no current agency succeeds it`);
  }
  const retiredVia = successor.via;
  if (recipient.status === 'suspended') {
    const who = retiredVia.length > 0 ? `${recipient.code} (successor of ${requestedCode})` : recipient.code;
    return fail(RoutingErrorCode.RECIPIENT_SUSPENDED, `agency ${who} is suspended`);
  }

  const hub = directory.nearestConnected(recipient.code);
  const system = hub ? firstSystem(hub) : undefined;
  if (!hub || !system) {
    return fail(RoutingErrorCode.NOT_CONNECTED, `neither ${recipient.code} nor any ancestor has a connected system`);
  }

  const relayed = hub.code !== recipient.code;
  const viaSuccessor = retiredVia.length > 0;
  const route: Route = relayed ? (viaSuccessor ? 'successor+ancestor' : 'ancestor') : viaSuccessor ? 'successor' : 'direct';
  return {
    ok: true,
    delivery: {
      deliveryId: `${packageId}/${recipient.code}`,
      requestedCode,
      recipientCode: recipient.code,
      deliverToCode: hub.code,
      systemId: system.systemId,
      endpoint: system.endpoint,
      route,
      via: [...retiredVia, ...(relayed ? climb(recipient, hub.code, directory) : [])],
    },
  };
}

/** The system a package for `agency` goes to: the first by systemId, for determinism. */
function firstSystem(agency: AgencySnapshot): AgencySnapshot['systems'][number] | undefined {
  return [...agency.systems].sort((a, b) => (a.systemId < b.systemId ? -1 : a.systemId > b.systemId ? 1 : 0))[0];
}

/** The ancestors climbed from `from` (exclusive) up to `hubCode` (inclusive), along parentCode. */
function climb(from: AgencySnapshot, hubCode: string, directory: DirectoryView): string[] {
  const codes: string[] = [];
  let parentCode = from.parentCode;
  for (let step = 0; parentCode && step < MAX_CLIMB; step++) {
    codes.push(parentCode);
    if (parentCode === hubCode) return codes;
    parentCode = directory.get(parentCode)?.parentCode ?? null;
  }
  // The directory's view of the hierarchy disagreed with the hub it named: record the hub only.
  return [hubCode];
}
