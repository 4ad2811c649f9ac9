import { formatCompactAgencyCode, normaliseAgencyCode, parseAgencyCode } from '@vdx/agency-code';
import { fail, ok, type JsonValue, type LegacyEnvelope } from '../protocol/json-envelope';
import { fileOfSendBody, sha256 } from '../protocol/hash-file';
import { errorCodeOf, LegacyError } from '../protocol/legacy-error';
import { authenticate, type AuthenticatedRequest, type SignedParams } from '../protocol/signed-request';
import { legacyTime, parseLegacyDate } from '../protocol/timestamp';
import type { AxisPort, DirectoryAgency, DirectoryPort, InboxItem, SecretsPort, Trace } from '../ports';
import { parseLenientJson } from './lenient-json';

export interface LegacyApiPorts {
  readonly axis: AxisPort;
  readonly directory: DirectoryPort;
  readonly secrets: SecretsPort;
  readonly clock?: () => Date;
}

/** What an operation answers: a JSON envelope, or (downloadEdoc) the package's bytes. */
export type LegacyResult = { readonly kind: 'json'; readonly envelope: LegacyEnvelope } | { readonly kind: 'bytes'; readonly bytes: Buffer };

interface Operation {
  /** The operation's own fields with their empty values, present on a FAIL too. */
  readonly empty: Readonly<Record<string, JsonValue>>;
  /** Whether the request body is read (sendEdoc's file, registerAgency's JSON). */
  readonly readsBody: boolean;
  run(auth: AuthenticatedRequest, body: Buffer): Promise<LegacyResult>;
}

const json = (envelope: LegacyEnvelope): LegacyResult => ({ kind: 'json', envelope });

/** Delivery refusals that mean "this id is not a message addressed to the caller". */
const NOT_FOR_CALLER = new Set(['EXCHANGE.NOT_AUTHORISED', 'EXCHANGE.NOT_FOUND', 'DELIVERY.UNKNOWN_DELIVERY', 'DELIVERY.WRONG_SYSTEM']);

const STATE_DESC: Readonly<Record<string, string>> = {
  queued: 'waiting to be fetched',
  fetched: 'fetched, not yet confirmed',
  acknowledged: 'confirmed done by the recipient',
  failed: 'confirmed fail by the recipient',
  dead: 'push attempts exhausted; still fetchable',
  withdrawn: 'withdrawn by the sender: an agreed recall, a revoke, an update that removed the recipient, or a replacement',
};

const STAGE_DESC: Readonly<Record<string, string>> = {
  accepted: 'accepted by the axis',
  rejected: 'rejected at the edge',
  verified: 'integrity verified',
  signatureRejected: 'rejected by signature verification',
  routed: 'routed to its recipients',
  routingRejected: 'rejected by routing',
  rechecked: 'signatures re-validated',
};

function required(params: SignedParams, name: string): string {
  const v = params.get(name);
  if (v === undefined) throw new LegacyError('LEGACY.MISSING_PARAMETER', `parameter ${name} (header XroadVnpt-${name}, signed) is required`);
  return v;
}

function messageType(value: string | undefined, required: boolean): 'edoc' | 'status' | '' {
  if (value === undefined) {
    if (required) throw new LegacyError('LEGACY.MISSING_PARAMETER', 'parameter messagetype (edoc or status) is required');
    return '';
  }
  const v = value.toLowerCase();
  if (v !== 'edoc' && v !== 'status') throw new LegacyError('LEGACY.INVALID_PARAMETER', `messagetype must be edoc or status, not ${JSON.stringify(value)}`);
  return v;
}

function serviceType(value: string | undefined): void {
  if (value !== undefined && value.toLowerCase() !== 'edoc') throw new LegacyError('LEGACY.INVALID_PARAMETER', `servicetype must be eDoc, not ${JSON.stringify(value)}`);
}

function positiveInt(params: SignedParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new LegacyError('LEGACY.INVALID_PARAMETER', `${name} must be a whole number, not ${JSON.stringify(v)}`);
  return Number(v);
}

