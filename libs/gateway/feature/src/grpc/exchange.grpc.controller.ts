import type { Metadata, ServerReadableStream, sendUnaryData } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcStreamCall } from '@nestjs/microservices';
import { context } from '@opentelemetry/api';
import { codeLabel, edgeMetrics, extractTraceContext, newRootTrace, traceHeadersOf, tracingEnabled, type EdgeMetrics, type TraceHeaders } from '@vdx/observability';
import type { DeepPartial, exchangeV1 } from '@vdx/contracts/grpc';
import { ERROR_CODE_KEY, METRICS_REGISTRY } from '@vdx/service-kit';
import type { Registry } from 'prom-client';
import { randomBytes } from 'node:crypto';
import { ExchangeError } from '../intake/exchange.error';
import { SendAdmission } from '../intake/send-admission';
import { PackageIntake, type SendOutcome } from '../intake/package-intake';
import { callerOf } from './caller-identity';
import { toServiceError } from './exchange-errors';

const SERVICE = 'ExchangeService';

/** `SendPackageRequest` as proto-loader decodes it (`defaults: false`: any field may be absent; the oneof named by `part`). */
type SendMessage = DeepPartial<exchangeV1.SendPackageRequest> & { readonly part?: 'header' | 'chunk' };

function toReceipt(outcome: SendOutcome): exchangeV1.SendReceipt {
  if (outcome.outcome === 'accepted') {
    const r = outcome.receipt;
    return {
      packageId: r.packageId,
      outcome: 'accepted',
      duplicate: outcome.duplicate,
      bodySha256: r.bodySha256,
      bodySize: r.bodySize,
      acceptedAt: r.acceptedAt,
      recipientCodes: [...r.recipientCodes],
      warnings: [...r.warnings],
      errorCode: '',
      reason: '',
      findings: [],
    };
  }
  return {
    packageId: outcome.packageId,
    outcome: 'rejected',
    duplicate: false,
    bodySha256: outcome.bodySha256,
    bodySize: outcome.bodySize,
    acceptedAt: '',
    recipientCodes: [],
    warnings: [],
    errorCode: outcome.errorCode,
    reason: outcome.reason,
    findings: [...outcome.findings],
  };
}

/** gRPC `vdx.exchange.v1.ExchangeService`: a thin adapter over the intake. */
@Controller()
export class ExchangeGrpcController {
  private readonly metrics: EdgeMetrics;

  constructor(
    @Inject(PackageIntake) private readonly intake: PackageIntake,
    @Inject(SendAdmission) private readonly admission: SendAdmission,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.metrics = edgeMetrics(registry);
  }

  @GrpcStreamCall(SERVICE, 'SendPackage')
  sendPackage(call: ServerReadableStream<SendMessage, exchangeV1.SendReceipt>, callback: sendUnaryData<exchangeV1.SendReceipt>): void {
    const refuse = (err: unknown) => {
      const refusal = toServiceError(err);
      this.countRefusal(refusal);
      callback(refusal);
    };
    let release: () => void;
    try {
      release = this.admission.enter();
    } catch (err) {
      // Shed before the body is read; the client's stream is cancelled with the answer.
      refuse(err);
      return;
    }
    this.send(call)
      .finally(release)
      .then((receipt) => {
        this.count(receipt);
        callback(null, receipt);
      }, refuse);
  }

  /** `vdx_edge_sends_total{outcome}`, and the code of a recorded rejection. */
  private count(receipt: exchangeV1.SendReceipt): void {
    if (receipt.outcome === 'accepted') {
      this.metrics.sends.inc({ outcome: receipt.duplicate ? 'duplicate' : 'accepted' });
      return;
    }
    this.metrics.sends.inc({ outcome: 'rejected' });
    this.metrics.refusals.inc({ code: codeLabel(receipt.errorCode) });
  }

  /** A call refused before any event (`refused`), or failed on an outage or an internal error (`failed`). */
  private countRefusal(refusal: ReturnType<typeof toServiceError>): void {
    const code = codeLabel(refusal.metadata?.get(ERROR_CODE_KEY)[0]?.toString());
    this.metrics.sends.inc({ outcome: code === 'EXCHANGE.UNAVAILABLE' || code === 'EXCHANGE.INTERNAL' ? 'failed' : 'refused' });
    this.metrics.refusals.inc({ code });
  }

  private async send(call: ServerReadableStream<SendMessage, exchangeV1.SendReceipt>): Promise<exchangeV1.SendReceipt> {
    const caller = callerOf(call);
    const messages = call[Symbol.asyncIterator]() as AsyncIterator<SendMessage>;
    const first = await messages.next();
    const header = first.done ? undefined : first.value.header;
    if (!header) throw new ExchangeError('EXCHANGE.PROTOCOL', 'the first message of SendPackage must be the header', { path: 'header' });
    async function* body(): AsyncGenerator<Uint8Array> {
      if (header?.body && header.body.length > 0) yield header.body;
      for (;;) {
        const next = await messages.next();
        if (next.done) return;
        if (next.value.header) throw new ExchangeError('EXCHANGE.PROTOCOL', 'only the first message of SendPackage may be a header', { path: 'header' });
        if (next.value.chunk && next.value.chunk.length > 0) yield next.value.chunk;
      }
    }
    const outcome = await this.intake.receive(
      caller,
      {
        senderCode: header.senderCode ?? '',
        kind: header.kind ?? '',
        clientRef: header.clientRef ?? '',
        bodySha256: header.bodySha256 ?? '',
        bodySize: Number(header.bodySize ?? 0),
        ...(header.recipientCodes?.length ? { recipientCodes: header.recipientCodes } : {}),
      },
      body(),
      traceOfCall(call.metadata),
    );
    return toReceipt(outcome);
  }
}

/**
 * The W3C trace context of the send: the caller's `traceparent` (and `tracestate`) continued
 * with a span of the gateway's own, or a new sampled root when the caller sent none or an
 * invalid one. Every event the send causes carries it, through every Kafka hop.
 */
export function traceOfCall(metadata: Metadata): TraceHeaders {
  // With tracing on, the gRPC instrumentation's server span (already the caller's child) is that span.
  const own = tracingEnabled() ? traceHeadersOf(context.active()) : null;
  if (own) return own;
  const value = (key: string) => metadata.get(key)[0]?.toString();
  const incoming = traceHeadersOf(extractTraceContext({ traceparent: value('traceparent'), tracestate: value('tracestate') }));
  if (!incoming) return newRootTrace();
  const [version, traceId, , flags] = incoming.traceparent.split('-');
  return { traceparent: `${version}-${traceId}-${randomBytes(8).toString('hex')}-${flags}`, tracestate: incoming.tracestate ?? null };
}
