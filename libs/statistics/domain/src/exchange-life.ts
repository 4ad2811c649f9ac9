import {
  DeliveryAcknowledgedEvent,
  DeliveryDeadLetteredEvent,
  DeliveryDeadlineMissedEvent,
  DeliveryFetchedEvent,
  DeliveryQueuedEvent,
  DeliveryStatusRecordedEvent,
  PackageAcceptedEvent,
  PackageRejectedEvent,
  PackageRoutedEvent,
  SignatureVerifiedEvent,
  createEvent,
  documentKey,
  laneOf,
  type EventDefinition,
  type EventType,
  type EventEnvelope,
  type PackageRef,
} from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';

// What the axis appends over one document's life, as plain events in the order the services
// append them: the fixtures of the statistics tests and the events of its benchmark. Pure and
// deterministic (ids and times come from the spec).

/** The service topic an event travels (both lanes of the pipeline topics, by the package's priority). */
export type SourceTopic = 'gateway' | 'signature' | 'routing' | 'delivery' | 'directory';

export interface LifeEvent {
  readonly source: SourceTopic;
  readonly urgent: boolean;
  /** The record key: the document's key (docs/adr/0006). */
  readonly key: string;
  readonly event: EventEnvelope;
}

export interface StatusSpec {
  /** 01 … 06, 15, 16 */
  readonly code: string;
  /** Milliseconds after the document was accepted. */
  readonly afterMs: number;
}

export interface CopySpec {
  readonly recipient: string;
  /** When the copy is queued, fetched (null: never) and acknowledged, in ms after acceptance. */
  readonly queuedAfterMs?: number;
  readonly fetchedAfterMs?: number | null;
  readonly ack?: 'done' | 'fail' | null;
  readonly deadLettered?: boolean;
  readonly deadlineMissed?: boolean;
  readonly statuses?: readonly StatusSpec[];
}

export interface LifeSpec {
  readonly packageId: string;
  readonly documentId: string | null;
  readonly sender: string;
  readonly copies: readonly CopySpec[];
  readonly acceptedAt: Date;
  /** edXML priority; 1–4 travel the urgent lane. */
  readonly priority?: string;
  readonly businessDocType?: string;
  readonly cryptographic?: string;
  readonly decree30?: boolean;
  readonly warnings?: readonly string[];
  /** Recipients routing could not reach, with their codes. */
  readonly unroutable?: readonly { readonly code: string; readonly errorCode: string }[];
  /** The Decree 30 deadline stamped on each copy. */
  readonly deadline?: Date;
}

const actor = { kind: 'system', id: 'statistics-fixture' } as const;

function ref(spec: LifeSpec, kind: string, sender: string, recipients: readonly string[], packageId: string, statusCode: string | null, acceptedAt: Date, priority: string | null): PackageRef {
  return packageRefWith({
    packageId,
    kind,
    senderCode: sender,
    systemId: `qlvb-${sender}`,
    recipientCodes: [...recipients],
    documentId: spec.documentId,
    businessDocType: kind === 'edoc' ? (spec.businessDocType ?? '0') : null,
    statusCode,
    subject: kind === 'edoc' ? 'Công văn về việc báo cáo thống kê' : null,
    priority,
    bodySize: 51_200,
    acceptedAt: acceptedAt.toISOString(),
  });
}

/** Events of one package through gateway, signature and routing (statuses travel as packages too). */
function packageEvents(spec: LifeSpec, pkg: PackageRef, at: Date, warnings: readonly string[], cryptographic: string, decree30: boolean, unroutable: LifeSpec['unroutable'] = []): LifeEvent[] {
  const urgent = laneOf(pkg.priority) === 'urgent';
  const key = documentKey(pkg);
  const make = <P, T extends EventType>(def: EventDefinition<P, T>, payload: P, ms: number, aggregateSeq = 1): EventEnvelope =>
    createEvent(def, { aggregateId: pkg.packageId, aggregateSeq, payload, actor, correlationId: pkg.packageId, occurredAt: new Date(at.getTime() + ms), eventId: `${pkg.packageId}-${def.type}-${aggregateSeq}` });
  const { acceptedAt: _accepted, ...fields } = pkg;
  return [
    {
      source: 'gateway',
      urgent,
      key,
      event: make(PackageAcceptedEvent, { ...fields, attachments: [], warnings: warnings.map((code) => ({ code, path: 'edXMLEnvelope', severity: 'warning', message: code })), idempotencyKey: `idem-${pkg.packageId}`, clientRef: null }, 0),
    },
    {
      source: 'signature',
      urgent,
      key,
      event: make(SignatureVerifiedEvent, { package: pkg, checks: [{ name: 'decree30', result: decree30 ? 'passed' : 'failed', detail: '' }], cryptographic, verifier: cryptographic === 'not-performed' ? 'integrity/1' : 'cryptographic/1' }, 50),
    },
    {
      source: 'routing',
      urgent,
      key,
      event: make(
        PackageRoutedEvent,
        {
          package: pkg,
          deliveries: pkg.recipientCodes.filter((r) => !unroutable.some((u) => u.code === r)).map((r) => ({ deliveryId: `${pkg.packageId}/${r}`, requestedCode: r, recipientCode: r, deliverToCode: r, systemId: `qlvb-${r}`, endpoint: null, route: 'direct', via: [] })),
          unroutable: unroutable.map((u) => ({ requestedCode: u.code, errorCode: u.errorCode, reason: u.errorCode })),
        },
        100,
      ),
    },
  ];
}

