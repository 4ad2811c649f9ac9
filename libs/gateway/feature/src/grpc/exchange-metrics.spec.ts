import { Metadata } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { createMetricsRegistry, edgeMetrics } from '@vdx/observability';
import { createCertificateAuthority, issueSystemCertificate, type IssuedCredential } from '@vdx/pki';
import { X509Certificate } from 'node:crypto';
import { ExchangeError } from '../intake/exchange.error';
import type { PackageIntake, SendOutcome } from '../intake/package-intake';
import { SendAdmission } from '../intake/send-admission';
import { ERROR_CODE_KEY } from './exchange-errors';
import { ExchangeGrpcController } from './exchange.grpc.controller';

const NOW = new Date('2026-06-01T00:00:00Z');
const HEADER = { part: 'header', header: { senderCode: '000.00.00.H53', kind: 'edoc', clientRef: '', bodySha256: '', bodySize: 0, body: Buffer.from('<x/>') } };

function call(cert: IssuedCredential | null) {
  return {
    getAuthContext: () => (cert ? { transportSecurityType: 'ssl', sslPeerCertificate: { raw: new X509Certificate(cert.certPem).raw } } : {}),
    metadata: new Metadata(),
    async *[Symbol.asyncIterator]() {
      yield HEADER;
    },
  };
}

describe('SendPackage metrics (vdx_edge_sends_total, vdx_edge_refusals_total)', () => {
  let cert: IssuedCredential;
  beforeAll(async () => {
    // The internal error below is logged with its stack by design; not in the test output.
    Logger.overrideLogger(false);
    const ca = await createCertificateAuthority({ now: NOW });
    cert = await issueSystemCertificate(ca, { systemId: 'qlvb-tay-ninh', now: NOW });
  });

  it('counts accepted, duplicate, rejected (by code), refused (by code) and failed sends', async () => {
    const registry = createMetricsRegistry('gateway');
    const outcomes: (SendOutcome | Error)[] = [
      { outcome: 'accepted', duplicate: false, receipt: { packageId: 'p1', bodySha256: 'a', bodySize: 1, acceptedAt: NOW.toISOString(), recipientCodes: [], warnings: [] } },
      { outcome: 'accepted', duplicate: true, receipt: { packageId: 'p1', bodySha256: 'a', bodySize: 1, acceptedAt: NOW.toISOString(), recipientCodes: [], warnings: [] } },
      { outcome: 'rejected', packageId: 'p2', bodySha256: 'b', bodySize: 1, errorCode: 'EXCHANGE.SENDER_MISMATCH', reason: 'r', findings: [] },
      new ExchangeError('EXCHANGE.NOT_AUTHORISED', 'no'),
      new ExchangeError('EXCHANGE.UNAVAILABLE', 'broker away'),
      new Error('bug'),
    ];
    const intake = {
      receive: async () => {
        const next = outcomes.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
    } as unknown as PackageIntake;
    const controller = new ExchangeGrpcController(intake, new SendAdmission(), registry);
    const send = (c: ReturnType<typeof call>) => new Promise<void>((resolve) => controller.sendPackage(c as never, () => resolve()));
    for (let i = 0; i < 6; i += 1) await send(call(cert));
    // No client certificate: refused before the intake is asked.
    await send(call(null));

    const m = edgeMetrics(registry);
    const sends = Object.fromEntries((await m.sends.get()).values.map((v) => [v.labels.outcome, v.value]));
    expect(sends).toEqual({ accepted: 1, duplicate: 1, rejected: 1, refused: 2, failed: 2 });
    const codes = Object.fromEntries((await m.refusals.get()).values.map((v) => [v.labels.code, v.value]));
    expect(codes).toEqual({
      'EXCHANGE.SENDER_MISMATCH': 1,
      'EXCHANGE.NOT_AUTHORISED': 1,
      'EXCHANGE.UNAVAILABLE': 1,
      'EXCHANGE.INTERNAL': 1,
      'EXCHANGE.UNAUTHENTICATED': 1,
    });
  });

  it('refuses a send beyond the admitted ones with EXCHANGE.OVERLOADED, before the intake is asked, and admits again once one is answered', async () => {
    const registry = createMetricsRegistry('gateway');
    let asked = 0;
    let answer!: (o: SendOutcome) => void;
    const intake = {
      receive: () => {
        asked += 1;
        return new Promise<SendOutcome>((resolve) => (answer = resolve));
      },
    } as unknown as PackageIntake;
    const admission = new SendAdmission(1);
    const controller = new ExchangeGrpcController(intake, admission, registry);
    const send = (c: ReturnType<typeof call>) => new Promise<{ err: unknown }>((resolve) => controller.sendPackage(c as never, (err) => resolve({ err })));
    const first = send(call(cert));
    const second = await send(call(cert));
    expect(second.err).toMatchObject({ code: 8, metadata: expect.anything() });
    expect((second.err as { metadata: Metadata }).metadata.get(ERROR_CODE_KEY)[0]?.toString()).toBe('EXCHANGE.OVERLOADED');
    await waitFor(() => asked === 1);
    answer({ outcome: 'accepted', duplicate: false, receipt: { packageId: 'p1', bodySha256: 'a', bodySize: 1, acceptedAt: NOW.toISOString(), recipientCodes: [], warnings: [] } });
    expect((await first).err).toBeNull();
    expect(admission.inFlight).toBe(0);
    const third = send(call(cert));
    await waitFor(() => asked === 2);
    answer({ outcome: 'accepted', duplicate: true, receipt: { packageId: 'p1', bodySha256: 'a', bodySize: 1, acceptedAt: NOW.toISOString(), recipientCodes: [], warnings: [] } });
    expect((await third).err).toBeNull();
    const codes = Object.fromEntries((await edgeMetrics(registry).refusals.get()).values.map((v) => [v.labels.code, v.value]));
    expect(codes).toEqual({ 'EXCHANGE.OVERLOADED': 1 });
  });
});

/** Resolves once the condition holds (checked on each turn of the event loop). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setImmediate(r));
}
