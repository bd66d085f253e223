/** GET /health/live (the process answers), GET /health/ready and GET /cluster/health (every slot has a live owner). */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { ClusterHealthIndicator } from './cluster.health.js';

@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(ClusterHealthIndicator) private readonly cluster: ClusterHealthIndicator,
  ) {}

  @Get('health/live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('health/ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.clusterHealth();
  }

  @Get('cluster/health')
  @HealthCheck()
  clusterHealth(): Promise<HealthCheckResult> {
    const both = this.cluster.check();
    const nodes = (): Promise<HealthIndicatorResult> => both.then(([result]) => result);
    const slots = (): Promise<HealthIndicatorResult> => both.then(([, result]) => result);
    return this.health.check([nodes, slots]);
  }
}
