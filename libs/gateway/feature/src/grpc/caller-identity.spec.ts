import { X509Certificate } from 'node:crypto';
import { certificateFingerprint, createCertificateAuthority, issueOperatorCertificate, issueServerCertificate, issueServiceCertificate, issueSystemCertificate, type IssuedCredential } from '@vdx/pki';
import { callerOf } from './caller-identity';

const NOW = new Date('2026-06-01T00:00:00Z');
const callWith = (cert: IssuedCredential | null) => ({
  getAuthContext: () => (cert ? { transportSecurityType: 'ssl', sslPeerCertificate: { raw: new X509Certificate(cert.certPem).raw } } : {}),
});

describe('callerOf', () => {
  let ca: IssuedCredential;
  beforeAll(async () => {
    ca = await createCertificateAuthority({ now: NOW });
  });

  it('names the system and fingerprint of the client certificate, the same on every call', async () => {
    const a = await issueSystemCertificate(ca, { systemId: 'qlvb-tay-ninh', now: NOW });
    const b = await issueSystemCertificate(ca, { systemId: 'qlvb-hcm', now: NOW });
    const first = callerOf(callWith(a) as never);
    expect(first).toEqual({ systemId: 'qlvb-tay-ninh', fingerprint: certificateFingerprint(a.certPem) });
    // Answered from what the first call parsed, and never mixed up with another certificate.
    expect(callerOf(callWith(a) as never)).toEqual(first);
    expect(callerOf(callWith(b) as never)).toEqual({ systemId: 'qlvb-hcm', fingerprint: certificateFingerprint(b.certPem) });
  });

  it('refuses a call without a client certificate', () => {
    expect(() => callerOf(callWith(null) as never)).toThrow(/EXCHANGE\.UNAUTHENTICATED|no client certificate/);
  });

  it('takes the subject CN when the certificate has no system URI', async () => {
    const server = await issueServerCertificate(ca, { now: NOW, commonName: 'legacy-system' });
    expect(callerOf(callWith(server) as never).systemId).toBe('legacy-system');
    expect(callerOf(callWith(server) as never).systemId).toBe('legacy-system');
  });

  it('refuses a service or operator identity: those are for the internal APIs, never a connected system', async () => {
    const service = await issueServiceCertificate(ca, { service: 'gateway', now: NOW });
    const operator = await issueOperatorCertificate(ca, { operator: 'on-call', now: NOW });
    expect(() => callerOf(callWith(service) as never)).toThrow(expect.objectContaining({ code: 'EXCHANGE.UNAUTHENTICATED' }));
    expect(() => callerOf(callWith(operator) as never)).toThrow(expect.objectContaining({ code: 'EXCHANGE.UNAUTHENTICATED' }));
  });
});
