/**
 * ringcache_command_latency_seconds as a real Prometheus histogram (_bucket{le}, _sum, _count) built at scrape
 * time from ServerState's plain bucket counters. prom-client's Histogram can only be fed by observe(), so this
 * is a registry metric of our own: the registry calls get() and renders the values it returns.
 */
import type { Metric, Registry } from 'prom-client';
import { LATENCY_BUCKETS_US, type ServerState } from '../../../../libs/engine/src/commands/server-state.js';

const LE = LATENCY_BUCKETS_US.map((us) => String(us / 1e6));

export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly help = 'Latency of commands run through the command table, in seconds';

  constructor(
    readonly name: string,
    private readonly server: ServerState,
  ) {}

  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Array<{ metricName: string; labels: Record<string, string>; value: number }> } {
    const buckets = this.server.latencyBuckets; // per-bucket counts; Prometheus wants cumulative ones
    const values = [];
    let cumulative = 0;
    for (let i = 0; i < LE.length; i++) {
      cumulative += buckets[i];
      values.push({ metricName: `${this.name}_bucket`, labels: { le: LE[i] }, value: cumulative });
    }
    cumulative += buckets[LE.length];
    values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: cumulative });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: this.server.latencySumUs / 1e6 });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: cumulative });
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }

  /** Registry.resetMetrics() calls this; the counts belong to ServerState (CONFIG RESETSTAT resets them). */
  reset(): void {}

  register(registry: Registry): void {
    registry.registerMetric(this as unknown as Metric);
  }
}
