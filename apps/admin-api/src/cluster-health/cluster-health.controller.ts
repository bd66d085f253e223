/** GET /cluster/health: every configured node PINGed in parallel; 200 when all answer, 503 otherwise. */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { AdminConfig } from '../admin-config.js';
import { ADMIN_CONFIG, NodePingHealthIndicator } from './node-ping.health.js';

@Controller('cluster')
export class ClusterHealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(NodePingHealthIndicator) private readonly ping: NodePingHealthIndicator,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
  ) {}

  @Get('health')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check(
      this.config.nodes.map(({ host, port }) => () => this.ping.check(`${host}:${port}`, host, port, this.config.pingTimeoutMs)),
    );
  }
}