function dateParam(params: SignedParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  const t = parseLegacyDate(v);
  if (t === undefined) throw new LegacyError('LEGACY.INVALID_PARAMETER', `${name} must be dd/MM/yyyy or yyyy-MM-dd (optionally with HH:mm:ss), not ${JSON.stringify(v)}`);
  return t;
}

/**
 * sendEdoc's `to`: JSON text, an array of codes (`["000.00.01.A53"]`) or one quoted code, or a
 * bare code list (`,` or `;` between codes); compact and undotted codes are read as canonical.
 * Absent, empty or `[]`: none, and the package decides its recipients.
 */
export function recipientsOfTo(value: string | undefined): string[] {
  const text = value?.trim() ?? '';
  if (text === '') return [];
  let items: unknown[];
  if (text.startsWith('[') || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new LegacyError('LEGACY.INVALID_PARAMETER', `to must be JSON text (["000.00.01.A53"] or "000.00.01.A53"), not ${JSON.stringify(value)}`);
    }
    items = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    items = [text];
  }
  const codes: string[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'string') throw new LegacyError('LEGACY.INVALID_PARAMETER', `to[${i}] must be an agency code as a string, not ${JSON.stringify(item)}`);
    for (const part of item.split(/[,;]/).map((p) => p.trim()).filter((p) => p !== '')) {
      const code = normaliseAgencyCode(part);
      if (!code.ok) throw new LegacyError('LEGACY.INVALID_PARAMETER', `to[${i}]: ${JSON.stringify(part)} is not an agency code (${code.error.code}: ${code.error.message})`);
      codes.push(code.code.toString());
    }
  }
  return [...new Set(codes)];
}

/** A received message as a row of getReceivedEdocList. */
function receivedRow(item: InboxItem): Record<string, JsonValue> {
  return {
    docId: item.deliveryId,
    serviceType: 'eDoc',
    messageType: item.kind,
    from: item.senderCode,
    to: item.recipientCode,
    status: item.state,
    status_desc: STATE_DESC[item.state] ?? item.state,
    created_time: legacyTime(item.queuedAt),
    updated_time: legacyTime(item.queuedAt),
  };
}

/** One row per recipient of a sent package (and one per recipient routing could not reach). */
function sentRows(trace: Trace): Record<string, JsonValue>[] {
  const sentAt = legacyTime(trace.events[0]?.at);
  const common = {
    senderDocId: trace.packageId,
    fromCode: trace.senderCode,
    sentTime: sentAt,
    sendStatus: trace.stage,
    sendStatusDesc: trace.reason ? `${trace.errorCode}: ${trace.reason}` : (STAGE_DESC[trace.stage] ?? trace.stage),
    documentId: trace.documentId,
  };
  const rows: Record<string, JsonValue>[] = trace.recipients.map((r) => {
    const last = r.statuses[r.statuses.length - 1];
    return {
      ...common,
      receiverDocId: `${trace.packageId}/${r.recipientCode}`,
      toCode: r.recipientCode,
      deliveredTo: r.deliveredTo,
      receivedTime: '',
      receiveStatus: r.transportState,
      receiveStatusDesc: STATE_DESC[r.transportState] ?? r.transportState,
      statusCode: last?.code ?? '',
      statusDesc: last?.description ?? '',
      statusTime: legacyTime(last?.at),
    };
  });
  for (const u of trace.unroutable) {
    rows.push({
      ...common,
      receiverDocId: '',
      toCode: u.requestedCode,
      deliveredTo: '',
      receivedTime: '',
      receiveStatus: 'unroutable',
      receiveStatusDesc: `${u.errorCode}: ${u.reason}`,
      statusCode: '',
      statusDesc: '',
      statusTime: '',
    });
  }
  return rows;
}

function levelOf(code: string): number {
  const parsed = parseAgencyCode(code);
  return parsed.ok ? parsed.code.level : 0;
}

function compactOf(code: string): string {
  const parsed = parseAgencyCode(code);
  if (!parsed.ok) return code;
  try {
    return formatCompactAgencyCode(parsed.code);
  } catch {
    return code;
  }
}

