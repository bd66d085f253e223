/**
 * Cluster health in terminus's indicator style. `nodes`: up when some node describes the cluster, with every
 * member's state by address. `slots`: up when each of the 16384 slots has an owner that is not failed.
 */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ClusterView, type ClusterTopology } from '../cluster/cluster-view.js';

@Injectable()
export class ClusterHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(ClusterView) private readonly cluster: ClusterView,
  ) {}

  /** Both indicators from one topology read. */
  async check(): Promise<[nodes: HealthIndicatorResult, slots: HealthIndicatorResult]> {
    const nodes = this.health.check('nodes');
    const slots = this.health.check('slots');
    let topology: ClusterTopology;
    try {
      topology = await this.cluster.topology();
    } catch (err) {
      const detail = (err as Error).message;
      return [nodes.down({ detail }), slots.down({ detail: 'slot owners unknown' })];
    }
    const members = Object.fromEntries(topology.members.map((m) => [m.address || m.id, m.state]));
    const { slotsAssigned, slotsUnowned, epoch } = topology;
    const slotData = { assigned: slotsAssigned, unowned: slotsUnowned, epoch, cluster_state: topology.state };
    return [nodes.up({ source: topology.source, members }), slotsUnowned === 0 ? slots.up(slotData) : slots.down(slotData)];
  }
}
