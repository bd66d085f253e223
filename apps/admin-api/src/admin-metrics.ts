/**
 * GET /metrics of the admin API: Node's default metrics plus cluster-level gauges, set from one cluster
 * overview per scrape (topology from CLUSTER NODES/INFO, keys and memory from each live member's INFO).
 * A registry per app (not prom-client's global one), so several admin apps can live in one process.
 */
import { Controller, Get, Header, Inject, Injectable, Module } from '@nestjs/common';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ClusterView, type ClusterOverview } from './cluster/cluster-view.js';

const STATES = ['alive', 'suspect', 'failed'] as const;

@Injectable()
export class AdminMetrics {
  readonly registry = new Registry();
  private readonly up = this.gauge('ringcache_cluster_up', '1 if some node answered CLUSTER NODES/INFO at this scrape');
  private readonly members = this.gauge('ringcache_cluster_members', 'Cluster members by state', ['state']);
  private readonly epoch = this.gauge('ringcache_cluster_epoch', 'cluster_current_epoch of CLUSTER INFO');
  private readonly stateOk = this.gauge('ringcache_cluster_state_ok', '1 if cluster_state is ok');
  private readonly assigned = this.gauge('ringcache_cluster_slots_assigned', 'Slots some member claims (of 16384)');
  private readonly unowned = this.gauge('ringcache_cluster_slots_unowned', 'Slots without an owner that is alive or suspect');
  private readonly keys = this.gauge('ringcache_cluster_keys', 'Keys over all members that answered INFO');
  private readonly memory = this.gauge('ringcache_cluster_memory_bytes', 'used_memory over all members that answered INFO');
  private readonly memberSlots = this.gauge('ringcache_cluster_member_slots', 'Slots owned by each member', ['id', 'address']);

  constructor(@Inject(ClusterView) private readonly cluster: ClusterView) {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text, after reading the cluster once. */
  async scrape(): Promise<string> {
    let overview: ClusterOverview | undefined;
    try {
      overview = await this.cluster.overview();
    } catch {
      overview = undefined;
    }
    for (const g of [this.members, this.memberSlots]) g.reset();
    this.up.set(overview ? 1 : 0);
    if (overview) this.record(overview);
    return this.registry.metrics();
  }

  private record(overview: ClusterOverview): void {
    this.epoch.set(overview.epoch);
    this.stateOk.set(overview.state === 'ok' ? 1 : 0);
    for (const state of STATES) this.members.labels(state).set(overview.members.filter((m) => m.state === state).length);
    for (const m of overview.members) this.memberSlots.labels(m.id, m.address).set(m.slots);
    this.keys.set(overview.members.reduce((sum, m) => sum + (m.keys ?? 0), 0));
    this.memory.set(overview.members.reduce((sum, m) => sum + (m.memoryBytes ?? 0), 0));
    this.assigned.set(overview.slotsAssigned);
    this.unowned.set(overview.slotsUnowned);
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

@Controller('metrics')
export class AdminMetricsController {
  constructor(@Inject(AdminMetrics) private readonly metrics: AdminMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}

@Module({ controllers: [AdminMetricsController], providers: [AdminMetrics] })
export class AdminMetricsModule {}
