/** /health/live (the process answers) and /health/ready (listening, not draining, and in cluster mode not CLUSTERDOWN). */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { ClusterHealthIndicator } from './cluster.health.js';
import { RespListenerHealthIndicator } from './resp-listener.health.js';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(RespListenerHealthIndicator) private readonly resp: RespListenerHealthIndicator,
    @Inject(ClusterHealthIndicator) private readonly cluster: ClusterHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.resp.isReady('resp')];
    if (this.cluster.enabled) checks.push(() => this.cluster.isReady('cluster'));
    return this.health.check(checks);
  }
}
