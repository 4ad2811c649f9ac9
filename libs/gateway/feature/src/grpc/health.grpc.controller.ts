import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { healthV1, type ServerStreamHandlers, type UnaryHandlers } from '@vdx/contracts/grpc';
import { Observable, distinctUntilChanged, interval, map, startWith } from 'rxjs';

/** Whether the service can do its work right now (its dependencies answer). */
export const SERVING_CHECK = Symbol('SERVING_CHECK');
export type ServingCheck = () => boolean;

/** `grpc.health.v1.Health`, as Kubernetes gRPC probes and grpc_health_probe use it. */
@Controller()
export class HealthGrpcController implements UnaryHandlers<healthV1.Health>, ServerStreamHandlers<healthV1.Health> {
  constructor(@Inject(SERVING_CHECK) private readonly serving: ServingCheck) {}

  private status(): healthV1.HealthCheckResponse {
    return { status: this.serving() ? healthV1.HealthCheckResponse_ServingStatus.SERVING : healthV1.HealthCheckResponse_ServingStatus.NOT_SERVING };
  }

  @GrpcMethod('Health', 'Check')
  check(): healthV1.HealthCheckResponse {
    return this.status();
  }

  /** Sends the status now and again whenever it changes. */
  @GrpcMethod('Health', 'Watch')
  watch(): Observable<healthV1.HealthCheckResponse> {
    return interval(1000).pipe(
      startWith(0),
      map(() => this.status().status),
      distinctUntilChanged(),
      map((status) => ({ status })),
    );
  }
}
