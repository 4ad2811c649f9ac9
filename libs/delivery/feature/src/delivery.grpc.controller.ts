import type { ServerUnaryCall } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Actor } from '@vdx/contracts';
import type { DeepPartial, deliveryV1, UnaryHandlers } from '@vdx/contracts/grpc';
import { DeliveryError, type TransportState } from '@vdx/delivery-domain';
import { DeliveryCommands } from './delivery-commands';
import { DeliveryKeys, type DeliveryKey } from './delivery-keys';
import { toDeliveryMessage } from './delivery-message';
import { DeliveryStore, inboxPosition } from './delivery-store';
import type { AxisIdentity } from '@vdx/pki';
import { deliveryAccess, type DeliveryRpc } from './delivery-access';
import { deliveryErrors } from './grpc-errors';

const SERVICE = 'DeliveryService';
const STATES: readonly TransportState[] = ['queued', 'fetched', 'acknowledged', 'failed', 'dead', 'withdrawn'];
const MAX_PAGE = 500;
type Call = ServerUnaryCall<unknown, unknown>;

/** Runs a handler once its caller passed `DELIVERY_ACCESS` (`DELIVERY.UNAUTHENTICATED` or `DELIVERY.PERMISSION_DENIED` otherwise). */
function guarded<T>(call: Call, rpc: DeliveryRpc, fn: (caller: AxisIdentity) => Promise<T>): Promise<T> {
  return deliveryErrors.call(async () => fn(deliveryAccess.check(call, rpc)));
}

function pageSize(n: number | undefined, fallback: number): number {
  return !n || n <= 0 ? fallback : Math.min(n, MAX_PAGE);
}

/** gRPC `vdx.delivery.v1.DeliveryService`: internal, for the gateway and operators, over mutual TLS; every handler checks its caller first. */
@Controller()
export class DeliveryGrpcController implements UnaryHandlers<deliveryV1.DeliveryService> {
  constructor(
    @Inject(DeliveryStore) private readonly store: DeliveryStore,
    @Inject(DeliveryCommands) private readonly commands: DeliveryCommands,
    @Inject(DeliveryKeys) private readonly keys: DeliveryKeys,
  ) {}

  /**
   * The key a delivery's commands are submitted under, and its send's correlation id ({@link
   * DeliveryKeys}). One queued a moment ago on another instance's partition may not be projected
   * yet: that is not fetchable yet, as it is not listed yet.
   */
  private async known(deliveryId: string): Promise<DeliveryKey> {
    const d = await this.keys.of(deliveryId);
    if (!d) throw new DeliveryError('DELIVERY.UNKNOWN_DELIVERY', `no delivery ${deliveryId}`, { path: 'delivery_id' });
    return d;
  }

  private meta(d: DeliveryKey, actor: Actor) {
    return { actor, correlationId: d.correlationId, key: d.commandKey };
  }

  @GrpcMethod(SERVICE, 'ListInbox')
  listInbox(req: DeepPartial<deliveryV1.ListInboxRequest>, _metadata: unknown, call: Call): Promise<deliveryV1.DeliveryPage> {
    return guarded(call, 'ListInbox', async () => {
      const states = (req.states?.length ? req.states : ['queued', 'fetched']) as TransportState[];
      const unknown = states.find((s) => !STATES.includes(s));
      if (unknown) throw new DeliveryError('DELIVERY.INVALID_FIELD', `unknown state ${JSON.stringify(unknown)}`, { path: 'states' });
      if (!req.recipientCodes?.length && !req.deliverToCodes?.length) throw new DeliveryError('DELIVERY.INVALID_FIELD', 'name at least one recipient or receiving agency', { path: 'recipient_codes' });
      const limit = pageSize(req.pageSize, 100);
      const page = await this.store.inbox({ recipientCodes: req.recipientCodes ?? [], deliverToCodes: req.deliverToCodes ?? [], states, limit: limit + 1, ...(req.kind ? { kind: req.kind } : {}), ...(req.pageToken ? { after: req.pageToken } : {}) });
      const items = page.slice(0, limit);
      return { deliveries: items.map(toDeliveryMessage), nextPageToken: page.length > limit ? inboxPosition(items[items.length - 1]!) : '' };
    });
  }