/** The level-1 agency a code belongs to (`000.20.32.H53` → `000.00.00.H53`). */
function centreOf(code: string): string {
  const parsed = parseAgencyCode(code);
  return parsed.ok ? `000.00.00.${parsed.code.level1}` : '';
}

/**
 * The legacy VXP HTTP API (docs/adr/0011-legacy-vxp-edge.md): every operation the reference
 * Java client calls, over the axis's own intake, inbox, fetch, acknowledge, trace and
 * directory. Each operation reads only its own parameters from the signed set; the leftovers
 * the client accumulates are noise. Every answer is an envelope with all the fields the
 * client reads, on failure too.
 */
export class LegacyApi {
  private readonly ops: ReadonlyMap<string, Operation & { readonly name: string }>;
  private readonly clock: () => Date;

  constructor(private readonly ports: LegacyApiPorts) {
    this.clock = ports.clock ?? (() => new Date());
    const entries: [string, Operation][] = [
      ['sendEdoc', { empty: { DocId: '' }, readsBody: true, run: (a, b) => this.sendEdoc(a, b) }],
      ['getReceivedEdocList', { empty: { data: [] }, readsBody: false, run: (a) => this.getReceivedEdocList(a) }],
      ['getEdoc', { empty: { data: '' }, readsBody: false, run: (a) => this.getEdoc(a) }],
      ['downloadEdoc', { empty: {}, readsBody: false, run: (a) => this.downloadEdoc(a) }],
      ['updateStatus', { empty: {}, readsBody: false, run: (a) => this.updateStatus(a) }],
      ['getSentEdocList', { empty: { data: [] }, readsBody: false, run: (a) => this.getSentEdocList(a) }],
      ['countReceiveEdoc', { empty: { count: 0 }, readsBody: false, run: (a) => this.count(a, 'edoc') }],
      ['countReceiveStatus', { empty: { count: 0 }, readsBody: false, run: (a) => this.count(a, 'status') }],
      ['getAgenciesList', { empty: { data: [] }, readsBody: false, run: () => this.getAgenciesList() }],
      ['getAgenciesListQD20', { empty: { data: [] }, readsBody: false, run: (a) => this.getAgenciesListQD20(a) }],
      ['getSynchronizeUnit', { empty: { data: [], syncToken: '' }, readsBody: false, run: (a) => this.getSynchronizeUnit(a) }],
      ['registerAgency', { empty: {}, readsBody: true, run: (a, b) => this.registerAgency(a, b) }],
      ['deleteAgency', { empty: {}, readsBody: false, run: (a) => this.deleteAgency(a) }],
    ];
    this.ops = new Map(entries.map(([name, op]) => [name.toLowerCase(), { ...op, name }]));
  }

  /** The operation names, as the client spells them. */
  static readonly OPERATIONS = [
    'sendEdoc',
    'getReceivedEdocList',
    'getEdoc',
    'downloadEdoc',
    'updateStatus',
    'getSentEdocList',
    'countReceiveEdoc',
    'countReceiveStatus',
    'getAgenciesList',
    'getAgenciesListQD20',
    'getSynchronizeUnit',
    'registerAgency',
    'deleteAgency',
  ] as const;

  /** Whether the operation exists (its name as the client spells it) and reads its request body. */
  describe(operation: string): { name: string; readsBody: boolean } | undefined {
    const op = this.ops.get(operation.toLowerCase());
    return op ? { name: op.name, readsBody: op.readsBody } : undefined;
  }

  /** The FAIL answer of an operation (with its empty fields) for a refusal. */
  failure(operation: string, err: unknown): LegacyEnvelope {
    const { code, message } = errorCodeOf(err);
    return fail(code, message, this.ops.get(operation.toLowerCase())?.empty ?? {});
  }

  /** Authenticates from the received signed-header bytes and the hash header; throws a LegacyError. */
  authenticate(signHeaderBytes: Buffer | undefined, hashHeader: string | undefined): AuthenticatedRequest {
    return authenticate(signHeaderBytes, hashHeader, (systemId) => this.ports.secrets.secretsOf(systemId, this.clock()));
  }

