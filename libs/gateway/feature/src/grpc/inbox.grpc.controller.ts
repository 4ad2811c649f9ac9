import type { Metadata, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { ManagedBlobStore } from '@vdx/blob-store';
import { inboxItemOf, inboxItemOfMessage, type DeepPartial, type exchangeV1, type ServerStreamHandlers, type UnaryHandlers } from '@vdx/contracts/grpc';
import { DeliveryClient, type DeliveryMessage } from '@vdx/delivery-client';
import { DirectoryCache } from '@vdx/directory-client';
import { inTraceOf } from '@vdx/observability';
import { Observable } from 'rxjs';
import { BLOB_STORE } from '../blob-store.token';
import { InboxFeed, type DeliveryAddress } from '../inbox/inbox-feed';
import { ExchangeError } from '../intake/exchange.error';
import type { CallerIdentity } from '../intake/package-intake';
import { TraceStore } from '../trace/trace-store';
import { callerOf } from './caller-identity';
import { exchangeErrors } from './exchange-errors';

const SERVICE = 'ExchangeService';
const CHUNK_BYTES = 256 * 1024;
const STATES: Readonly<Record<string, string[]>> = {
  '': ['queued', 'fetched'],
  queued: ['queued'],
  fetched: ['fetched'],
  acknowledged: ['acknowledged'],
  failed: ['failed'],
};


/** A delivery as the delivery service gives it, with the trace context of its send (a fetch continues that trace). */
function withTrace(d: DeliveryMessage): DeliveryAddress {
  return d.traceparent ? { ...d, trace: { traceparent: d.traceparent, tracestate: null } } : d;
}

/**
 * The inbox side of `vdx.exchange.v1`: a system lists, watches, fetches and acknowledges the
 * deliveries of the agencies it acts for, and traces the packages they sent. Authorisation is
 * the gateway's (directory cache); the transport state is the delivery service's.
 */
@Controller()
export class InboxGrpcController implements UnaryHandlers<exchangeV1.ExchangeService>, ServerStreamHandlers<exchangeV1.ExchangeService> {
  constructor(
    @Inject(DeliveryClient) private readonly delivery: DeliveryClient,
    @Inject(DirectoryCache) private readonly directory: DirectoryCache,
    @Inject(BLOB_STORE) private readonly blobs: ManagedBlobStore,
    @Inject(TraceStore) private readonly traces: TraceStore,
    @Inject(InboxFeed) private readonly feed: InboxFeed,
  ) {}

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw exchangeErrors.toRpcException(err);
    }
  }

  /** The inbox query a caller may make: one agency it acts for, or everything its agencies' system receives. */
  private scope(caller: CallerIdentity, agencyCode: string): { recipientCodes?: string[]; deliverToCodes?: string[] } {
    if (agencyCode) {
      if (!this.directory.mayActFor(caller.fingerprint, agencyCode)) throw new ExchangeError('EXCHANGE.NOT_AUTHORISED', `system ${caller.systemId} may not read the inbox of ${agencyCode}`, { path: 'agency_code' });
      return { recipientCodes: [agencyCode] };
    }
    const own = this.directory.agenciesOfCredential(caller.fingerprint).map((a) => a.code);
    if (own.length === 0) throw new ExchangeError('EXCHANGE.NOT_AUTHORISED', `the certificate of system ${caller.systemId} is not bound to any agency`);
    return { deliverToCodes: own };
  }

  /**
   * The delivery's address, when this caller's system is the one it is delivered to: from the
   * feed for one queued since this gateway started, else from the delivery service.
   */
  private async ownDelivery(caller: CallerIdentity, deliveryId: string): Promise<DeliveryAddress> {
    const d = this.feed.addressOf(deliveryId) ?? withTrace(await this.delivery.get(deliveryId));
    if (d.systemId !== caller.systemId || !this.directory.mayActFor(caller.fingerprint, d.recipientCode)) {
      throw new ExchangeError('EXCHANGE.NOT_AUTHORISED', `delivery ${deliveryId} is not for system ${caller.systemId}`, { path: 'delivery_id' });
    }
    return d;
  }

  @GrpcMethod(SERVICE, 'ListInbox')
  listInbox(req: DeepPartial<exchangeV1.ListInboxRequest>, _m: Metadata, call: ServerUnaryCall<unknown, unknown>): Promise<exchangeV1.InboxPage> {
    return this.run(async () => {
      const caller = callerOf(call);
      const states = STATES[req.state ?? ''];
      if (!states) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', 'state must be queued, fetched, acknowledged or failed', { path: 'state' });
      const page = await this.delivery.listInbox({ ...this.scope(caller, req.agencyCode ?? ''), kind: req.kind ?? '', states, pageSize: req.pageSize ?? 0, pageToken: req.pageToken ?? '' });
      return { items: page.deliveries.map((d) => inboxItemOfMessage(d)), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * New queued items as the delivery service queues them (from its event topic, not by polling
   * the store), the existing ones first when asked. The caller's authorisation is checked again
   * for every item: a system that may no longer read the inbox gets the refusal and the end.
   */
  @GrpcMethod(SERVICE, 'WatchInbox')
  watchInbox(req: DeepPartial<exchangeV1.WatchInboxRequest>, _m: Metadata, call: ServerWritableStream<unknown, unknown>): Observable<exchangeV1.InboxItem> {
    return new Observable((subscriber) => {
      const seen = new Set<string>();
      const caller = callerOf(call);
      const agencyCode = req.agencyCode ?? '';
      const emit = (deliveryId: string, item: () => exchangeV1.InboxItem) => {
        if (seen.has(deliveryId)) return;
        seen.add(deliveryId);
        subscriber.next(item());
      };
      let unsubscribe: () => void = () => undefined;
      try {
        this.scope(caller, agencyCode);
        // Listen before listing what is there, so nothing queued in between is missed.
        unsubscribe = this.feed.subscribe((d) => {
          try {
            const scope = this.scope(caller, agencyCode);
            const ours = scope.recipientCodes ? scope.recipientCodes.includes(d.recipientCode) : (scope.deliverToCodes ?? []).includes(d.deliverToCode);
            if (ours) emit(d.deliveryId, () => inboxItemOf({ ...d, state: 'queued' }));
          } catch (err) {
            unsubscribe();
            subscriber.error(exchangeErrors.toRpcException(err));
          }
        });
      } catch (err) {
        subscriber.error(exchangeErrors.toRpcException(err));
        return undefined;
      }
      if (req.includeExisting) {
        void (async () => {
          try {
            let pageToken = '';
            do {
              const page = await this.delivery.listInbox({ ...this.scope(caller, agencyCode), states: ['queued'], pageSize: 500, pageToken });
              for (const d of page.deliveries) emit(d.deliveryId, () => inboxItemOfMessage(d));
              pageToken = page.nextPageToken;
            } while (pageToken);
          } catch (err) {
            unsubscribe();
            subscriber.error(exchangeErrors.toRpcException(err));
          }
        })();
      }
      return () => unsubscribe();
    });
  }

  /** Records the fetch, then streams the body from the blob store. */
  @GrpcMethod(SERVICE, 'FetchPackage')
  fetchPackage(req: DeepPartial<exchangeV1.FetchPackageRequest>, _m: Metadata, call: ServerWritableStream<unknown, unknown>): Observable<exchangeV1.PackageChunk> {
    return new Observable((subscriber) => {
      void (async () => {
        try {
          const caller = callerOf(call);
          const d = await this.ownDelivery(caller, req.deliveryId ?? '');
          // With tracing on, the fetch joins the trace of the send that queued the delivery (linked to the caller's).
          await inTraceOf('@vdx/gateway', 'FetchPackage', d.trace, { 'rpc.method': 'FetchPackage', 'vdx.delivery.id': d.deliveryId }, async () => {
            await this.delivery.fetch(d.deliveryId, caller.systemId);
            const body = (await this.blobs.get(d.bodySha256)) as AsyncIterable<Buffer>;
            for await (const chunk of body) {
              for (let i = 0; i < chunk.length; i += CHUNK_BYTES) subscriber.next({ data: chunk.subarray(i, i + CHUNK_BYTES) });
            }
          });
          subscriber.complete();
        } catch (err) {
          subscriber.error(exchangeErrors.toRpcException(err));
        }
      })();
    });
  }

  @GrpcMethod(SERVICE, 'Acknowledge')
  acknowledge(req: DeepPartial<exchangeV1.AcknowledgeRequest>, _m: Metadata, call: ServerUnaryCall<unknown, unknown>): Promise<exchangeV1.AcknowledgeResponse> {
    return this.run(async () => {
      const caller = callerOf(call);
      const d = await this.ownDelivery(caller, req.deliveryId ?? '');
      const after = await this.delivery.acknowledge(d.deliveryId, caller.systemId, req.result ?? '', req.reason ?? '');
      return { deliveryId: after.deliveryId, state: after.state };
    });
  }

  /**
   * A package the caller's agency sent: each stage it reached (with the reason when it was
   * refused), the signature verdict with every check, the recipients routing could not reach, and each delivery's transport state and
   * business statuses.
   */
  @GrpcMethod(SERVICE, 'GetTrace')
  getTrace(req: DeepPartial<exchangeV1.GetTraceRequest>, _m: Metadata, call: ServerUnaryCall<unknown, unknown>): Promise<exchangeV1.Trace> {
    return this.run(async () => {
      const caller = callerOf(call);
      const packageId = req.packageId ?? '';
      const trace = await this.traces.get(packageId);
      if (!trace) throw new ExchangeError('EXCHANGE.NOT_FOUND', `no package ${packageId} (unknown, or not yet recorded)`, { path: 'package_id' });
      if (!trace.senderCode || !this.directory.mayActFor(caller.fingerprint, trace.senderCode)) {
        throw new ExchangeError('EXCHANGE.NOT_AUTHORISED', `system ${caller.systemId} may not trace packages of ${trace.senderCode ?? 'an unknown sender'}`, { path: 'package_id' });
      }
      const { deliveries } = trace.stage === 'routed' ? await this.delivery.ofPackage(packageId) : { deliveries: [] };
      return {
        packageId,
        senderCode: trace.senderCode,
        documentId: trace.documentId ?? '',
        stage: trace.stage,
        events: trace.events.map((e) => ({ at: e.at, type: e.type, detail: e.detail })),
        errorCode: trace.errorCode,
        reason: trace.reason,
        unroutable: [...trace.unroutable],
        signature: trace.signature ? { verifier: trace.signature.verifier, cryptographic: trace.signature.cryptographic, checks: [...trace.signature.checks], evidence: trace.signature.evidence } : undefined,
        recipients: deliveries.map((d) => ({
          recipientCode: d.recipientCode,
          deliveredTo: d.deliverToCode,
          route: d.route,
          routeVia: d.routeVia,
          transportState: d.state,
          statuses: d.statuses.map((x) => ({ code: x.code, at: x.at, description: x.description })),
        })),
      };
    });
  }
}
