import { certificateFingerprint, createCertificateAuthority, issueServerCertificate, issueSystemCertificate, systemIdOf, type IssuedCredential } from '@vdx/pki';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';

// A real mutual-TLS handshake over 127.0.0.1 with the issued credentials: the server trusts
// only the axis CA and requires a client certificate; the client trusts only the axis CA.

interface Seen {
  fingerprint: string;
  systemId: string | null;
  authorized: boolean;
}

/** Connects with a client credential; resolves with the server's 'secureConnect' or the client's error. */
function connect(port: number, caPem: string, client: IssuedCredential): Promise<{ ok: true } | { ok: false; error: Error }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: [caPem], cert: client.certPem, key: client.keyPem });
    let settled = false;
    const settle = (r: { ok: true } | { ok: false; error: Error }): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(r);
    };
    // The server writes one line once it has accepted the client: with TLS 1.3 the client's
    // handshake completes before the server has checked the client certificate.
    socket.once('data', () => settle({ ok: true }));
    socket.once('error', (error) => settle({ ok: false, error }));
    socket.once('close', () => settle({ ok: false, error: new Error('closed by the server') }));
  });
}

/** Waits (at most a second) until the condition holds; the server may see the failure a tick after the client. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('mutual TLS with the issued credentials', () => {
  let ca: IssuedCredential;
  let server: tls.Server;
  let port: number;
  const seen: Seen[] = [];
  const clientErrors: Error[] = [];

  beforeAll(async () => {
    ca = await createCertificateAuthority({});
    const serverCred = await issueServerCertificate(ca, {});
    server = tls.createServer({ cert: serverCred.certPem, key: serverCred.keyPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: true }, (socket) => {
      const raw = socket.getPeerCertificate().raw;
      seen.push({ fingerprint: certificateFingerprint(raw), systemId: systemIdOf(raw), authorized: socket.authorized });
      socket.end('welcome\n');
    });
    server.on('tlsClientError', (e) => clientErrors.push(e));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
    clientErrors.length = 0;
  });

  it('accepts a system certificate and the server reads its fingerprint and system id', async () => {
    const system = await issueSystemCertificate(ca, { systemId: 'qlvb-tayninh' });
    await expect(connect(port, ca.certPem, system)).resolves.toEqual({ ok: true });
    expect(seen).toEqual([{ fingerprint: system.fingerprint, systemId: 'qlvb-tayninh', authorized: true }]);
  });

  it('refuses a client certificate from a different CA', async () => {
    const otherCa = await createCertificateAuthority({ commonName: 'vdx sandbox CA' });
    const intruder = await issueSystemCertificate(otherCa, { systemId: 'qlvb-tayninh' });
    const result = await connect(port, ca.certPem, intruder);
    expect(result.ok).toBe(false);
    await until(() => clientErrors.length > 0);
    expect(clientErrors).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it('refuses a client without a certificate', async () => {
    const result = await new Promise<boolean>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: [ca.certPem] });
      const settle = (accepted: boolean): void => {
        socket.destroy();
        resolve(accepted);
      };
      socket.once('data', () => settle(true));
      socket.once('error', () => settle(false));
      socket.once('close', () => settle(false));
    });
    expect(result).toBe(false);
    expect(seen).toEqual([]);
  });
});
