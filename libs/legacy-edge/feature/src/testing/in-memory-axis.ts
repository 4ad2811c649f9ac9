import { parseAgencyCode } from '@vdx/agency-code';
import type { PackageRef } from '@vdx/contracts';
import { ERROR_MAP, type CallError, type CallErrorOptions, type ErrorCode } from '@vdx/contracts/errors';
import { inboxItemOf } from '@vdx/contracts/grpc';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { DirectoryCallError } from '@vdx/directory-client';
import { ExchangeCallError } from '@vdx/exchange-client';
import { createHash } from 'node:crypto';
import type { AxisPort, DirectoryAgency, DirectoryPort, InboxItem, SendReceipt, Trace } from '../ports';

/** The error class of a real client: `ExchangeCallError` of the gateway's, `DirectoryCallError` of the directory's. */
type CallErrorClass = new (code: string, message: string, options: CallErrorOptions) => CallError;

/**
 * A refusal as the real client raises it: its own error class, the code, and the gRPC status
 * the service answers that code with (`ERROR_MAP`).
 */
function refused(as: CallErrorClass, code: ErrorCode, message: string): CallError {
  return new as(code, message, { grpcStatus: ERROR_MAP[code].grpc });
}

interface FakeAgency {
  code: string;
  name: string;
  parentCode: string;
  email: string;
  status: 'active' | 'suspended' | 'retired';
  successorCode: string;
  systems: string[];
  version: number;
  validFrom: string;
  validTo: string;
}

interface FakeDelivery {
  deliveryId: string;
  packageId: string;
  kind: 'edoc' | 'status';
  senderCode: string;
  recipientCode: string;
  systemId: string;
  documentId: string;
  statusCode: string;
  state: string;
  ackResult: string;
  queuedAt: string;
  statuses: { code: string; at: string; description: string }[];
}

interface FakePackage {
  packageId: string;
  senderCode: string;
  /** The connected system that sent it. */
  systemId: string;
  recipientCodes: string[];
  documentId: string;
  statusCode: string;
  kind: 'edoc' | 'status';
  acceptedAt: string;
  body: Buffer;
  unroutable: { requestedCode: string; errorCode: string; reason: string }[];
}

/** What the gateway records of a package and every later stage carries; inbox items are built from it. */
function packageRefOf(p: FakePackage): PackageRef {
  return packageRefWith({
    packageId: p.packageId,
    kind: p.kind,
    senderCode: p.senderCode,
    systemId: p.systemId,
    recipientCodes: p.recipientCodes,
    documentId: p.documentId || null,
    statusCode: p.statusCode || null,
    bodySha256: createHash('sha256').update(p.body).digest('hex'),
    bodySize: p.body.length,
    acceptedAt: p.acceptedAt,
    // No signature service here: integrity only, as an axis without certificate-chain verification.
    signatureVerdict: 'not-performed',
  });
}

const organIds = (xml: string, block: string): string[] =>
  [...xml.matchAll(new RegExp(`<(?:\\w+:)?${block}>[\\s\\S]*?</(?:\\w+:)?${block}>`, 'g'))].flatMap((m) => [...m[0].matchAll(/<(?:\w+:)?OrganId>\s*([^<\s]+)\s*</g)].map((x) => x[1]!));
const textOf = (xml: string, name: string): string => new RegExp(`<(?:\\w+:)?${name}>\\s*([^<]*?)\\s*</`).exec(xml)?.[1] ?? '';

/**
 * An in-memory stand-in for the axis behind the legacy edge, for unit tests: the directory
 * (with the gateway's `mayActFor` rule, by system id), intake with idempotency, routing to the
 * recipients' nearest connected systems, inboxes, fetch and acknowledge with the delivery
 * service's rules, statuses recorded on the document's deliveries, and traces. It reads only
 * From, To, ResponseFor, DocumentId and StatusCode of a package. It refuses as the real clients
 * do: an `ExchangeCallError` (the gateway's) or a `DirectoryCallError`, with the code and its
 * gRPC status.
 */
