/** GET /metrics: Node's default metrics plus the ringcache_ ones, through @willsoto/nestjs-prometheus. */
import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { NodeMetrics } from './node-metrics.service.js';

@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [NodeMetrics],
})
export class MetricsModule {}
