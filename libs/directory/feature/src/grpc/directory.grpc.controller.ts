import type { ServerUnaryCall } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Actor } from '@vdx/contracts';
import { newEventId } from '@vdx/contracts';
import type { AgencyCommand } from '@vdx/directory-domain';
import type { AgencyView } from '../read-model/agency-view';
import { DirectoryQueries } from '../read-model/directory-queries';
import { AgencyWriter, type CommandOutcome } from '../write-side/agency-writer';
import { importRows, type ImportRowInput } from '../write-side/import-rows';
import type { AxisIdentity } from '@vdx/pki';
import { directoryAccess, type DirectoryRpc } from './directory-access';
import { grpcCall } from './grpc-errors';

const SERVICE = 'DirectoryService';
type Call = ServerUnaryCall<unknown, unknown>;

/** Who a command is recorded as: the operator (or tool) its certificate names, or the service (the legacy edge). */
const actorOf = (identity: AxisIdentity): Actor => ({ kind: identity.kind === 'operator' ? 'operator' : 'system', id: identity.name });

type Maybe<T> = T | undefined | null;
const text = (v: Maybe<string>): string => v ?? '';
const optional = (v: Maybe<string>): string | null => (v === undefined || v === null || v === '' ? null : v);

function toMessage(a: AgencyView): Record<string, unknown> {
  return {
    code: a.code,
    name: a.name,
    parentCode: a.parentCode ?? '',
    email: a.email ?? '',
    inCharge: a.inCharge ?? '',
    status: a.status,
    validFrom: a.validFrom,
    validTo: a.validTo ?? '',
    successorCode: a.successorCode ?? '',
    systems: a.systems.map((s) => ({ systemId: s.systemId, credentialFingerprint: s.credentialFingerprint, endpoint: s.endpoint ?? '' })),
    level: a.level,
    version: a.version,
  };
}

function result(outcome: CommandOutcome): Record<string, unknown> {
  if (!outcome.ok) throw outcome.error; // answered by grpcCall
  return { code: outcome.code, events: outcome.events.map((e) => e.type), version: outcome.version };
}

/**
 * gRPC `vdx.directory.v1.DirectoryService`: a thin adapter over the queries and the writer.
 * Every handler first checks its caller against `DIRECTORY_ACCESS` (mutual TLS, identities of
 * the axis CA); a refusal is `DIRECTORY.UNAUTHENTICATED` or `DIRECTORY.PERMISSION_DENIED`.
 */
@Controller()
export class DirectoryGrpcController {
  constructor(
    @Inject(DirectoryQueries) private readonly queries: DirectoryQueries,
    @Inject(AgencyWriter) private readonly writer: AgencyWriter,
  ) {}

  private command(call: Call, rpc: DirectoryRpc, command: () => AgencyCommand): Promise<Record<string, unknown>> {
    return grpcCall(async () => {
      const actor = actorOf(directoryAccess.check(call, rpc));
      return result(await this.writer.execute(command(), { actor, correlationId: newEventId() }));
    });
  }

  private query<T>(call: Call, rpc: DirectoryRpc, fn: () => Promise<T>): Promise<T> {
    return grpcCall(async () => {
      directoryAccess.check(call, rpc);
      return fn();
    });
  }

  @GrpcMethod(SERVICE, 'GetAgency')
  getAgency(req: { code?: string }, _metadata: unknown, call: Call) {
    return this.query(call, 'GetAgency', async () => toMessage(await this.queries.get(text(req.code))));
  }

  @GrpcMethod(SERVICE, 'ListSubtree')
  listSubtree(req: { code?: string; pageSize?: number; afterCode?: string }, _metadata: unknown, call: Call) {
    return this.query(call, 'ListSubtree', async () => {
      const page = await this.queries.subtree(text(req.code), { pageSize: req.pageSize ?? 0, afterCode: text(req.afterCode) });
      return { agencies: page.agencies.map(toMessage), nextAfterCode: page.nextAfterCode };
    });
  }

