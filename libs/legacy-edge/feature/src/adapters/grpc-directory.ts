import type { DeepPartial, directoryV1 } from '@vdx/contracts/grpc';
import { DirectoryCallError, type DirectoryCache, type DirectoryClient } from '@vdx/directory-client';
import type { DirectoryAgency, DirectoryPort } from '../ports';
import type { SystemCredentials } from './system-credentials';

const FEED_PAGE = 1000;

/** An agency as the directory sends it; read defensively, whatever a peer leaves out. */
type AgencyMessage = DeepPartial<directoryV1.Agency>;

function toAgency(a: AgencyMessage): DirectoryAgency {
  return {
    code: a.code ?? '',
    name: a.name ?? '',
    parentCode: a.parentCode ?? '',
    email: a.email ?? '',
    inCharge: a.inCharge ?? '',
    status: a.status ?? '',
    validFrom: a.validFrom ?? '',
    validTo: a.validTo ?? '',
    successorCode: a.successorCode ?? '',
    systems: (a.systems ?? []).map((s) => ({ systemId: s.systemId ?? '' })),
    level: Number(a.level ?? 0),
    version: Number(a.version ?? 0),
  };
}

/**
 * The directory for the legacy edge: authorisation from the local `DirectoryCache` (the
 * gateway's own `mayActFor`, with the certificate the edge acts with for the system), the
 * change feed and the commands through the directory's `vdx.directory.v1`.
 */
export class GrpcDirectory implements DirectoryPort {
  constructor(
    private readonly cache: DirectoryCache,
    private readonly client: DirectoryClient,
    private readonly credentials: SystemCredentials,
  ) {}

  mayActFor(systemId: string, code: string): boolean {
    const fingerprint = this.credentials.fingerprintOf(systemId);
    return fingerprint !== undefined && this.cache.mayActFor(fingerprint, code);
  }

  agenciesOf(systemId: string): string[] {
    const fingerprint = this.credentials.fingerprintOf(systemId);
    return fingerprint === undefined ? [] : this.cache.agenciesOfCredential(fingerprint).map((a) => a.code);
  }

  async changes(cursor: string): Promise<{ agencies: DirectoryAgency[]; cursor: string; more: boolean }> {
    const page: DeepPartial<directoryV1.ChangesPage> = await this.client.rpc('ListChanges', { cursor, limit: FEED_PAGE });
    return { agencies: (page.agencies ?? []).map(toAgency), cursor: page.cursor ?? cursor, more: page.more === true };
  }

  async get(code: string): Promise<DirectoryAgency | undefined> {
    try {
      return toAgency(await this.client.rpc('GetAgency', { code }));
    } catch (err) {
      if (err instanceof DirectoryCallError && err.code === 'DIRECTORY.UNKNOWN_AGENCY') return undefined;
      throw err;
    }
  }

  async register(agency: { code: string; name: string; email: string; inCharge: string }): Promise<void> {
    await this.client.rpc('RegisterAgency', agency);
  }

  async retire(code: string, reason: string): Promise<void> {
    await this.client.rpc('RetireAgency', { code, successorCode: '', reason });
  }
}
