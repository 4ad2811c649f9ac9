import { status } from '@grpc/grpc-js';
import { createCertificateAuthority, issueOperatorCertificate, issueServerCertificate, issueServiceCertificate, issueSystemCertificate, type IssuedCredential } from '@vdx/pki';
import { X509Certificate } from 'node:crypto';
import { CallerAccess } from './caller-access';
import { ERROR_CODE_KEY } from './coded-grpc-error';
import { GrpcErrors } from './grpc-errors';

const NOW = new Date('2026-06-01T00:00:00Z');
const callWith = (cert: IssuedCredential | null) => ({
  getAuthContext: () => (cert ? { transportSecurityType: 'ssl', sslPeerCertificate: { raw: new X509Certificate(cert.certPem).raw } } : {}),
});

type Rpc = 'Read' | 'Write' | 'Push';
const access = new CallerAccess<Rpc>('DIRECTORY', 'directory', { Read: ['operator:*', 'service:legacy-edge'], Write: ['operator:directory-import'], Push: [] });

describe('CallerAccess', () => {
  let ca: IssuedCredential;
  beforeAll(async () => {
    ca = await createCertificateAuthority({ now: NOW });
  });

  const refusal = (fn: () => unknown): { code: string; message: string } => {
    try {
      fn();
    } catch (err) {
      return err as { code: string; message: string };
    }
    throw new Error('expected a refusal');
  };

  it('lets the table’s callers through and names them', async () => {
    const edge = await issueServiceCertificate(ca, { service: 'legacy-edge', now: NOW });
    const anyOperator = await issueOperatorCertificate(ca, { operator: 'on-call', now: NOW });
    const importTool = await issueOperatorCertificate(ca, { operator: 'directory-import', now: NOW });
    expect(access.check(callWith(edge) as never, 'Read')).toEqual({ kind: 'service', name: 'legacy-edge' });
    expect(access.check(callWith(anyOperator) as never, 'Read')).toEqual({ kind: 'operator', name: 'on-call' });
    expect(access.check(callWith(importTool) as never, 'Write')).toEqual({ kind: 'operator', name: 'directory-import' });
  });

  it('refuses a call without a client certificate: DIRECTORY.UNAUTHENTICATED', () => {
    expect(refusal(() => access.check(callWith(null) as never, 'Read'))).toMatchObject({ code: 'DIRECTORY.UNAUTHENTICATED' });
  });

  it('refuses a connected system’s certificate, and one that names no identity: DIRECTORY.UNAUTHENTICATED', async () => {
    const system = await issueSystemCertificate(ca, { systemId: 'legacy-edge', now: NOW });
    expect(refusal(() => access.check(callWith(system) as never, 'Read'))).toMatchObject({ code: 'DIRECTORY.UNAUTHENTICATED', message: expect.stringContaining("a connected system's certificate (system:legacy-edge)") });
    const server = await issueServerCertificate(ca, { now: NOW, commonName: 'operator' });
    expect(refusal(() => access.check(callWith(server) as never, 'Read'))).toMatchObject({ code: 'DIRECTORY.UNAUTHENTICATED', message: expect.stringContaining('names no identity of the axis') });
  });

  it('refuses a valid identity the table does not name for the call: DIRECTORY.PERMISSION_DENIED', async () => {
    const gateway = await issueServiceCertificate(ca, { service: 'gateway', now: NOW });
    const onCall = await issueOperatorCertificate(ca, { operator: 'on-call', now: NOW });
    expect(refusal(() => access.check(callWith(gateway) as never, 'Read'))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED', message: "service:gateway may not call directory's Read" });
    expect(refusal(() => access.check(callWith(onCall) as never, 'Write'))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED' });
    expect(refusal(() => access.check(callWith(onCall) as never, 'Push'))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED' });
  });

  it('is answered through the one error model: gRPC UNAUTHENTICATED and PERMISSION_DENIED with the code in the trailers', async () => {
    const errors = new GrpcErrors({ area: 'DIRECTORY', name: 'directory', unavailable: 'u', internal: 'i' });
    const system = await issueSystemCertificate(ca, { systemId: 'qlvb-tayninh', now: NOW });
    const gateway = await issueServiceCertificate(ca, { service: 'gateway', now: NOW });
    const unauthenticated = errors.toServiceError(refusal(() => access.check(callWith(system) as never, 'Read')));
    expect([unauthenticated.code, unauthenticated.metadata.get(ERROR_CODE_KEY)[0]]).toEqual([status.UNAUTHENTICATED, 'DIRECTORY.UNAUTHENTICATED']);
    const denied = errors.toServiceError(refusal(() => access.check(callWith(gateway) as never, 'Write')));
    expect([denied.code, denied.metadata.get(ERROR_CODE_KEY)[0], denied.details]).toEqual([status.PERMISSION_DENIED, 'DIRECTORY.PERMISSION_DENIED', "DIRECTORY.PERMISSION_DENIED: service:gateway may not call directory's Write"]);
  });
});