/** One delivery's events, from queued to acknowledged. */
function copyEvents(pkg: PackageRef, recipient: string, at: Date, deadline: Date, copy: Omit<CopySpec, 'recipient' | 'statuses'>): LifeEvent[] {
  const urgent = laneOf(pkg.priority) === 'urgent';
  const key = documentKey(pkg);
  const deliveryId = `${pkg.packageId}/${recipient}`;
  let seq = 0;
  const make = <P, T extends EventType>(def: EventDefinition<P, T>, payload: P, ms: number): LifeEvent => ({
    source: 'delivery',
    urgent,
    key,
    event: createEvent(def, { aggregateId: deliveryId, aggregateSeq: ++seq, payload, actor, correlationId: pkg.packageId, occurredAt: new Date(at.getTime() + ms), eventId: `${deliveryId}-${seq}` }),
  });
  const queuedAfter = copy.queuedAfterMs ?? 200;
  const out = [make(DeliveryQueuedEvent, { deliveryId, package: pkg, recipientCode: recipient, deliverToCode: recipient, systemId: `qlvb-${recipient}`, endpoint: null, route: 'direct', via: [], deadline: deadline.toISOString() }, queuedAfter)];
  if (copy.deadLettered) out.push(make(DeliveryDeadLetteredEvent, { deliveryId, attempts: 8, lastError: 'UNAVAILABLE' }, queuedAfter + 1000));
  if (copy.deadlineMissed) out.push(make(DeliveryDeadlineMissedEvent, { deliveryId, deadline: deadline.toISOString() }, deadline.getTime() - at.getTime() + 30_000));
  if (copy.fetchedAfterMs !== null && copy.fetchedAfterMs !== undefined) {
    out.push(make(DeliveryFetchedEvent, { deliveryId, systemId: `qlvb-${recipient}`, via: 'fetch' }, copy.fetchedAfterMs));
    if (copy.ack) out.push(make(DeliveryAcknowledgedEvent, { deliveryId, systemId: `qlvb-${recipient}`, result: copy.ack, reason: copy.ack === 'fail' ? 'sai thẩm quyền' : null }, copy.fetchedAfterMs + 100));
  }
  return out;
}

/** The 17:00 (Vietnam time) of the day `at` falls on: the Decree 30 deadline of a copy queued before it on a working day. */
export function sameDayDeadline(at: Date): Date {
  const vn = new Date(at.getTime() + 7 * 3600_000);
  return new Date(Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate(), 10, 0, 0));
}

/**
 * Every event of one document's life, in the order of the services that append them: the
 * document's package, its copies, and each status a recipient sends back (a package of its own,
 * routed to the issuer, recorded on the recipient's copy). Statuses are sorted by time.
 */
export function documentLife(spec: LifeSpec): LifeEvent[] {
  const at = spec.acceptedAt;
  const deadline = spec.deadline ?? sameDayDeadline(at);
  const recipients = [...spec.copies.map((c) => c.recipient), ...(spec.unroutable ?? []).map((u) => u.code)];
  const doc = ref(spec, 'edoc', spec.sender, recipients, spec.packageId, null, at, spec.priority ?? '0');
  const out: LifeEvent[] = packageEvents(spec, doc, at, spec.warnings ?? [], spec.cryptographic ?? 'not-performed', spec.decree30 ?? false, spec.unroutable);
  const later: { ms: number; events: LifeEvent[] }[] = [];
  for (const copy of spec.copies) {
    out.push(...copyEvents(doc, copy.recipient, at, deadline, copy));
    for (const [i, s] of (copy.statuses ?? []).entries()) {
      const statusAt = new Date(at.getTime() + s.afterMs);
      const status = ref(spec, 'status', copy.recipient, [spec.sender], `${spec.packageId}~${copy.recipient}~${s.code}~${i}`, s.code, statusAt, null);
      const events = [...packageEvents(spec, status, statusAt, [], 'not-performed', false), ...copyEvents(status, spec.sender, statusAt, sameDayDeadline(statusAt), { fetchedAfterMs: 500, ack: 'done' })];
      const deliveryId = `${spec.packageId}/${copy.recipient}`;
      events.push({
        source: 'delivery',
        urgent: laneOf(doc.priority) === 'urgent',
        key: documentKey(doc),
        event: createEvent(DeliveryStatusRecordedEvent, {
          aggregateId: deliveryId,
          aggregateSeq: 100 + i,
          payload: { deliveryId, code: s.code, at: statusAt.toISOString(), description: `Trạng thái ${s.code}`, packageId: status.packageId },
          actor,
          correlationId: spec.packageId,
          occurredAt: new Date(statusAt.getTime() + 300),
          eventId: `${deliveryId}-status-${i}`,
        }),
      });
      later.push({ ms: s.afterMs, events });
    }
  }
  for (const l of later.sort((a, b) => a.ms - b.ms)) out.push(...l.events);
  return out;
}

/** A package the gateway refused (always the normal lane, keyed by its package id). */
export function refusedPackage(packageId: string, sender: string | null, errorCode: string, findings: readonly string[], at: Date): LifeEvent {
  return {
    source: 'gateway',
    urgent: false,
    key: packageId,
    event: createEvent(PackageRejectedEvent, {
      aggregateId: packageId,
      aggregateSeq: 1,
      payload: { packageId, senderCode: sender, systemId: 'qlvb', errorCode, reason: errorCode, findings: findings.map((code) => ({ code, path: 'edXMLEnvelope', severity: 'error', message: code })), bodySha256: null, bodySize: 10, clientRef: null },
      actor,
      correlationId: packageId,
      occurredAt: at,
      eventId: `${packageId}-rejected`,
    }),
  };
}