export class InMemoryAxis implements AxisPort, DirectoryPort {
  readonly agencies = new Map<string, FakeAgency>();
  readonly packages = new Map<string, FakePackage>();
  readonly deliveries = new Map<string, FakeDelivery>();
  private readonly receipts = new Map<string, string>();
  private readonly changeLog: string[] = [];
  private seq = 0;
  /** Calls of send(), as the axis saw them. */
  readonly sends: { systemId: string; senderCode: string; kind: string; clientRef: string; recipientCodes?: readonly string[]; body: Buffer }[] = [];
  /** Page size of the change feed (small, so paging is exercised). */
  pageSize = 2;
  /** When set, every call fails as if the axis were down. */
  down = false;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  private now(): string {
    return this.clock().toISOString();
  }

  /** While the axis is down, fails every call with `EXCHANGE.UNAVAILABLE`, raised as the port's own client (`as`) raises it. */
  private guard(as: CallErrorClass = ExchangeCallError): void {
    if (this.down) throw refused(as, 'EXCHANGE.UNAVAILABLE', 'the axis is down');
  }

  private changed(code: string): void {
    const a = this.agencies.get(code)!;
    a.version += 1;
    this.changeLog.push(code);
  }

  // The directory ---------------------------------------------------------------------------

  addAgency(code: string, name: string, systemId?: string): void {
    const parsed = parseAgencyCode(code);
    if (!parsed.ok) throw new Error(`bad test code ${code}`);
    this.agencies.set(code, { code, name, parentCode: parsed.code.parent?.toString() ?? '', email: '', status: 'active', successorCode: '', systems: systemId ? [systemId] : [], version: 0, validFrom: this.now(), validTo: '' });
    this.changed(code);
  }

  private nearestConnected(code: string): FakeAgency | undefined {
    let current = this.agencies.get(code);
    for (let depth = 0; current && depth < 4; depth++) {
      if (current.status === 'active' && current.systems.length > 0) return current;
      current = current.parentCode ? this.agencies.get(current.parentCode) : undefined;
    }
    return undefined;
  }

  mayActFor(systemId: string, code: string): boolean {
    const agency = this.agencies.get(code);
    if (!agency || agency.status !== 'active') return false;
    return this.nearestConnected(code)?.systems.includes(systemId) ?? false;
  }

  agenciesOf(systemId: string): string[] {
    return [...this.agencies.values()].filter((a) => a.status === 'active' && a.systems.includes(systemId)).map((a) => a.code).sort();
  }

  private view(a: FakeAgency): DirectoryAgency {
    return { code: a.code, name: a.name, parentCode: a.parentCode, email: a.email, inCharge: '', status: a.status, validFrom: a.validFrom, validTo: a.validTo, successorCode: a.successorCode, systems: a.systems.map((systemId) => ({ systemId })), level: parseAgencyCode(a.code).ok ? (parseAgencyCode(a.code) as { code: { level: number } }).code.level : 0, version: a.version };
  }

  async changes(cursor: string): Promise<{ agencies: DirectoryAgency[]; cursor: string; more: boolean }> {
    this.guard(DirectoryCallError);
    if (cursor !== '' && !/^\d+$/.test(cursor)) throw refused(DirectoryCallError, 'DIRECTORY.INVALID_CURSOR', 'the change cursor is not one this service issued');
    const from = cursor === '' ? 0 : Number(cursor);
    const codes = [...new Set(this.changeLog.slice(from, from + this.pageSize))];
    const end = Math.min(from + this.pageSize, this.changeLog.length);
    return { agencies: codes.map((c) => this.view(this.agencies.get(c)!)), cursor: String(end), more: end < this.changeLog.length };
  }

  async get(code: string): Promise<DirectoryAgency | undefined> {
    this.guard(DirectoryCallError);
    const a = this.agencies.get(code);
    return a ? this.view(a) : undefined;
  }

