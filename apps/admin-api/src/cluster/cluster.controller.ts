/**
 * GET /cluster: epoch, state, every member with its slots, share, keys, memory and replication, and every slot
 * range with its primary and replicas (CLUSTER SLOTS).
 */
import { Controller, Get, Inject } from '@nestjs/common';
import type { SlotGroup } from './cluster-nodes.js';
import { ClusterView, type MemberView } from './cluster-view.js';

export interface ClusterResponse {
  epoch: number;
  state: 'ok' | 'fail';
  members: MemberView[];
  slotRanges: readonly SlotGroup[];
}

@Controller('cluster')
export class ClusterController {
  constructor(@Inject(ClusterView) private readonly cluster: ClusterView) {}

  @Get()
  async describe(): Promise<ClusterResponse> {
    const { epoch, state, members, slotGroups } = await this.cluster.overview();
    return { epoch, state, members, slotRanges: slotGroups };
  }
}
