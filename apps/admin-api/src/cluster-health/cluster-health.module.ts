/** Cluster health through @nestjs/terminus. */
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClusterHealthController } from './cluster-health.controller.js';
import { NodePingHealthIndicator } from './node-ping.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [ClusterHealthController],
  providers: [NodePingHealthIndicator],
})
export class ClusterHealthModule {}