  /** Runs an authenticated operation; a refusal is answered as its FAIL envelope, never thrown. */
  async run(operation: string, auth: AuthenticatedRequest, body: Buffer): Promise<LegacyResult> {
    const op = this.ops.get(operation.toLowerCase());
    if (!op) return json(fail('LEGACY.UNKNOWN_OPERATION', `no operation ${JSON.stringify(operation)}; the operations are ${LegacyApi.OPERATIONS.join(', ')}`));
    try {
      return await op.run(auth, body);
    } catch (err) {
      return json(this.failure(operation, err));
    }
  }

  private notServed(systemId: string, code: string, what: string): LegacyError {
    const served = this.ports.directory.agenciesOf(systemId);
    const serves = served.length > 0 ? `serves ${served.join(', ')}` : 'is connected to no agency';
    return new LegacyError('LEGACY.NOT_AUTHORISED', `system ${systemId} ${serves}; it may not ${what} ${code}`);
  }

  private async sendEdoc({ systemId, params }: AuthenticatedRequest, body: Buffer): Promise<LegacyResult> {
    const from = required(params, 'from');
    const kind = messageType(params.get('messagetype'), true) as 'edoc' | 'status';
    serviceType(params.get('servicetype'));
    if (body.length === 0) throw new LegacyError('LEGACY.EMPTY_BODY', 'sendEdoc carries no file');
    const to = recipientsOfTo(params.get('to'));
    const file = fileOfSendBody(body, params.get('hash-file'));
    if (!file) throw new LegacyError('LEGACY.HASH_FILE_MISMATCH', 'hash-file is not the SHA-256 of the file sent (with or without its trailing CRLF)');
    if (!this.ports.directory.mayActFor(systemId, from)) throw this.notServed(systemId, from, 'send as');
    // The same file from the same sender to the same recipients is the same send, whatever the
    // retries: the axis answers a resend with the first receipt. A `to` names the recipients
    // instead of the package (To, or ResponseFor for a status).
    const addressed = to.length > 0 ? `:${sha256(Buffer.from([...to].sort().join(','))).toString('hex').slice(0, 16)}` : '';
    const clientRef = `vxp:${kind}:${sha256(file).toString('hex')}${addressed}`;
    const receipt = await this.ports.axis.send(systemId, file, { senderCode: from, kind, clientRef, ...(to.length > 0 ? { recipientCodes: to } : {}) });
    if (receipt.outcome === 'accepted') return json(ok({ DocId: receipt.packageId }));
    const findings = receipt.findings.filter((f) => f.severity === 'error').map((f) => `${f.code} at ${f.path}: ${f.message}`);
    return json(fail(receipt.errorCode, [receipt.reason, ...findings].filter((s) => s !== '').join('; '), { DocId: '' }));
  }

  private async inbox(systemId: string, kind: 'edoc' | 'status' | ''): Promise<InboxItem[]> {
    if (this.ports.directory.agenciesOf(systemId).length === 0) throw this.notServed(systemId, 'any inbox', 'read');
    return this.ports.axis.listInbox(systemId, { kind });
  }

  private async getReceivedEdocList({ systemId, params }: AuthenticatedRequest): Promise<LegacyResult> {
    // `status` is not a filter here: it is normally the leftover of the last updateStatus.
    serviceType(params.get('servicetype'));
    const kind = messageType(params.get('messagetype'), false);
    const from = dateParam(params, 'fromDate');
    const to = dateParam(params, 'toDate');
    const pageSize = positiveInt(params, 'pageSize');
    const pageIndex = positiveInt(params, 'pageIndex');
    let items = await this.inbox(systemId, kind);
    if (from !== undefined || to !== undefined) {
      items = items.filter((i) => {
        const t = Date.parse(i.queuedAt);
        return (from === undefined || t >= from) && (to === undefined || t <= to);
      });
    }
    if (pageSize !== undefined && pageSize > 0) {
      const page = Math.max(pageIndex ?? 1, 1);
      items = items.slice((page - 1) * pageSize, page * pageSize);
    }
    return json(ok({ data: items.map(receivedRow) }));
  }

