import {
  PackageAcceptedEvent,
  PackageRejectedEvent,
  PackageRoutedEvent,
  RoutingRejectedEvent,
  SignatureRejectedEvent,
  SignatureRecheckedEvent,
  SignatureVerifiedEvent,
  isEvent,
  withLanes,
  type EventEnvelope,
  type PackageRef,
} from '@vdx/contracts';
import type { Projection, ReadModelWrite } from '@vdx/event-sourcing';

export const TRACES_COLLECTION = 'exchange_traces';

/** The stages a package passes, in order; a trace shows when it reached each. */
export const TRACE_STAGES = ['accepted', 'rejected', 'verified', 'signatureRejected', 'routed', 'routingRejected'] as const;
export type TraceStage = (typeof TRACE_STAGES)[number];

/** What a trace lists: its stages, and the last re-validation of the signatures (not a stage: it may come after any). */
export type TraceEventType = TraceStage | 'rechecked';

export interface TraceTopics {
  readonly gateway: string;
  readonly signature: string;
  readonly routing: string;
}

const facts = (ref: Pick<PackageRef, 'packageId' | 'senderCode' | 'documentId' | 'kind' | 'statusCode'>) => ({
  packageId: ref.packageId,
  senderCode: ref.senderCode,
  documentId: ref.documentId,
  kind: ref.kind,
  statusCode: ref.statusCode,
});

/** The signature service's verdict as the trace keeps it (`signature` of the trace document). */
export interface SignatureStage {
  readonly verifier: string;
  /** Empty when the package was refused. */
  readonly cryptographic: string;
  readonly checks: readonly { name: string; result: string; detail: string }[];
}

/** ` (file: CODE, CODE; …)`: the reason codes of each signature check that did not pass, for the stage's one-line detail. */
function codesOf(checks: readonly { name: string; result: string; detail: string }[]): string {
  const failing = checks
    .filter((c) => c.name.startsWith('signature:') && (c.result === 'failed' || c.result === 'indeterminate'))
    .map((c) => `${c.name.slice('signature:'.length)}: ${[...new Set(c.detail.match(/\b[A-Z0-9]+\.[A-Z0-9_]+\b/g) ?? [])].join(', ') || c.result}`);
  return failing.length > 0 ? ` (${failing.join('; ')})` : '';
}

/**
 * The sender's view of each package before delivery: when it was accepted or rejected at the
 * edge, verified (with the signature verdict and every check) or refused, routed or refused,
 * with the reasons and the recipients routing could not reach. One document per package id, fed by the gateway, signature and routing topics (in any
 * order: each stage is its own field, and every event repeats the package's facts).
 */
export function traceProjection(topics: TraceTopics, name = 'exchange-traces', collection = TRACES_COLLECTION): Projection {
  return {
    name,
    topics: withLanes([topics.gateway, topics.signature, topics.routing]),
    collections: [collection],
    project(event: EventEnvelope): ReadModelWrite[] {
      const stage = (id: string, key: TraceEventType, detail: string, fields: Record<string, unknown>): ReadModelWrite[] => [
        { collection, id, update: { $set: { ...fields, [`stages.${key}`]: { at: event.occurredAt, detail } } } },
      ];
      if (isEvent(PackageAcceptedEvent, event)) {
        const p = event.payload;
        return stage(p.packageId, 'accepted', `${p.bodySize} bytes for ${p.recipientCodes.join(', ') || 'the recipients of the document'}`, facts(p));
      }
      if (isEvent(PackageRejectedEvent, event)) {
        const p = event.payload;
        return stage(p.packageId, 'rejected', `${p.errorCode}: ${p.reason}`, { packageId: p.packageId, senderCode: p.senderCode, errorCode: p.errorCode, reason: p.reason });
      }
      if (isEvent(SignatureVerifiedEvent, event)) {
        const p = event.payload;
        const signature: SignatureStage = { verifier: p.verifier, cryptographic: p.cryptographic, checks: p.checks.map((c) => ({ name: c.name, result: c.result, detail: c.detail })) };
        return stage(p.package.packageId, 'verified', `integrity passed; cryptographic verification ${p.cryptographic}${codesOf(p.checks)}`, { ...facts(p.package), signature });
      }
      if (isEvent(SignatureRecheckedEvent, event)) {
        // The verdict the trace shows becomes the new one; the first stays in `verified`'s line.
        const p = event.payload;
        const signature: SignatureStage = { verifier: p.verifier, cryptographic: p.cryptographic, checks: p.checks.map((c) => ({ name: c.name, result: c.result, detail: c.detail })) };
        return stage(p.package.packageId, 'rechecked', `re-validated by ${p.operator}: cryptographic verification ${p.previousCryptographic} → ${p.cryptographic}${codesOf(p.checks)}`, { ...facts(p.package), signature });
      }
      if (isEvent(SignatureRejectedEvent, event)) {
        const p = event.payload;
        const signature: SignatureStage = { verifier: p.verifier, cryptographic: '', checks: p.checks.map((c) => ({ name: c.name, result: c.result, detail: c.detail })) };
        return stage(p.package.packageId, 'signatureRejected', `${p.errorCode}: ${p.reason}`, { ...facts(p.package), errorCode: p.errorCode, reason: p.reason, signature });
      }
      if (isEvent(PackageRoutedEvent, event)) {
        const p = event.payload;
        return stage(p.package.packageId, 'routed', `${p.deliveries.length} delivery(ies), ${p.unroutable.length} unroutable`, { ...facts(p.package), unroutable: p.unroutable });
      }
      if (isEvent(RoutingRejectedEvent, event)) {
        const p = event.payload;
        return stage(p.package.packageId, 'routingRejected', `${p.errorCode}: ${p.reason}`, { ...facts(p.package), errorCode: p.errorCode, reason: p.reason, unroutable: p.unroutable });
      }
      return [];
    },
  };
}
