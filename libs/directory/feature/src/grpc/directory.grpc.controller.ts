import type { ServerUnaryCall } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Actor } from '@vdx/contracts';
import { newEventId } from '@vdx/contracts';
import type { DeepPartial, directoryV1, UnaryHandlers } from '@vdx/contracts/grpc';
import type { AgencyCommand } from '@vdx/directory-domain';
import type { AgencyView } from '../read-model/agency-view';
import { DirectoryQueries } from '../read-model/directory-queries';
import { AgencyWriter, type CommandOutcome } from '../write-side/agency-writer';
import { importRows } from '../write-side/import-rows';
import type { AxisIdentity } from '@vdx/pki';
import { directoryAccess, type DirectoryRpc } from './directory-access';
import { directoryErrors } from './grpc-errors';

const SERVICE = 'DirectoryService';
type Call = ServerUnaryCall<unknown, unknown>;

/** Who a command is recorded as: the operator (or tool) its certificate names, or the service (the legacy edge). */
const actorOf = (identity: AxisIdentity): Actor => ({ kind: identity.kind === 'operator' ? 'operator' : 'system', id: identity.name });

type Maybe<T> = T | undefined | null;
const text = (v: Maybe<string>): string => v ?? '';
const optional = (v: Maybe<string>): string | null => (v === undefined || v === null || v === '' ? null : v);