  @GrpcMethod(SERVICE, 'SearchAgencies')
  searchAgencies(req: { query?: string; limit?: number; includeRetired?: boolean }, _metadata: unknown, call: Call) {
    return this.query(call, 'SearchAgencies', async () => {
      const agencies = await this.queries.search(text(req.query), { limit: req.limit ?? 0, includeRetired: req.includeRetired ?? false });
      return { agencies: agencies.map(toMessage), nextAfterCode: '' };
    });
  }

  @GrpcMethod(SERVICE, 'ListChanges')
  listChanges(req: { cursor?: string; limit?: number }, _metadata: unknown, call: Call) {
    return this.query(call, 'ListChanges', async () => {
      const page = await this.queries.changes(text(req.cursor), { limit: req.limit ?? 0 });
      return { agencies: page.agencies.map(toMessage), cursor: page.cursor, more: page.more };
    });
  }

  @GrpcMethod(SERVICE, 'ResolveSuccessor')
  resolveSuccessor(req: { code?: string }, _metadata: unknown, call: Call) {
    return this.query(call, 'ResolveSuccessor', () => this.queries.resolveSuccessor(text(req.code)));
  }

  @GrpcMethod(SERVICE, 'RegisterAgency')
  registerAgency(req: { code?: string; name?: string; email?: string; inCharge?: string }, _metadata: unknown, call: Call) {
    return this.command(call, 'RegisterAgency', () => ({ kind: 'RegisterAgency', code: text(req.code), name: text(req.name), email: optional(req.email), inCharge: optional(req.inCharge) }));
  }

  @GrpcMethod(SERVICE, 'UpdateAgency')
  updateAgency(req: { code?: string; name?: string; email?: string; inCharge?: string }, _metadata: unknown, call: Call) {
    return this.command(call, 'UpdateAgency', () => ({
      kind: 'UpdateAgency',
      code: text(req.code),
      ...(req.name !== undefined ? { name: req.name } : {}),
      ...(req.email !== undefined ? { email: optional(req.email) } : {}),
      ...(req.inCharge !== undefined ? { inCharge: optional(req.inCharge) } : {}),
    }));
  }

  @GrpcMethod(SERVICE, 'ConnectSystem')
  connectSystem(req: { code?: string; systemId?: string; credentialFingerprint?: string; endpoint?: string }, _metadata: unknown, call: Call) {
    return this.command(call, 'ConnectSystem', () => ({
      kind: 'ConnectSystem',
      code: text(req.code),
      systemId: text(req.systemId),
      credentialFingerprint: text(req.credentialFingerprint),
      endpoint: optional(req.endpoint),
    }));
  }

  @GrpcMethod(SERVICE, 'SuspendAgency')
  suspendAgency(req: { code?: string; reason?: string }, _metadata: unknown, call: Call) {
    return this.command(call, 'SuspendAgency', () => ({ kind: 'SuspendAgency', code: text(req.code), reason: text(req.reason) }));
  }

  @GrpcMethod(SERVICE, 'ReinstateAgency')
  reinstateAgency(req: { code?: string }, _metadata: unknown, call: Call) {
    return this.command(call, 'ReinstateAgency', () => ({ kind: 'ReinstateAgency', code: text(req.code) }));
  }

  @GrpcMethod(SERVICE, 'RetireAgency')
  retireAgency(req: { code?: string; successorCode?: string; reason?: string }, _metadata: unknown, call: Call) {
    return this.command(call, 'RetireAgency', () => ({ kind: 'RetireAgency', code: text(req.code), successorCode: optional(req.successorCode), reason: text(req.reason) }));
  }

  @GrpcMethod(SERVICE, 'ImportAgencies')
  importAgencies(req: { rows?: ImportRowInput[] }, _metadata: unknown, call: Call) {
    return grpcCall(async () => {
      const actor = actorOf(directoryAccess.check(call, 'ImportAgencies'));
      return { outcomes: await importRows(this.writer, req.rows ?? [], { actor, correlationId: newEventId() }) };
    });
  }
}
