import { status } from '@grpc/grpc-js';
import { createBlobStore } from '@vdx/blob-store';
import { catalogue, DocumentChangedEvent, EventCodec, type PackageAccepted, PackageAcceptedEvent, type PackageRejected, type PackageRouted, PackageRoutedEvent, type RoutingRejected, type SignatureVerified, SignatureVerifiedEvent } from '@vdx/contracts';
import { documentPackage, statusPackage } from '@vdx/edxml';
import { ExchangeCallError, ExchangeClient, type ClientTls } from '@vdx/exchange-client';
import { readLogFromStart } from '@vdx/messaging';
import { createCertificateAuthority, issueSystemCertificate } from '@vdx/pki';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { testEnv, waitUntil } from '@vdx/testing';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

const H53 = '000.00.00.H53';
const SO_TC = '000.00.32.H53'; // a department of Tây Ninh without a system of its own
const G22 = '000.00.00.G22';

describe('gateway SendPackage, the signature gate and routing (e2e: mutual TLS, directory, Kafka, store)', () => {
  const env = testEnv();
  let axis: Axis;
  let db: string;
  let topics: Axis['topics'];
  let gatewayUrl: string;
  let tayNinh: ExchangeClient;
  let vpcp: ExchangeClient;
  let tls: Record<'tayNinh' | 'vpcp', ClientTls>;

  beforeAll(async () => {
    axis = await startAxis({
      name: 'gateway-e2e',
      services: ['directory', 'gateway', 'signature', 'routing'],
      env: { gateway: { GATEWAY_MAX_BODY_MB: '4' } },
      agencies: [
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: SO_TC, name: 'Sở Tài chính' },
        { code: G22, name: 'Văn phòng Chính phủ' },
      ],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
      ],
    });
    ({ db, topics, gatewayUrl } = axis);
    tls = { tayNinh: axis.credentials('qlvb-tayninh'), vpcp: axis.credentials('qlvb-vpcp') };
    tayNinh = axis.client('qlvb-tayninh');
    vpcp = axis.client('qlvb-vpcp');
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
  });

  const refusal = async (p: Promise<unknown>): Promise<ExchangeCallError> => {
    const err: unknown = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExchangeCallError);
    return err as ExchangeCallError;
  };

  const doc = (from: string, number: string, attachment = Buffer.from('%PDF-1.7 văn bản')) =>
    Buffer.from(documentPackage({ from, to: [G22], codeNumber: number, codeNotation: 'UBND-VP', subject: 'Thử nghiệm liên thông', attachments: [{ name: 'vb.pdf', bytes: attachment }] }).xml);

  // Before any send: a collection made by its first write could be left half-made by a store stopped at that moment.
  it('has made the collections the send path and the read models write before the first send', async () => {
    const mongo = await MongoClient.connect(env.mongoUrl);
    try {
      const names = (await mongo.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['gateway_claims', 'gateway_receipts', 'routing_documents']));
    } finally {
      await mongo.close();
    }
  });

  it('accepts documents from an agency and from a unit its hub acts for, streaming large bodies; a resend is a duplicate', async () => {
    const first = await tayNinh.sendPackage(doc(H53, '1'), { senderCode: H53, kind: 'edoc' });
    expect(first).toMatchObject({ outcome: 'accepted', duplicate: false, recipientCodes: [G22] });
    const again = await tayNinh.sendPackage(doc(H53, '1'), { senderCode: H53, kind: 'edoc' });
    expect(again).toMatchObject({ outcome: 'accepted', duplicate: true, packageId: first.packageId });

    const fromUnit = await tayNinh.sendPackage(doc(SO_TC, '2'), { senderCode: SO_TC, kind: 'edoc' });
    expect(fromUnit).toMatchObject({ outcome: 'accepted', duplicate: false });

    const large = doc(H53, '3', randomBytes(2 * 1024 * 1024));
    const big = await tayNinh.sendPackage(large, { senderCode: H53, kind: 'edoc', chunkBytes: 64 * 1024 });
    expect(big).toMatchObject({ outcome: 'accepted', bodySize: large.length });
    const mongo = await MongoClient.connect(env.mongoUrl);
    try {
      const blobs = createBlobStore(mongo.db(db));
      expect(await blobs.stat(big.bodySha256)).toMatchObject({ size: large.length });
    } finally {
      await mongo.close();
    }
  });

  it('refuses a system acting for an agency it does not serve, an oversized body, and a certificate from another CA', async () => {
    const notMine = await refusal(tayNinh.sendPackage(doc(G22, '4'), { senderCode: G22, kind: 'edoc' }));
    expect([notMine.grpcStatus, notMine.code, notMine.path]).toEqual([status.PERMISSION_DENIED, 'EXCHANGE.NOT_AUTHORISED', 'sender_code']);
    // The code also travels in the standard rich error model (grpc-status-details-bin, google.rpc.ErrorInfo).
    expect(notMine.details).toEqual({ grpcStatus: status.PERMISSION_DENIED, code: 'EXCHANGE.NOT_AUTHORISED', path: 'sender_code', message: expect.stringContaining('may not act for') as string });

    const tooBig = await refusal(vpcp.sendPackage(doc(G22, '5', randomBytes(4 * 1024 * 1024)), { senderCode: G22, kind: 'edoc' }));
    expect([tooBig.grpcStatus, tooBig.code]).toEqual([status.RESOURCE_EXHAUSTED, 'EXCHANGE.BODY_TOO_LARGE']);

    const otherCa = await createCertificateAuthority({ commonName: 'not the axis' });
    const forged = await issueSystemCertificate(otherCa, { systemId: 'qlvb-tayninh' });
    const intruder = new ExchangeClient(gatewayUrl, { caPem: tls.tayNinh.caPem, certPem: forged.certPem, keyPem: forged.keyPem });
    try {
      const refused = await refusal(intruder.sendPackage(doc(H53, '6'), { senderCode: H53, kind: 'edoc' }, 10_000));
      expect(refused.grpcStatus).toBe(status.UNAVAILABLE);
    } finally {
      intruder.close();
    }
  });

  it('records hostile and invalid packages as rejected, with the reasons in the receipt', async () => {
    const xxe = Buffer.from(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>`);
    expect(await vpcp.sendPackage(xxe, { senderCode: G22, kind: 'edoc' })).toMatchObject({ outcome: 'rejected', errorCode: 'EDXML.DTD_FORBIDDEN' });
    const mismatch = await vpcp.sendPackage(doc(G22, '7'), { senderCode: G22, kind: 'status' });
    expect(mismatch).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.KIND_MISMATCH' });
  });

  it('has appended exactly one event per accepted or rejected package', async () => {
    const codec = new EventCodec(catalogue);
    const seen: string[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'gateway-e2e-reader' }, [topics.gateway], async (records) => {
      for (const r of records) {
        const e = codec.decode(r.value!, r.headers);
        seen.push(e.type === PackageAcceptedEvent.type ? `accepted ${(e.payload as PackageAccepted).senderCode}` : `rejected ${(e.payload as PackageRejected).errorCode}`);
      }
    });
    expect(seen.sort()).toEqual([`accepted ${H53}`, `accepted ${H53}`, `accepted ${SO_TC}`, 'rejected EDXML.DTD_FORBIDDEN', 'rejected EXCHANGE.KIND_MISMATCH']);
  });

  it('has the signature service verify the integrity of every accepted package, once each', async () => {
    const codec = new EventCodec(catalogue);
    const verdicts = await waitUntil(
      'three verdicts',
      async () => {
        const found: { type: string; payload: SignatureVerified }[] = [];
        await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'gateway-e2e-verdicts' }, [topics.signature], async (records) => {
          // Routing's decisions; its DocumentChanged events are its state, not decisions.
          for (const r of records) {
            const e = codec.decode(r.value!, r.headers);
            if (e.type !== DocumentChangedEvent.type) found.push(e as never);
          }
        });
        return found.length >= 3 ? found : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(verdicts.map((v) => v.type)).toEqual([SignatureVerifiedEvent.type, SignatureVerifiedEvent.type, SignatureVerifiedEvent.type]);
    expect(verdicts.map((v) => v.payload.package.senderCode).sort()).toEqual([H53, H53, SO_TC]);
    for (const v of verdicts) {
      expect(v.payload.cryptographic).toBe('not-performed');
      expect(v.payload.checks.find((c) => c.name === 'body-hash')?.result).toBe('passed');
    }
  });

  const routedDecisions = (atLeast: number) =>
    waitUntil(
      `${atLeast} routing decisions`,
      async () => {
        const codec = new EventCodec(catalogue);
        const found: { type: string; payload: PackageRouted & RoutingRejected }[] = [];
        await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'gateway-e2e-routing' }, [topics.routing], async (records) => {
          // Routing's decisions; its DocumentChanged events are its state, not decisions.
          for (const r of records) {
            const e = codec.decode(r.value!, r.headers);
            if (e.type !== DocumentChangedEvent.type) found.push(e as never);
          }
        });
        return found.length >= atLeast ? found : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );

  it('routes verified documents, statuses back to their issuer, and refuses what cannot be routed', async () => {
    const documents = await routedDecisions(3);
    expect(documents.map((d) => [d.type, d.payload.deliveries.map((x) => [x.recipientCode, x.deliverToCode, x.route])])).toEqual([
      [PackageRoutedEvent.type, [[G22, G22, 'direct']]],
      [PackageRoutedEvent.type, [[G22, G22, 'direct']]],
      [PackageRoutedEvent.type, [[G22, G22, 'direct']]],
    ]);

    // G22 reports status 03 on Tây Ninh's first document: it goes back to the issuer.
    const first = documentPackage({ from: H53, to: [G22], codeNumber: '1', codeNotation: 'UBND-VP', subject: 'x' }).documentId;
    const status = Buffer.from(statusPackage({ from: G22, documentId: first, documentIssuer: H53, statusCode: '03' }).xml);
    expect(await vpcp.sendPackage(status, { senderCode: G22, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    // A status about a document nobody sent, and one from an agency that never received the
    // document: both accepted at the edge, neither routed.
    const unknown = Buffer.from(statusPackage({ from: G22, documentId: `${H53},2026/01/01,999/UBND-VP`, documentIssuer: H53, statusCode: '03' }).xml);
    expect(await vpcp.sendPackage(unknown, { senderCode: G22, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    const notMine = Buffer.from(statusPackage({ from: SO_TC, documentId: first, documentIssuer: H53, statusCode: '03' }).xml);
    expect(await tayNinh.sendPackage(notMine, { senderCode: SO_TC, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    // A document for an agency the directory does not know.
    const lost = Buffer.from(documentPackage({ from: G22, to: ['000.00.77.H53'], codeNumber: '8', codeNotation: 'VPCP', subject: 'x' }).xml);
    expect(await vpcp.sendPackage(lost, { senderCode: G22, kind: 'edoc' })).toMatchObject({ outcome: 'accepted' });

    // Decisions of different packages land on different partitions: compare them as a set.
    const all = await routedDecisions(7);
    const later = all
      .map((d) => (d.type === PackageRoutedEvent.type ? `routed ${d.payload.package.kind} to ${d.payload.deliveries.map((x) => x.recipientCode).join(',')}` : `rejected ${d.payload.errorCode}`))
      .filter((d) => d !== `routed edoc to ${G22}`);
    expect(later.sort()).toEqual(['rejected ROUTING.NOT_A_RECIPIENT', 'rejected ROUTING.NO_RECIPIENT', 'rejected ROUTING.UNKNOWN_DOCUMENT', `routed status to ${H53}`].sort());
    expect(all).toHaveLength(7);
  });
});