function toMessage(a: AgencyView): directoryV1.Agency {
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

function result(outcome: CommandOutcome): directoryV1.CommandResult {
  if (!outcome.ok) throw outcome.error; // answered by directoryErrors.call
  return { code: outcome.code, events: outcome.events.map((e) => e.type), version: outcome.version };
}

/**
 * gRPC `vdx.directory.v1.DirectoryService`: a thin adapter over the queries and the writer.
 * Every handler first checks its caller against `DIRECTORY_ACCESS` (mutual TLS, identities of
 * the axis CA); a refusal is `DIRECTORY.UNAUTHENTICATED` or `DIRECTORY.PERMISSION_DENIED`.
 */
@Controller()
export class DirectoryGrpcController implements UnaryHandlers<directoryV1.DirectoryService> {
  constructor(
    @Inject(DirectoryQueries) private readonly queries: DirectoryQueries,
    @Inject(AgencyWriter) private readonly writer: AgencyWriter,
  ) {}

  private command(call: Call, rpc: DirectoryRpc, command: () => AgencyCommand): Promise<directoryV1.CommandResult> {
    return directoryErrors.call(async () => {
      const actor = actorOf(directoryAccess.check(call, rpc));
      return result(await this.writer.execute(command(), { actor, correlationId: newEventId() }));
    });
  }

  private query<T>(call: Call, rpc: DirectoryRpc, fn: () => Promise<T>): Promise<T> {
    return directoryErrors.call(async () => {
      directoryAccess.check(call, rpc);
      return fn();
    });
  }

  @GrpcMethod(SERVICE, 'GetAgency')
  getAgency(req: DeepPartial<directoryV1.GetAgencyRequest>, _metadata: unknown, call: Call): Promise<directoryV1.Agency> {
    return this.query(call, 'GetAgency', async () => toMessage(await this.queries.get(text(req.code))));
  }

  @GrpcMethod(SERVICE, 'ListSubtree')
  listSubtree(req: DeepPartial<directoryV1.ListSubtreeRequest>, _metadata: unknown, call: Call): Promise<directoryV1.AgencyPage> {
    return this.query(call, 'ListSubtree', async () => {
      const page = await this.queries.subtree(text(req.code), { pageSize: req.pageSize ?? 0, afterCode: text(req.afterCode) });
      return { agencies: page.agencies.map(toMessage), nextAfterCode: page.nextAfterCode };
    });
  }

  @GrpcMethod(SERVICE, 'SearchAgencies')
  searchAgencies(req: DeepPartial<directoryV1.SearchAgenciesRequest>, _metadata: unknown, call: Call): Promise<directoryV1.AgencyPage> {
    return this.query(call, 'SearchAgencies', async () => {
      const agencies = await this.queries.search(text(req.query), { limit: req.limit ?? 0, includeRetired: req.includeRetired ?? false });
      return { agencies: agencies.map(toMessage), nextAfterCode: '' };
    });
  }

  @GrpcMethod(SERVICE, 'ListChanges')
  listChanges(req: DeepPartial<directoryV1.ListChangesRequest>, _metadata: unknown, call: Call): Promise<directoryV1.ChangesPage> {
    return this.query(call, 'ListChanges', async () => {
      const page = await this.queries.changes(text(req.cursor), { limit: req.limit ?? 0 });
      return { agencies: page.agencies.map(toMessage), cursor: page.cursor, more: page.more };
    });
  }

  @GrpcMethod(SERVICE, 'ResolveSuccessor')
  resolveSuccessor(req: DeepPartial<directoryV1.ResolveSuccessorRequest>, _metadata: unknown, call: Call): Promise<directoryV1.ResolveSuccessorResponse> {
    return this.query(call, 'ResolveSuccessor', () => this.queries.resolveSuccessor(text(req.code)));
  }

  @GrpcMethod(SERVICE, 'RegisterAgency')
  registerAgency(req: DeepPartial<directoryV1.RegisterAgencyRequest>, _metadata: unknown, call: Call): Promise<directoryV1.CommandResult> {
    return this.command(call, 'RegisterAgency', () => ({ kind: 'RegisterAgency', code: text(req.code), name: text(req.name), email: optional(req.email), inCharge: optional(req.inCharge) }));
  }

  @GrpcMethod(SERVICE, 'UpdateAgency')
  updateAgency(req: DeepPartial<directoryV1.UpdateAgencyRequest>, _metadata: unknown, call: Call): Promise<directoryV1.CommandResult> {
    return this.command(call, 'UpdateAgency', () => ({
      kind: 'UpdateAgency',
      code: text(req.code),
      ...(req.name !== undefined ? { name: req.name } : {}),
      ...(req.email !== undefined ? { email: optional(req.email) } : {}),
      ...(req.inCharge !== undefined ? { inCharge: optional(req.inCharge) } : {}),
    }));
  }

  @GrpcMethod(SERVICE, 'ConnectSystem')
  connectSystem(req: DeepPartial<directoryV1.ConnectSystemRequest>, _metadata: unknown, call: Call): Promise<directoryV1.CommandResult> {
    return this.command(call, 'ConnectSystem', () => ({
      kind: 'ConnectSystem',
      code: text(req.code),
      systemId: text(req.systemId),
      credentialFingerprint: text(req.credentialFingerprint),
      endpoint: optional(req.endpoint),
    }));
  }

  @GrpcMethod(SERVICE, 'SuspendAgency')
  suspendAgency(req: DeepPartial<directoryV1.SuspendAgencyRequest>, _metadata: unknown, call: Call): Promise<directoryV1.CommandResult> {
    return this.command(call, 'SuspendAgency', () => ({ kind: 'SuspendAgency', code: text(req.code), reason: text(req.reason) }));
  }

  @GrpcMethod(SERVICE, 'ReinstateAgency')
  reinstateAgency(req: DeepPartial<directoryV1.ReinstateAgencyRequest>, _metadata: unknown, call: Call): Promise<directoryV1.CommandResult> {
    return this.command(call, 'ReinstateAgency', () => ({ kind: 'ReinstateAgency', code: text(req.code) }));
  }

  @GrpcMethod(SERVICE, 'RetireAgency')
  retireAgency(req: DeepPartial<directoryV1.RetireAgencyRequest>, _metadata: unknown, call: Call): Promise<directoryV1.CommandResult> {
    return this.command(call, 'RetireAgency', () => ({ kind: 'RetireAgency', code: text(req.code), successorCode: optional(req.successorCode), reason: text(req.reason) }));
  }

  @GrpcMethod(SERVICE, 'ImportAgencies')
  importAgencies(req: DeepPartial<directoryV1.ImportAgenciesRequest>, _metadata: unknown, call: Call): Promise<directoryV1.ImportAgenciesResponse> {
    return directoryErrors.call(async () => {
      const actor = actorOf(directoryAccess.check(call, 'ImportAgencies'));
      return { outcomes: await importRows(this.writer, req.rows ?? [], { actor, correlationId: newEventId() }) };
    });
  }
}