  /** The receiver-side id: `docId`, or `docid` from clients that spell it so. */
  private receivedId(params: SignedParams): string {
    const id = params.get('docId') ?? params.get('docid');
    if (id === undefined) throw new LegacyError('LEGACY.MISSING_PARAMETER', 'parameter docId (the id from getReceivedEdocList) is required');
    return id;
  }

  private async getEdoc({ systemId, params }: AuthenticatedRequest): Promise<LegacyResult> {
    const bytes = await this.ports.axis.fetch(systemId, this.receivedId(params));
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new LegacyError('LEGACY.NOT_UTF8', 'the package is not valid UTF-8; fetch it with downloadEdoc');
    }
    return json(ok({ data: bytes.toString('base64') }));
  }

  private async downloadEdoc({ systemId, params }: AuthenticatedRequest): Promise<LegacyResult> {
    return { kind: 'bytes', bytes: await this.ports.axis.fetch(systemId, this.receivedId(params)) };
  }

  private async updateStatus({ systemId, params }: AuthenticatedRequest): Promise<LegacyResult> {
    const raw = required(params, 'status');
    const result = raw.toLowerCase();
    if (result !== 'done' && result !== 'fail') throw new LegacyError('LEGACY.INVALID_PARAMETER', `status must be done or fail, not ${JSON.stringify(raw)}`);
    // updateStatus's own spelling first; the other one may be a leftover of getEdoc. When they
    // differ, the one naming a message addressed to the caller is meant.
    const ids = [...new Set([params.get('docid'), params.get('docId')].filter((v): v is string => v !== undefined))];
    if (ids.length === 0) throw new LegacyError('LEGACY.MISSING_PARAMETER', 'parameter docid (or docId), the id from getReceivedEdocList, is required');
    const reason = result === 'fail' ? (params.get('reason') ?? params.get('description') ?? 'reported fail through the legacy API') : '';
    for (let i = 0; ; i++) {
      try {
        await this.ports.axis.acknowledge(systemId, ids[i]!, result, reason);
        return json(ok());
      } catch (err) {
        if (i + 1 < ids.length && NOT_FOR_CALLER.has(errorCodeOf(err).code)) continue;
        throw err;
      }
    }
  }

  private async getSentEdocList({ systemId, params }: AuthenticatedRequest): Promise<LegacyResult> {
    const id = params.get('docId') ?? params.get('docid');
    if (id === undefined) throw new LegacyError('LEGACY.MISSING_PARAMETER', 'parameter docId (the DocId sendEdoc answered) is required');
    return json(ok({ data: sentRows(await this.ports.axis.trace(systemId, id)) }));
  }

  private async count({ systemId }: AuthenticatedRequest, kind: 'edoc' | 'status'): Promise<LegacyResult> {
    return json(ok({ count: (await this.inbox(systemId, kind)).length }));
  }

  /** The directory's whole change feed from `cursor`, each agency once in its latest state. */
  private async feed(cursor: string): Promise<{ agencies: DirectoryAgency[]; cursor: string }> {
    const byCode = new Map<string, DirectoryAgency>();
    let next = cursor;
    for (;;) {
      const page = await this.ports.directory.changes(next);
      for (const a of page.agencies) byCode.set(a.code, a);
      next = page.cursor;
      if (!page.more) break;
    }
    return { agencies: [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code)), cursor: next };
  }

  private async current(): Promise<DirectoryAgency[]> {
    // Clients skip rows without code or name; retired codes receive nothing.
    return (await this.feed('')).agencies.filter((a) => a.status !== 'retired' && a.code !== '' && a.name !== '');
  }

  private async getAgenciesList(): Promise<LegacyResult> {
    const all = (await this.feed('')).agencies;
    const oldCodes = new Map<string, string[]>();
    for (const a of all) if (a.status === 'retired' && a.successorCode) oldCodes.set(a.successorCode, [...(oldCodes.get(a.successorCode) ?? []), a.code]);
    const rows = all
      .filter((a) => a.status !== 'retired' && a.code !== '' && a.name !== '')
      .map((a) => ({ id: a.code, code: a.code, name: a.name, mail: a.email, pid: a.parentCode, oldCode: (oldCodes.get(a.code) ?? []).join(',') }));
    return json(ok({ data: rows }));
  }

  private async getAgenciesListQD20({ params }: AuthenticatedRequest): Promise<LegacyResult> {
    const level = params.get('level');
    if (level !== undefined && !/^[1-4]$/.test(level)) throw new LegacyError('LEGACY.INVALID_PARAMETER', `level must be 1, 2, 3 or 4, not ${JSON.stringify(level)}`);
    const rows = (await this.current())
      .filter((a) => level === undefined || levelOf(a.code) === Number(level))
      .map((a) => ({ id: a.code, code: compactOf(a.code), name: a.name, mail: a.email, code102: a.code }));
    return json(ok({ data: rows }));
  }

  private async getSynchronizeUnit({ params }: AuthenticatedRequest): Promise<LegacyResult> {
    const { agencies, cursor } = await this.feed(params.get('syncToken') ?? '');
    const rows = agencies.map((a) => ({
      id: a.code,
      code: a.code,
      name: a.name,
      mail: a.email,
      pid: a.parentCode,
      centerCode: centreOf(a.code),
      modifyDate: legacyTime(a.validTo || a.validFrom),
      version: a.version,
      deleted: a.status === 'retired',
      isAgency: a.systems.length > 0,
    }));
    return json(ok({ data: rows, syncToken: cursor }));
  }

  private async registerAgency({ systemId }: AuthenticatedRequest, body: Buffer): Promise<LegacyResult> {
    const fields = parseLenientJson(body);
    const text = (name: string): string => {
      const v = fields[name];
      return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
    };
    const code = text('code');
    const name = text('name');
    if (code === '') throw new LegacyError('LEGACY.MISSING_PARAMETER', 'registerAgency: the JSON body has no code');
    if (name === '') throw new LegacyError('LEGACY.MISSING_PARAMETER', 'registerAgency: the JSON body has no name');
    const parsed = parseAgencyCode(code);
    if (!parsed.ok) throw new LegacyError('LEGACY.INVALID_PARAMETER', `registerAgency: ${code} is not an agency code (${parsed.error.code}: ${parsed.error.message})`);
    const parent = parsed.code.parent?.toString();
    if (!parent) throw new LegacyError('LEGACY.NOT_AUTHORISED', `system ${systemId} may register units only under the agencies it serves; ${code} is a level-1 agency`);
    const pcode = text('pcode');
    if (pcode !== '' && pcode !== parent) throw new LegacyError('LEGACY.INVALID_PARAMETER', `registerAgency: pcode ${pcode} is not the parent of ${code} (${parent})`);
    if (!this.ports.directory.mayActFor(systemId, parent)) throw this.notServed(systemId, parent, 'register units under');
    const email = text('mail');
    try {
      await this.ports.directory.register({ code, name, email, inCharge: '' });
    } catch (err) {
      // A retried registerAgency whose first try went through is the same registration.
      const existing = errorCodeOf(err).code === 'DIRECTORY.DUPLICATE_CODE' ? await this.ports.directory.get(code) : undefined;
      if (!existing || existing.status === 'retired' || existing.name !== name) throw err;
    }
    return json(ok());
  }

  private async deleteAgency({ systemId, params }: AuthenticatedRequest): Promise<LegacyResult> {
    const code = required(params, 'AgencyCode');
    const agency = await this.ports.directory.get(code);
    if (!agency) throw new LegacyError('LEGACY.NOT_FOUND', `no agency ${code} in the directory`);
    if (!agency.parentCode || !this.ports.directory.mayActFor(systemId, agency.parentCode)) throw this.notServed(systemId, code, 'delete');
    // The directory never forgets a code: deleting retires it (a code is never reused).
    if (agency.status !== 'retired') await this.ports.directory.retire(code, `deleted through the legacy API by system ${systemId}`);
    return json(ok());
  }
}
