/**
 * Readiness in cluster mode: the node reaches a majority of the members it knows (else it answers CLUSTERDOWN)
 * and is not still copying the slots it is to own (a joining or returning member serves none meanwhile).
 */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { ClusterState } from '../../../../libs/cluster/src/cluster-state.js';

@Injectable()
export class ClusterHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(ServerState) private readonly server: ServerState,
  ) {}

  /** Cluster mode is on: a standalone node has nothing to check. */
  get enabled(): boolean {
    return this.server.cluster instanceof ClusterState;
  }

  isReady<Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const cluster = this.server.cluster as ClusterState;
    const indicator = this.health.check(key);
    const details = { epoch: cluster.topology.epoch, members: cluster.topology.nodes.length };
    if (!cluster.ok) return indicator.down({ ...details, reason: 'cannot reach a majority of the cluster (CLUSTERDOWN)' });
    if (cluster.membership.syncing) return indicator.down({ ...details, reason: 'still copying the slots it is to own (syncing)' });
    if (cluster.coldStartSettling) return indicator.down({ ...details, reason: 'the cluster is starting from its members\' append-only files (TRYAGAIN)' });
    return indicator.up(details);
  }
}