  @GrpcMethod(SERVICE, 'GetDelivery')
  getDelivery(req: DeepPartial<deliveryV1.DeliveryRef>, _metadata: unknown, call: Call): Promise<deliveryV1.Delivery> {
    return guarded(call, 'GetDelivery', async () => {
      const d = await this.keys.current(req.deliveryId ?? '');
      if (!d) throw new DeliveryError('DELIVERY.UNKNOWN_DELIVERY', `no delivery ${req.deliveryId ?? ''}`, { path: 'delivery_id' });
      return toDeliveryMessage(d);
    });
  }

  @GrpcMethod(SERVICE, 'Fetch')
  fetch(req: DeepPartial<deliveryV1.FetchRequest>, _metadata: unknown, call: Call): Promise<deliveryV1.Delivery> {
    return guarded(call, 'Fetch', async () => {
      const d = await this.known(req.deliveryId ?? '');
      const systemId = req.systemId ?? '';
      return toDeliveryMessage(await this.commands.execute({ kind: 'Fetch', deliveryId: d.deliveryId, systemId }, this.meta(d, { kind: 'system', id: systemId })));
    });
  }

  @GrpcMethod(SERVICE, 'Acknowledge')
  acknowledge(req: DeepPartial<deliveryV1.AcknowledgeRequest>, _metadata: unknown, call: Call): Promise<deliveryV1.Delivery> {
    return guarded(call, 'Acknowledge', async () => {
      const result = req.result === 'done' || req.result === 'fail' ? req.result : undefined;
      if (!result) throw new DeliveryError('DELIVERY.INVALID_FIELD', 'result must be done or fail', { path: 'result' });
      const d = await this.known(req.deliveryId ?? '');
      const systemId = req.systemId ?? '';
      const after = await this.commands.execute(
        { kind: 'Acknowledge', deliveryId: d.deliveryId, systemId, result, ...(req.reason ? { reason: req.reason } : {}) },
        this.meta(d, { kind: 'system', id: systemId }),
      );
      return toDeliveryMessage(after);
    });
  }

  @GrpcMethod(SERVICE, 'ListPackageDeliveries')
  listPackageDeliveries(req: DeepPartial<deliveryV1.PackageRef>, _metadata: unknown, call: Call): Promise<deliveryV1.DeliveryPage> {
    return guarded(call, 'ListPackageDeliveries', async () => ({ deliveries: (await this.store.ofPackage(req.packageId ?? '')).map(toDeliveryMessage), nextPageToken: '' }));
  }

  @GrpcMethod(SERVICE, 'ListDead')
  listDead(req: DeepPartial<deliveryV1.ListDeadRequest>, _metadata: unknown, call: Call): Promise<deliveryV1.DeliveryPage> {
    return guarded(call, 'ListDead', async () => {
      const page = await this.store.dead(pageSize(req.limit, 100), req.pageToken ?? '');
      return { deliveries: page.deliveries.map(toDeliveryMessage), nextPageToken: page.next ?? '' };
    });
  }

  @GrpcMethod(SERVICE, 'Redrive')
  redrive(req: DeepPartial<deliveryV1.RedriveRequest>, _metadata: unknown, call: Call): Promise<deliveryV1.Delivery> {
    return guarded(call, 'Redrive', async (caller) => {
      // The name the operator gave (`vdx deliveries redrive --operator`), else the one their certificate names.
      const operator = req.operator || caller.name;
      const d = await this.known(req.deliveryId ?? '');
      return toDeliveryMessage(await this.commands.execute({ kind: 'Redrive', deliveryId: d.deliveryId, operator }, this.meta(d, { kind: 'operator', id: operator })));
    });
  }
}
