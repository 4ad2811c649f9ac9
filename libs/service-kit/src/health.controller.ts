import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { KafkaHealthIndicator, StoreHealthIndicator } from './readiness.indicators';

/** Kubernetes probes: liveness never touches a dependency, readiness asks each one afresh. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly store: StoreHealthIndicator,
  ) {}

  // A dead broker must not get the pod restarted, only taken out of rotation: live stays 200.
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.kafka.isHealthy(), () => this.store.isHealthy()]);
  }
}
