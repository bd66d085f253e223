/** GET /cluster: epoch, state and every member with its slots, share, keys and memory. */
import { Controller, Get, Inject } from '@nestjs/common';
import { ClusterView, type MemberView } from './cluster-view.js';

export interface ClusterResponse {
  epoch: number;
  state: 'ok' | 'fail';
  members: MemberView[];
}

@Controller('cluster')
export class ClusterController {
  constructor(@Inject(ClusterView) private readonly cluster: ClusterView) {}

  @Get()
  async describe(): Promise<ClusterResponse> {
    const { epoch, state, members } = await this.cluster.overview();
    return { epoch, state, members };
  }
}
