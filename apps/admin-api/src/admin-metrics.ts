/** /metrics of the admin API: Node's default metrics plus ringcache_admin_node_up{node}, PINGed at scrape time. */
import { Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { Gauge, register } from 'prom-client';
import type { AdminConfig } from './admin-config.js';
import { pingResp } from './cluster-health/resp-ping.js';
import { ADMIN_CONFIG } from './cluster-health/node-ping.health.js';

const NODE_UP = 'ringcache_admin_node_up';

@Injectable()
export class AdminMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(ADMIN_CONFIG) private readonly config: AdminConfig) {}

  onModuleInit(): void {
    const { nodes, pingTimeoutMs } = this.config;
    new Gauge({
      name: NODE_UP,
      help: '1 if the node answers PING on its RESP port',
      labelNames: ['node'],
      async collect() {
        const results = await Promise.all(nodes.map((n) => pingResp(n.host, n.port, pingTimeoutMs)));
        nodes.forEach((n, i) => this.labels(`${n.host}:${n.port}`).set(results[i].up ? 1 : 0));
      },
    });
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(NODE_UP);
  }
}

@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [AdminMetrics],
})
export class AdminMetricsModule {}
