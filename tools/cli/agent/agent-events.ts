// What the agency agent reports, one event per step: the CLI prints each as a line of text or
// JSON; an integrator can forward them to their own log.

/** Where an item came from: the inbox watch or the safety-net poll. */
export type ItemSource = 'watch' | 'poll';

/** The step of an item's processing an error happened in. */
export type AgentStep = 'fetch' | 'save' | 'parse' | 'acknowledge' | 'status';

/** One step of the agent's work. */
export type AgentEvent =
  | { readonly event: 'item'; readonly deliveryId: string; readonly source: ItemSource; readonly kind: string; readonly senderCode: string; readonly recipientCode: string }
  | { readonly event: 'fetched'; readonly deliveryId: string; readonly bytes: number; readonly sha256: string }
  | { readonly event: 'saved'; readonly deliveryId: string; readonly file: string }
  | { readonly event: 'parsed'; readonly deliveryId: string; readonly kind: 'edoc' | 'status'; readonly documentId: string; readonly fromCode: string; readonly statusCode: string; readonly errorFindings: number }
  | { readonly event: 'unreadable'; readonly deliveryId: string; readonly code: string; readonly message: string }
  | { readonly event: 'acknowledged'; readonly deliveryId: string; readonly result: 'done' | 'fail'; readonly state: string; readonly reason: string }
  | { readonly event: 'status-sent'; readonly deliveryId: string; readonly statusCode: string; readonly documentId: string; readonly issuer: string; readonly packageId: string; readonly outcome: string; readonly duplicate: boolean; readonly errorCode: string; readonly reason: string }
  | { readonly event: 'error'; readonly deliveryId: string; readonly step: AgentStep; readonly code: string; readonly message: string; readonly willRetry: boolean }
  | { readonly event: 'poll-error'; readonly agencyCode: string; readonly code: string; readonly message: string }
  | { readonly event: 'watch-error'; readonly agencyCode: string; readonly code: string; readonly message: string };

/** Counts of a run, for `--once` and the final line of a long run. */
export interface AgentSummary {
  processed: number;
  done: number;
  failed: number;
  statusesSent: number;
  errors: number;
}

const orAll = (code: string): string => code || '(all)';

/** One line of text for an event (the `--json` form is the event itself). */
export function formatAgentEvent(e: AgentEvent): string {
  switch (e.event) {
    case 'item':
      return `${e.deliveryId}  new ${e.kind} from ${e.senderCode} for ${e.recipientCode} (${e.source})`;
    case 'fetched':
      return `${e.deliveryId}  fetched ${e.bytes} bytes, sha256 ${e.sha256}`;
    case 'saved':
      return `${e.deliveryId}  saved to ${e.file}`;
    case 'parsed':
      return e.kind === 'edoc'
        ? `${e.deliveryId}  document ${e.documentId} from ${e.fromCode}${e.errorFindings ? ` (${e.errorFindings} error finding(s))` : ''}`
        : `${e.deliveryId}  status ${e.statusCode} from ${e.fromCode} about ${e.documentId}${e.statusCode === '13' ? ' — a recall: answer with 15 (agree) or 16 (refuse)' : ''}`;
    case 'unreadable':
      return `${e.deliveryId}  unreadable: ${e.code}: ${e.message}`;
    case 'acknowledged':
      return `${e.deliveryId}  acknowledged ${e.result}${e.reason ? ` (${e.reason})` : ''} → ${e.state}`;
    case 'status-sent':
      return e.outcome === 'accepted'
        ? `${e.deliveryId}  status ${e.statusCode} sent to ${e.issuer}: package ${e.packageId}${e.duplicate ? ' (duplicate)' : ''}`
        : `${e.deliveryId}  status ${e.statusCode} rejected: ${e.errorCode}: ${e.reason}`;
    case 'error':
      return `${e.deliveryId}  ${e.step} failed: ${e.code}: ${e.message}${e.willRetry ? ' (will retry)' : ''}`;
    case 'poll-error':
      return `poll of ${orAll(e.agencyCode)} failed: ${e.code}: ${e.message}`;
    case 'watch-error':
      return `watch of ${orAll(e.agencyCode)} ended: ${e.code}: ${e.message} (the poll goes on; the watch reopens at the next poll)`;
  }
}
