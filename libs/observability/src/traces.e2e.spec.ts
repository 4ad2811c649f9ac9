import { DeliveryFetchedEvent, DeliveryQueuedEvent, PackageAcceptedEvent, PackageRoutedEvent, SignatureVerifiedEvent } from '@vdx/contracts';
import { documentPackage } from '@vdx/edxml';
import { OtelCollector, consoleProgress, provisionOtelCollector, readCollectedSpans, type CollectedSpan } from '@vdx/local-infra';
import { AXIS_START_TIMEOUT_MS, PIPELINE, startAxis, type Axis, type AxisService } from '@vdx/testing/axis';
import { freePort, waitUntil } from '@vdx/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * The collector is built once into .local/bin (`npm test` does it before the suites run, about
 * 2 minutes on a fresh machine); run alone on such a machine, this hook builds it.
 */
const COLLECTOR_BUILD_MS = 900_000;
/**
 * The package's way to the recipient's inbox (a wait of up to 45 s), then the spans' batches at
 * the collector (a wait of up to a minute), each leaving every service once a second.
 */
const TRACE_TEST_TIMEOUT_MS = 120_000;

describe('one trace from SendPackage to the recipient\'s FetchPackage (e2e: the OpenTelemetry SDK in every service, the local collector)', () => {
  let dir: string;
  let collector: OtelCollector;
  let axis: Axis;

  beforeAll(async () => {
    await provisionOtelCollector(consoleProgress);
    dir = mkdtempSync(join(tmpdir(), 'vdx-traces-'));
    collector = new OtelCollector({ dir, httpPort: await freePort(), grpcPort: await freePort(), metricsPort: await freePort() });
    await collector.start(consoleProgress);
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_TRACES_SAMPLER_ARG: '1' };
    axis = await startAxis({
      name: 'traces-e2e',
      env: Object.fromEntries(PIPELINE.map((s) => [s, tracing])) as Partial<Record<AxisService, Record<string, string>>>,
      agencies: [
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: G22, name: 'Văn phòng Chính phủ' },
      ],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
      ],
    });
  }, COLLECTOR_BUILD_MS + AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
    await collector?.stop(consoleProgress);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('follows the package through signature, routing and delivery to the fetch, every parent in the trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const built = documentPackage({ from: G22, to: [H53], codeNumber: '23', codeNotation: 'VPCP-TTĐT', subject: 'Theo dõi một văn bản qua trục' });
    const body = Buffer.from(built.xml);
    const receipt = await axis.client('qlvb-vpcp').sendPackage(body, { senderCode: G22, kind: 'edoc', traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(receipt).toMatchObject({ outcome: 'accepted' });

    const recipient = axis.client('qlvb-tayninh');
    const item = await waitUntil('the package in Tây Ninh\'s inbox', async () => (await recipient.listInbox({ agencyCode: H53 })).items.find((i) => i.packageId === receipt.packageId), { timeoutMs: 45_000, intervalMs: 250 });
    expect(await recipient.fetchPackage(item.deliveryId)).toEqual(body);

    const { topics } = axis;
    const named = (spans: readonly CollectedSpan[], service: string, kind: number, prefix: string, type: string) =>
      spans.filter((s) => s.service === service && s.kind === kind && s.name.startsWith(prefix) && s.attributes['vdx.event.type'] === type);
    const chainOf = (spans: readonly CollectedSpan[]) => {
      const send = spans.find((s) => s.service === 'gateway' && s.kind === SERVER && s.name.endsWith('/SendPackage'));
      const fetch = spans.find((s) => s.service === 'gateway' && s.name === 'FetchPackage');
      const steps = {
        accepted: named(spans, 'gateway', PRODUCER, `send ${topics.gateway}`, PackageAcceptedEvent.type),
        signature: named(spans, 'signature', CONSUMER, `process ${topics.gateway}`, PackageAcceptedEvent.type),
        verified: named(spans, 'signature', PRODUCER, `send ${topics.signature}`, SignatureVerifiedEvent.type),
        routing: named(spans, 'routing', CONSUMER, `process ${topics.signature}`, SignatureVerifiedEvent.type),
        routed: named(spans, 'routing', PRODUCER, `send ${topics.routing}`, PackageRoutedEvent.type),
        delivery: named(spans, 'delivery', CONSUMER, `process ${topics.routing}`, PackageRoutedEvent.type),
        queued: named(spans, 'delivery', PRODUCER, `send ${topics.delivery}`, DeliveryQueuedEvent.type),
        fetched: named(spans, 'delivery', PRODUCER, `send ${topics.delivery}`, DeliveryFetchedEvent.type),
      };
      return { send, fetch, steps };
    };
    const ids = (spans: readonly CollectedSpan[]) => new Set(spans.map((s) => s.spanId));
    // Spans leave each service in batches (every second): wait until the chain is whole, both ends included.
    const spans = await waitUntil(
      'the spans of the send and the fetch at the collector',
      async () => {
        const all = readCollectedSpans(collector.tracesFile).filter((s) => s.traceId === traceId);
        const { send, fetch, steps } = chainOf(all);
        const known = ids(all);
        const missing = [...(send ? [] : ['SendPackage']), ...(fetch ? [] : ['FetchPackage']), ...Object.entries(steps).filter(([, list]) => list.length === 0).map(([step]) => step)];
        const orphans = all.filter((s) => s !== send && !known.has(s.parentSpanId)).map((s) => `${s.service} ${s.name}`);
        // Thrown, not returned: a timeout then says what was still missing.
        if (missing.length > 0 || orphans.length > 0) throw new Error(`${all.length} spans; missing ${missing.join(', ') || 'none'}; without their parent: ${orphans.join(', ') || 'none'}`);
        return all;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const { send, fetch, steps } = chainOf(spans);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    // One trace: the caller's, continued by the gateway's SendPackage.
    expect(send!.parentSpanId).toBe(callerSpan);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['gateway', 'signature', 'routing', 'delivery']));
    // Every span's parent is in the trace (the root's is the caller's own span).
    expect(spans.filter((s) => s !== send && !byId.has(s.parentSpanId)).map((s) => `${s.service} ${s.name}`)).toEqual([]);
    // Each Kafka hop: the consumer's span is the child of the producer's, the next producer's the child of that consumer.
    const parentOf = (s: CollectedSpan | undefined) => (s ? byId.get(s.parentSpanId) : undefined);
    const one = (list: readonly CollectedSpan[]) => {
      expect(list).toHaveLength(1);
      return list[0]!;
    };
    const accepted = one(steps.accepted);
    expect(parentOf(accepted)).toBe(send);
    expect(parentOf(one(steps.signature))).toBe(accepted);
    expect(parentOf(one(steps.verified))).toBe(one(steps.signature));
    expect(parentOf(one(steps.routing))).toBe(one(steps.verified));
    expect(parentOf(one(steps.routed))).toBe(one(steps.routing));
    expect(parentOf(one(steps.delivery))).toBe(one(steps.routed));
    expect(parentOf(one(steps.queued))).toBe(one(steps.delivery));
    // The recipient's fetch continues the delivery's trace, linked to the call's own trace: under the
    // DeliveryQueued span (the gateway's inbox feed or the delivery_state read model gave the
    // delivery) or the PackageRouted span that queued it (the owner's memory, before its record was read back).
    expect([one(steps.queued), one(steps.routed)]).toContain(parentOf(fetch));
    expect(fetch!.links).toHaveLength(1);
    expect(fetch!.links[0]!.traceId).not.toBe(traceId);
    // The fetch's transactional step (decided on the owner, no Kafka record before it) descends from the fetch.
    let up = parentOf(one(steps.fetched));
    while (up && up !== fetch) up = parentOf(up);
    expect(up).toBe(fetch);
  }, TRACE_TEST_TIMEOUT_MS);
});
