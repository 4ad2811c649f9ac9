import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable, distinctUntilChanged, interval, map, startWith } from 'rxjs';

/** Whether the service can do its work right now (its dependencies answer). */
export const SERVING_CHECK = Symbol('SERVING_CHECK');
export type ServingCheck = () => boolean;

/** `grpc.health.v1.Health`, as Kubernetes gRPC probes and grpc_health_probe use it. */
@Controller()
export class HealthGrpcController {
  constructor(@Inject(SERVING_CHECK) private readonly serving: ServingCheck) {}

  private status(): { status: string } {
    return { status: this.serving() ? 'SERVING' : 'NOT_SERVING' };
  }

  @GrpcMethod('Health', 'Check')
  check(): { status: string } {
    return this.status();
  }

  /** Sends the status now and again whenever it changes. */
  @GrpcMethod('Health', 'Watch')
  watch(): Observable<{ status: string }> {
    return interval(1000).pipe(
      startWith(0),
      map(() => this.status().status),
      distinctUntilChanged(),
      map((status) => ({ status })),
    );
  }
}
