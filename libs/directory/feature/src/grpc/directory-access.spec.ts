import { loadSync } from '@grpc/proto-loader';
import { DIRECTORY_PROTO } from '@vdx/contracts';
import { DIRECTORY_ACCESS, directoryAccess } from './directory-access';

const rpcs = () => Object.keys(loadSync(DIRECTORY_PROTO.file, { includeDirs: [DIRECTORY_PROTO.root] })['vdx.directory.v1.DirectoryService'] as object);

describe('DIRECTORY_ACCESS', () => {
  it('has a row for every RPC of directory.v1, and nothing else', () => {
    expect(Object.keys(DIRECTORY_ACCESS).sort()).toEqual(rpcs().sort());
  });

  it('lets operators (and so the import tool) write, the legacy edge register and retire units and read, and no other service anything', () => {
    const writes = ['RegisterAgency', 'UpdateAgency', 'ConnectSystem', 'SuspendAgency', 'ReinstateAgency', 'RetireAgency', 'ImportAgencies'] as const;
    for (const rpc of writes) {
      expect([rpc, directoryAccess.allows(rpc, { kind: 'operator', name: 'on-call' })]).toEqual([rpc, true]);
      expect([rpc, directoryAccess.allows(rpc, { kind: 'operator', name: 'directory-import' })]).toEqual([rpc, true]);
    }
    const edge = Object.keys(DIRECTORY_ACCESS).filter((rpc) => directoryAccess.allows(rpc as keyof typeof DIRECTORY_ACCESS, { kind: 'service', name: 'legacy-edge' }));
    expect(edge.sort()).toEqual(['GetAgency', 'ListChanges', 'RegisterAgency', 'RetireAgency']);
    for (const service of ['gateway', 'delivery', 'routing', 'signature', 'statistics', 'directory']) {
      expect([service, Object.keys(DIRECTORY_ACCESS).filter((rpc) => directoryAccess.allows(rpc as keyof typeof DIRECTORY_ACCESS, { kind: 'service', name: service }))]).toEqual([service, []]);
    }
    expect(directoryAccess.allows('ConnectSystem', { kind: 'system', name: 'qlvb-tayninh' })).toBe(false);
  });
});
