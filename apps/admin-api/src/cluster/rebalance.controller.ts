/**
 * Rebalancing routes: GET /cluster/rebalance (progress), POST /cluster/rebalance (plan, and resume unless
 * dryRun), POST /cluster/rebalance/pause|resume (slot-sync-paused on every member), and
 * POST /cluster/nodes/:id/drain (CLUSTER LEAVE to one member).
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Res } from '@nestjs/common';
import { RebalanceService, type RebalancePlan, type RebalanceProgress, type SyncPauseResult } from './rebalance.service.js';
import { StartRebalanceDto } from './start-rebalance.dto.js';

/** The part of Express's response the dry run needs: its status differs from the route's 202. */
interface StatusSetter {
  status(code: number): unknown;
}

@Controller('cluster')
export class RebalanceController {
  constructor(@Inject(RebalanceService) private readonly rebalance: RebalanceService) {}

  @Get('rebalance')
  progress(): Promise<RebalanceProgress> {
    return this.rebalance.progress();
  }

  /** The plan; without dryRun the snapshots are resumed too (202: the nodes move the slots in their own time). */
  @Post('rebalance')
  @HttpCode(HttpStatus.ACCEPTED)
  async start(@Body() body: StartRebalanceDto, @Res({ passthrough: true }) res: StatusSetter): Promise<RebalancePlan & { resumed?: SyncPauseResult }> {
    const plan = await this.rebalance.plan();
    if (body.dryRun === true) {
      res.status(HttpStatus.OK);
      return plan;
    }
    return { ...plan, resumed: await this.rebalance.setPaused(false) };
  }

  @Post('rebalance/pause')
  @HttpCode(HttpStatus.OK)
  pause(): Promise<SyncPauseResult> {
    return this.rebalance.setPaused(true);
  }

  @Post('rebalance/resume')
  @HttpCode(HttpStatus.OK)
  resume(): Promise<SyncPauseResult> {
    return this.rebalance.setPaused(false);
  }

  @Post('nodes/:id/drain')
  @HttpCode(HttpStatus.ACCEPTED)
  async drain(@Param('id') id: string): Promise<{ draining: string }> {
    await this.rebalance.drain(id);
    return { draining: id };
  }
}