  async register(agency: { code: string; name: string; email: string; inCharge: string }): Promise<void> {
    this.guard(DirectoryCallError);
    if (this.agencies.has(agency.code)) throw refused(DirectoryCallError, 'DIRECTORY.DUPLICATE_CODE', `${agency.code} is already registered`);
    const parsed = parseAgencyCode(agency.code);
    const parent = parsed.ok ? parsed.code.parent?.toString() : undefined;
    if (parent && !this.agencies.has(parent)) throw refused(DirectoryCallError, 'DIRECTORY.PARENT_UNKNOWN', `parent ${parent} is not registered`);
    this.addAgency(agency.code, agency.name);
    this.agencies.get(agency.code)!.email = agency.email;
  }

  async retire(code: string): Promise<void> {
    this.guard(DirectoryCallError);
    const a = this.agencies.get(code);
    if (!a) throw refused(DirectoryCallError, 'DIRECTORY.UNKNOWN_AGENCY', `no agency ${code}`);
    if (a.status === 'retired') throw refused(DirectoryCallError, 'DIRECTORY.AGENCY_RETIRED', `${code} is retired`);
    a.status = 'retired';
    a.validTo = this.now();
    this.changed(code);
  }

  // The exchange ----------------------------------------------------------------------------

  async send(systemId: string, body: Buffer, opts: { senderCode: string; kind: 'edoc' | 'status'; clientRef: string; recipientCodes?: readonly string[] }): Promise<SendReceipt> {
    this.guard();
    this.sends.push({ systemId, ...opts, body });
    if (!this.mayActFor(systemId, opts.senderCode)) throw refused(ExchangeCallError, 'EXCHANGE.NOT_AUTHORISED', `system ${systemId} may not act for ${opts.senderCode}`);
    const key = `${opts.senderCode}|${opts.clientRef}`;
    const xml = body.toString('utf8');
    const empty = { bodySha256: '', bodySize: body.length, acceptedAt: '', recipientCodes: [], warnings: [], errorCode: '', reason: '', findings: [] };
    const known = this.receipts.get(key);
    if (known) return { ...empty, packageId: known, outcome: 'accepted', duplicate: true };
    const packageId = `pkg-${++this.seq}`;
    const from = organIds(xml, 'From')[0];
    const isStatus = /<(?:\w+:)?StatusCode>/.test(xml);
    const reject = (errorCode: string, reason: string): SendReceipt => ({ ...empty, packageId, outcome: 'rejected', duplicate: false, errorCode, reason, findings: [{ code: errorCode, path: '', severity: 'error', message: reason }] });
    if (!from) return reject('EDXML.MISSING_FIELD', 'the package has no From/OrganId');
    if ((opts.kind === 'status') !== isStatus) return reject('EXCHANGE.KIND_MISMATCH', `the header says ${opts.kind}`);
    if (from !== opts.senderCode) return reject('EXCHANGE.SENDER_MISMATCH', `From/OrganId ${from} is not the sending agency ${opts.senderCode}`);
    // Recipients named by the caller replace the package's own, as the gateway does.
    const recipients = opts.recipientCodes?.length ? [...new Set(opts.recipientCodes)] : isStatus ? organIds(xml, 'ResponseFor').slice(0, 1) : [...new Set(organIds(xml, 'To'))];
    if (recipients.length === 0) return reject('EXCHANGE.NO_RECIPIENTS', 'the document names no recipient');
    this.receipts.set(key, packageId);
    const documentId = textOf(xml, 'DocumentId');
    const statusCode = isStatus ? textOf(xml, 'StatusCode') : '';
    const pkg: FakePackage = { packageId, senderCode: from, systemId, recipientCodes: recipients, documentId, statusCode, kind: opts.kind, acceptedAt: this.now(), body, unroutable: [] };
    this.packages.set(packageId, pkg);
    if (isStatus) {
      for (const d of this.deliveries.values()) {
        if (d.kind === 'edoc' && d.documentId === documentId && d.recipientCode === from) d.statuses.push({ code: statusCode, at: this.now(), description: textOf(xml, 'Description') });
      }
    }
    for (const code of recipients) {
      const hub = this.agencies.get(code) ? this.nearestConnected(code) : undefined;
      if (!hub) {
        pkg.unroutable.push({ requestedCode: code, errorCode: this.agencies.has(code) ? 'ROUTING.NOT_CONNECTED' : 'ROUTING.UNKNOWN_RECIPIENT', reason: `no way to ${code}` });
        continue;
      }
      const deliveryId = `${packageId}/${code}`;
      this.deliveries.set(deliveryId, { deliveryId, packageId, kind: opts.kind, senderCode: from, recipientCode: code, systemId: hub.systems[0]!, documentId, statusCode, state: 'queued', ackResult: '', queuedAt: this.now(), statuses: [] });
    }
    return { ...empty, packageId, outcome: 'accepted', duplicate: false, acceptedAt: pkg.acceptedAt, recipientCodes: recipients };
  }

