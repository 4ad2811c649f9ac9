import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { probeIndicator, type ReadinessProbe } from './readiness-probe';
import { KAFKA_READINESS, STORE_READINESS } from './service-kit.tokens';

/** Terminus indicator `kafka`: the broker answers a metadata request. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(KAFKA_READINESS) private readonly probe: ReadinessProbe,
  ) {}

  isHealthy(): Promise<HealthIndicatorResult<'kafka'>> {
    return probeIndicator(this.indicators, 'kafka', this.probe);
  }
}

/** Terminus indicator `store`: the MongoDB-compatible store answers `ping`. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(STORE_READINESS) private readonly probe: ReadinessProbe,
  ) {}

  isHealthy(): Promise<HealthIndicatorResult<'store'>> {
    return probeIndicator(this.indicators, 'store', this.probe);
  }
}
