import { CallerAccess, type AccessTable } from '@vdx/service-kit';

/** The RPCs of `vdx.directory.v1.DirectoryService`. */
export type DirectoryRpc =
  | 'GetAgency'
  | 'ListSubtree'
  | 'SearchAgencies'
  | 'ListChanges'
  | 'ResolveSuccessor'
  | 'RegisterAgency'
  | 'UpdateAgency'
  | 'ConnectSystem'
  | 'SuspendAgency'
  | 'ReinstateAgency'
  | 'RetireAgency'
  | 'ImportAgencies';

/**
 * Who may call what on `directory.v1` (docs/adr/0024-internal-mtls.md). Writes come from
 * operators (`operator:*`, which includes the import tool's `operator:directory-import`). The
 * one service that reads and writes is the legacy edge: it follows the change feed and looks
 * agencies up, and registers and retires units for the legacy systems it has already authorised
 * (the VXP `registerAgency`/`deleteAgency` of ADR 0011); never ConnectSystem, suspensions or
 * imports. The gateway and routing read the directory from its snapshot topic, not here.
 */
export const DIRECTORY_ACCESS: AccessTable<DirectoryRpc> = {
  GetAgency: ['operator:*', 'service:legacy-edge'],
  ListSubtree: ['operator:*'],
  SearchAgencies: ['operator:*'],
  ListChanges: ['operator:*', 'service:legacy-edge'],
  ResolveSuccessor: ['operator:*'],
  RegisterAgency: ['operator:*', 'service:legacy-edge'],
  UpdateAgency: ['operator:*'],
  ConnectSystem: ['operator:*'],
  SuspendAgency: ['operator:*'],
  ReinstateAgency: ['operator:*'],
  RetireAgency: ['operator:*', 'service:legacy-edge'],
  ImportAgencies: ['operator:*'],
};

/** The check every `DirectoryService` handler makes first. */
export const directoryAccess = new CallerAccess<DirectoryRpc>('DIRECTORY', 'directory', DIRECTORY_ACCESS);