  async listInbox(systemId: string, req: { kind: 'edoc' | 'status' | '' }): Promise<InboxItem[]> {
    this.guard();
    return [...this.deliveries.values()]
      .filter((d) => d.systemId === systemId && (req.kind === '' || d.kind === req.kind) && (d.state === 'queued' || d.state === 'fetched'))
      .map((d) => inboxItemOf({ deliveryId: d.deliveryId, recipientCode: d.recipientCode, state: d.state, queuedAt: d.queuedAt, route: 'direct', via: [], package: packageRefOf(this.packages.get(d.packageId)!) }));
  }

  private own(systemId: string, deliveryId: string): FakeDelivery {
    this.guard();
    const d = this.deliveries.get(deliveryId);
    if (!d) throw refused(ExchangeCallError, 'DELIVERY.UNKNOWN_DELIVERY', `no delivery ${deliveryId}`);
    if (d.systemId !== systemId) throw refused(ExchangeCallError, 'EXCHANGE.NOT_AUTHORISED', `delivery ${deliveryId} is not for system ${systemId}`);
    return d;
  }

  async fetch(systemId: string, deliveryId: string): Promise<Buffer> {
    const d = this.own(systemId, deliveryId);
    if (d.state === 'queued') d.state = 'fetched';
    return this.packages.get(d.packageId)!.body;
  }

  async acknowledge(systemId: string, deliveryId: string, result: 'done' | 'fail', reason: string): Promise<{ deliveryId: string; state: string }> {
    const d = this.own(systemId, deliveryId);
    if (result === 'fail' && reason === '') throw refused(ExchangeCallError, 'DELIVERY.INVALID_FIELD', 'a fail needs a reason');
    if (d.state === 'queued') throw refused(ExchangeCallError, 'DELIVERY.NOT_FETCHED', `delivery ${deliveryId} has not been fetched yet`);
    if (d.state === 'acknowledged' || d.state === 'failed') {
      if (d.ackResult !== result) throw refused(ExchangeCallError, 'DELIVERY.ALREADY_ACKNOWLEDGED', `delivery ${deliveryId} was already acknowledged with result ${d.ackResult}`);
      return { deliveryId, state: d.state };
    }
    d.state = result === 'done' ? 'acknowledged' : 'failed';
    d.ackResult = result;
    return { deliveryId, state: d.state };
  }

  async trace(systemId: string, packageId: string): Promise<Trace> {
    this.guard();
    const p = this.packages.get(packageId);
    if (!p) throw refused(ExchangeCallError, 'EXCHANGE.NOT_FOUND', `no package ${packageId} (unknown, or not yet recorded)`);
    if (!this.mayActFor(systemId, p.senderCode)) throw refused(ExchangeCallError, 'EXCHANGE.NOT_AUTHORISED', `system ${systemId} may not trace packages of ${p.senderCode}`);
    const ds = [...this.deliveries.values()].filter((d) => d.packageId === packageId);
    return {
      packageId,
      senderCode: p.senderCode,
      documentId: p.documentId,
      stage: 'routed',
      events: [{ at: p.acceptedAt, type: 'accepted', detail: '' }],
      errorCode: '',
      reason: '',
      unroutable: p.unroutable,
      recipients: ds.map((d) => ({ recipientCode: d.recipientCode, deliveredTo: d.recipientCode, route: 'direct', routeVia: [], transportState: d.state, statuses: d.statuses })),
    };
  }
}
