// `vdx demo traffic` against a running axis (directory, gateway, signature, routing, delivery as
// their own processes, fresh topics and database): the refusals when the axis or the PKI is not
// there, provisioning twice, then a small run checked against the axis's own log, the
// recipients' inboxes and the senders' traces.
import { catalogue, type DeliveryAcknowledged, DeliveryAcknowledgedEvent, DeliveryQueuedEvent, EventCodec, type PackageAccepted, PackageAcceptedEvent, type PackageRejected, PackageRejectedEvent } from '@vdx/contracts';
import { ExchangeClient } from '@vdx/exchange-client';
import { readLogFromStart } from '@vdx/messaging';
import { loadCredentialFiles } from '@vdx/pki';
import { freePort, waitUntil } from '@vdx/testing';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SYSTEMS, DEMO_TRAFFIC_AGENCIES, DemoError, demoAgency, documentIdOf, planTraffic, type TrafficOptions } from './demo-plan';
import { provisionDemo, runDemoTraffic, vietnamDate, type DemoSummary } from './demo-traffic';

/** The run itself (settling within 40 s), reading two logs, and a wait of up to 20 s for each of the 14 traces. */
const RUN_TEST_TIMEOUT_MS = 120_000;

const count = <T>(items: readonly T[], key: (t: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
};

describe('vdx demo traffic (e2e: the pipeline as processes)', () => {
  let axis: Axis;
  const clients = new Map<string, ExchangeClient>();
  const client = (systemId: string): ExchangeClient => {
    let c = clients.get(systemId);
    if (!c) clients.set(systemId, (c = new ExchangeClient(axis.gatewayUrl, loadCredentialFiles(axis.pkiDir, `systems/${systemId}`))));
    return c;
  };
  const emptyPki = mkdtempSync(join(tmpdir(), 'vdx-demo-nopki-'));

  beforeAll(async () => {
    // No agencies, no systems: the demo provisions its own.
    axis = await startAxis({ name: 'demo-e2e' });
  }, AXIS_START_TIMEOUT_MS);
  afterAll(async () => {
    for (const c of clients.values()) c.close();
    await axis?.stop();
    rmSync(emptyPki, { recursive: true, force: true });
  });

  const expectDemoError = async (run: Promise<unknown>, code: string, ...parts: string[]) => {
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DemoError);
    expect((err as DemoError).code).toBe(code);
    for (const part of parts) expect((err as Error).message).toContain(part);
  };

  it('provisions the demo agencies and systems, and a second time changes nothing', async () => {
    const first = await provisionDemo(axis.pkiDir, axis.directoryUrl);
    expect(first).toEqual({
      registered: DEMO_TRAFFIC_AGENCIES.map((a) => a.code),
      existing: [],
      certificatesIssued: DEMO_SYSTEMS.map((x) => x.systemId),
      connected: DEMO_SYSTEMS.map((x) => x.systemId),
    });
    const again = await provisionDemo(axis.pkiDir, axis.directoryUrl);
    expect(again).toEqual({ registered: [], existing: DEMO_TRAFFIC_AGENCIES.map((a) => a.code), certificatesIssued: [], connected: [] });
  });

  it('refuses to start without the sandbox PKI (DEMO.PKI_MISSING), and names an address where no axis answers (DEMO.AXIS_UNREACHABLE)', async () => {
    await expectDemoError(provisionDemo(emptyPki, axis.directoryUrl), 'DEMO.PKI_MISSING', emptyPki, 'run npm start');
    const nowhere = `127.0.0.1:${await freePort()}`;
    await expectDemoError(provisionDemo(axis.pkiDir, nowhere), 'DEMO.AXIS_UNREACHABLE', `the directory at ${nowhere}`, 'run npm start');
    // The directory answers, the gateway does not.
    await expectDemoError(
      runDemoTraffic({ gatewayUrl: nowhere, directoryUrl: axis.directoryUrl, pkiDir: axis.pkiDir, traffic: { days: 1, documents: 1, seed: 1 }, rate: 5 }),
      'DEMO.AXIS_UNREACHABLE',
      `the gateway at ${nowhere}`,
      'run npm start',
    );
  });

  it('sends the planned mix through the axis: documents accepted, refusals with their codes, copies taken in or left late, statuses back to the issuers', async () => {
    const traffic: TrafficOptions = { days: 2, documents: 14, seed: 42, lateShare: 0.1, refusedShare: 0.36, invalidSignatureShare: 0.2, urgentShare: 0.2, failedShare: 0.1 };
    const plan = planTraffic(traffic);
    const runTag = 'E2E1';
    const lines: string[] = [];
    const summary: DemoSummary = await runDemoTraffic({
      gatewayUrl: axis.gatewayUrl,
      directoryUrl: axis.directoryUrl,
      pkiDir: axis.pkiDir,
      traffic,
      rate: 20,
      burstGapMs: 50,
      settleTimeoutMs: 40_000,
      runTag,
      progress: (l) => lines.push(l),
    });
    const ctx = { runTag, date: vietnamDate(new Date()) };
    const copies = plan.documents.flatMap((d) => d.copies);
    const statusCodes = copies.flatMap((c) => c.statuses);

    expect(plan.totals).toMatchObject({ documents: 14, refusals: 5, invalidSignature: 3, urgent: 3 });
    expect(summary).toMatchObject({
      complete: true,
      unexpected: [],
      seed: 42,
      days: 2,
      provisioning: { registered: [], existing: DEMO_TRAFFIC_AGENCIES.map((a) => a.code) },
      sent: { documents: 14, refused: 5, statuses: statusCodes.length },
      documents: { accepted: 14, urgent: 3, invalidSignature: 3, unsigned: 11 },
      refusedByCode: { 'EDXML.MALFORMED_XML': 1, 'EXCHANGE.INVALID_PACKAGE': 1, 'EXCHANGE.KIND_MISMATCH': 1, 'EXCHANGE.NO_RECIPIENTS': 1, 'EXCHANGE.SENDER_MISMATCH': 1 },
      statuses: count(statusCodes, (c) => c),
      copies: { planned: copies.length, acknowledgedDone: plan.totals.takenIn, acknowledgedFailed: plan.totals.failed, late: plan.totals.late, pending: 0 },
      statusesFetchedByIssuers: statusCodes.length,
    });
    expect(plan.totals.late).toBeGreaterThanOrEqual(1);
    expect(plan.totals.failed).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.includes(' burst '))).toHaveLength(plan.bursts.length);

    // The gateway's own log: what it accepted and refused, and the findings of the invalid signatures.
    const codec = new EventCodec(catalogue);
    const gateway: { type: string; payload: PackageAccepted | PackageRejected }[] = [];
    const delivery: { type: string; payload: unknown }[] = [];
    const { kafkaBrokers } = axis;
    await readLogFromStart({ brokers: kafkaBrokers, clientId: 'demo-e2e-gateway' }, [axis.topics.gateway, `${axis.topics.gateway}.urgent`], async (records) => {
      for (const r of records) gateway.push(codec.decode(r.value!, r.headers) as (typeof gateway)[number]);
    });
    const accepted = gateway.filter((e) => e.type === PackageAcceptedEvent.type).map((e) => e.payload as PackageAccepted);
    const rejected = gateway.filter((e) => e.type === PackageRejectedEvent.type).map((e) => e.payload as PackageRejected);
    const docs = accepted.filter((p) => p.kind === 'edoc');
    expect(docs.map((p) => p.documentId).sort()).toEqual(plan.documents.map((d) => documentIdOf(d, ctx)).sort());
    expect(count(accepted.filter((p) => p.kind === 'status'), (p) => p.statusCode ?? '')).toEqual(count(statusCodes, (c) => c));
    expect(count(rejected, (p) => p.errorCode)).toEqual(summary.refusedByCode);
    expect(docs.filter((p) => p.warnings.some((w) => w.code === 'EDXML.PLACEHOLDER_SIGNATURE')).map((p) => p.documentId).sort()).toEqual(
      plan.documents.filter((d) => d.signature === 'invalid').map((d) => documentIdOf(d, ctx)).sort(),
    );
    expect(count(docs, (p) => (p.priority === '0' ? 'normal' : 'urgent'))).toEqual(count(plan.documents, (d) => (d.priority === '0' ? 'normal' : 'urgent')));
    // Each package came from the system serving its sender.
    for (const p of accepted) expect(p.systemId).toBe(demoAgency(p.senderCode).servedBy);

    // Delivery's log: one copy per recipient and one per status, acknowledged as planned.
    await readLogFromStart({ brokers: kafkaBrokers, clientId: 'demo-e2e-delivery' }, [axis.topics.delivery, `${axis.topics.delivery}.urgent`], async (records) => {
      for (const r of records) delivery.push(codec.decode(r.value!, r.headers) as (typeof delivery)[number]);
    });
    expect(delivery.filter((e) => e.type === DeliveryQueuedEvent.type)).toHaveLength(copies.length + statusCodes.length);
    expect(count(delivery.filter((e) => e.type === DeliveryAcknowledgedEvent.type), (e) => (e.payload as DeliveryAcknowledged).result)).toEqual({
      done: plan.totals.takenIn + statusCodes.length,
      fail: plan.totals.failed,
    });

    // The late copies wait, unfetched, in their recipients' inboxes.
    for (const d of plan.documents) {
      for (const c of d.copies.filter((x) => x.fate === 'late')) {
        const inbox = await client(c.system).listInbox({ agencyCode: c.recipient, state: 'queued' });
        expect(inbox.items.filter((i) => i.documentId === documentIdOf(d, ctx)).map((i) => [i.recipientCode, i.state])).toEqual([[c.recipient, 'queued']]);
      }
    }

    // Each sender's trace: every recipient's transport state and the statuses it sent back.
    const packageOf = new Map(docs.map((p) => [p.documentId, p.packageId]));
    for (const d of plan.documents) {
      const sender = client(d.system);
      const want = d.copies.map((c) => [c.recipient, c.fate === 'late' ? 'queued' : c.fate === 'failed' ? 'failed' : 'acknowledged', c.statuses.join(',')]).sort();
      await waitUntil(
        `the trace of document ${d.seq} showing ${JSON.stringify(want)}`,
        async () => {
          const trace = await sender.getTrace(packageOf.get(documentIdOf(d, ctx))!);
          const got = trace.recipients.map((r) => [r.recipientCode, r.transportState, r.statuses.map((s) => s.code).join(',')]).sort();
          return JSON.stringify(got) === JSON.stringify(want) || undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
    }
  }, RUN_TEST_TIMEOUT_MS);
});
