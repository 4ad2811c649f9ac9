import { credentials, status } from '@grpc/grpc-js';
import { AgencyRegisteredEvent, catalogue, EventCodec, type EventEnvelope } from '@vdx/contracts';
import { DeliveryCallError, DeliveryClient } from '@vdx/delivery-client';
import { DirectoryCallError, DirectoryClient } from '@vdx/directory-client';
import { readLogFromStart } from '@vdx/messaging';
import { createCertificateAuthority, issueOperatorCertificate, issueSystemCertificate, pkiPaths, type TlsIdentity } from '@vdx/pki';
import { testEnv } from '@vdx/testing';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { readFileSync } from 'node:fs';

// directory.v1 and delivery.v1 over mutual TLS (docs/adr/0024-internal-mtls.md), against the
// real services: every kind of refusal, and the callers the authorisation tables allow.

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';

describe('the internal APIs take mutual TLS and check each caller (e2e)', () => {
  const env = testEnv();
  let axis: Axis;
  const clients: { close(): void }[] = [];
  /** Identities of the axis CA: a service that has no business here, and a connected system. */
  let signature: TlsIdentity;
  let system: TlsIdentity;
  /** A perfectly formed operator certificate, from another CA. */
  let foreign: TlsIdentity;

  beforeAll(async () => {
    axis = await startAxis({ name: 'internal-mtls', services: ['directory', 'delivery'], agencies: [{ code: G22, name: 'Văn phòng Chính phủ' }] });
    signature = await axis.issueIdentity('service', 'signature');
    const ca = { certPem: axis.operatorTls.caPem, keyPem: readFileSync(pkiPaths(axis.pkiDir).ca.keyPath, 'utf8') };
    const systemCert = await issueSystemCertificate(ca, { systemId: 'qlvb-tayninh' });
    system = { certPem: systemCert.certPem, keyPem: systemCert.keyPem, caPem: axis.operatorTls.caPem };
    const otherCa = await createCertificateAuthority({ commonName: 'vdx sandbox CA' });
    const impostor = await issueOperatorCertificate(otherCa, { operator: 'operator' });
    foreign = { certPem: impostor.certPem, keyPem: impostor.keyPem, caPem: axis.operatorTls.caPem };
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    for (const c of clients) c.close();
    await axis?.stop();
  });

  const directory = (identity: TlsIdentity | ReturnType<typeof credentials.createSsl>, url = axis.directoryUrl) => {
    const c = new DirectoryClient(url, identity);
    clients.push(c);
    return c;
  };
  const delivery = (identity: TlsIdentity | ReturnType<typeof credentials.createSsl>, url = axis.deliveryUrl) => {
    const c = new DeliveryClient(url, identity);
    clients.push(c);
    return c;
  };
  const refusal = async (p: Promise<unknown>): Promise<{ code: string; grpcStatus: number | undefined; message: string }> => {
    const err: unknown = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err instanceof DirectoryCallError || err instanceof DeliveryCallError).toBe(true);
    const e = err as DirectoryCallError;
    return { code: e.code, grpcStatus: e.grpcStatus, message: e.message };
  };
  const registered = async (code: string): Promise<boolean> =>
    directory(axis.operatorTls)
      .rpc('GetAgency', { code })
      .then(
        () => true,
        (e: DirectoryCallError) => (e.code === 'DIRECTORY.UNKNOWN_AGENCY' ? false : Promise.reject(e)),
      );
  /** A call without a client certificate (the server's CA trusted, so only the missing certificate fails it). */
  const noCertificate = () => credentials.createSsl(Buffer.from(axis.operatorTls.caPem));

  it('refuses a call without a client certificate in the handshake: nothing reaches a handler', async () => {
    expect(await refusal(directory(noCertificate()).rpc('RegisterAgency', { code: H53, name: 'UBND tỉnh Tây Ninh' }, 10_000))).toMatchObject({ grpcStatus: status.UNAVAILABLE });
    expect(await refusal(delivery(noCertificate()).listDead(10))).toMatchObject({ grpcStatus: status.UNAVAILABLE });
    expect(await registered(H53)).toBe(false);
  });

  it('refuses plaintext: there is no insecure port', async () => {
    expect(await refusal(directory(credentials.createInsecure()).rpc('GetAgency', { code: G22 }, 10_000))).toMatchObject({ grpcStatus: status.UNAVAILABLE });
    expect(await refusal(delivery(credentials.createInsecure()).listDead(10))).toMatchObject({ grpcStatus: status.UNAVAILABLE });
  });

  it('refuses a certificate of another CA, even one that names an operator, in the handshake', async () => {
    expect(await refusal(directory(foreign).rpc('RegisterAgency', { code: H53, name: 'UBND tỉnh Tây Ninh' }, 10_000))).toMatchObject({ grpcStatus: status.UNAVAILABLE });
    expect(await refusal(delivery(foreign).listDead(10))).toMatchObject({ grpcStatus: status.UNAVAILABLE });
    expect(await registered(H53)).toBe(false);
  });

  it("refuses a connected system's certificate of the axis CA on an internal API: UNAUTHENTICATED", async () => {
    expect(await refusal(directory(system).rpc('ConnectSystem', { code: G22, systemId: 'qlvb-tayninh', credentialFingerprint: 'a'.repeat(64) }))).toMatchObject({
      code: 'DIRECTORY.UNAUTHENTICATED',
      grpcStatus: status.UNAUTHENTICATED,
      message: expect.stringContaining("a connected system's certificate (system:qlvb-tayninh)"),
    });
    expect(await refusal(delivery(system).fetch(`p/${G22}`, 'qlvb-tayninh'))).toMatchObject({ code: 'DELIVERY.UNAUTHENTICATED', grpcStatus: status.UNAUTHENTICATED });
    expect((await directory(axis.operatorTls).rpc('GetAgency', { code: G22 })).systems).toEqual([]);
  });

  it('refuses a valid service identity an RPC its table does not give it: PERMISSION_DENIED', async () => {
    expect(await refusal(directory(signature).rpc('GetAgency', { code: G22 }))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED', grpcStatus: status.PERMISSION_DENIED, message: "DIRECTORY.PERMISSION_DENIED: service:signature may not call directory's GetAgency" });
    // The gateway reads the directory from its snapshot topic; the legacy edge may not connect systems.
    expect(await refusal(directory(axis.serviceTls('gateway')).rpc('RegisterAgency', { code: H53, name: 'x' }))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED' });
    expect(await refusal(directory(axis.serviceTls('legacy-edge')).rpc('ConnectSystem', { code: G22, systemId: 'x', credentialFingerprint: 'a'.repeat(64) }))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED' });
    expect(await refusal(directory(axis.serviceTls('legacy-edge')).rpc('ImportAgencies', { rows: [] }))).toMatchObject({ code: 'DIRECTORY.PERMISSION_DENIED' });
    // Only the gateway fetches for a system; the legacy edge goes through the gateway; operators only redrive.
    expect(await refusal(delivery(axis.serviceTls('legacy-edge')).listInbox({ recipientCodes: [G22] }))).toMatchObject({ code: 'DELIVERY.PERMISSION_DENIED', grpcStatus: status.PERMISSION_DENIED });
    expect(await refusal(delivery(axis.operatorTls).fetch(`p/${G22}`, 'qlvb-vpcp'))).toMatchObject({ code: 'DELIVERY.PERMISSION_DENIED' });
    expect(await refusal(delivery(axis.serviceTls('gateway')).redrive(`p/${G22}`, 'someone'))).toMatchObject({ code: 'DELIVERY.PERMISSION_DENIED' });
    expect(await registered(H53)).toBe(false);
  });

  it('the client refuses a server that is not the service it dialled', async () => {
    // A directory client pointed at delivery's port: the handshake fails on the client's side.
    const err = await refusal(directory(axis.operatorTls, axis.deliveryUrl).rpc('GetAgency', { code: G22 }, 10_000));
    expect(err.grpcStatus).toBe(status.UNAVAILABLE);
  });

  it('lets the callers of the tables through, and records who wrote', async () => {
    // The operator registers and connects; the legacy edge registers a unit; the gateway lists and fetches (nothing there yet).
    await directory(axis.operatorTls).rpc('RegisterAgency', { code: H53, name: 'UBND tỉnh Tây Ninh' });
    await directory(axis.serviceTls('legacy-edge')).rpc('RegisterAgency', { code: '000.00.32.H53', name: 'Sở Tài chính' });
    expect((await directory(axis.serviceTls('legacy-edge')).rpc('ListChanges', { cursor: '', limit: 10 })).agencies.length).toBeGreaterThanOrEqual(3);
    expect((await delivery(axis.serviceTls('gateway')).listInbox({ recipientCodes: [G22] })).deliveries).toEqual([]);
    expect(await refusal(delivery(axis.serviceTls('gateway')).fetch(`p/${G22}`, 'qlvb-vpcp'))).toMatchObject({ code: 'DELIVERY.UNKNOWN_DELIVERY' });
    expect((await delivery(axis.operatorTls).listDead(10)).deliveries).toEqual([]);

    const codec = new EventCodec(catalogue);
    const actors = new Map<string, EventEnvelope['actor']>();
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'internal-mtls-e2e' }, [axis.topics.directory], async (records) => {
      for (const r of records) {
        const e = codec.decode(r.value!, r.headers);
        if (e.type === AgencyRegisteredEvent.type) actors.set(e.aggregateId, e.actor);
      }
    });
    expect(actors.get(H53)).toEqual({ kind: 'operator', id: 'operator' });
    expect(actors.get('000.00.32.H53')).toEqual({ kind: 'system', id: 'legacy-edge' });
  });
});
