/** Liveness and readiness through @nestjs/terminus. */
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { NodeStatus } from '../node-status.js';
import { HealthController } from './health.controller.js';
import { ClusterHealthIndicator } from './cluster.health.js';
import { RespListenerHealthIndicator } from './resp-listener.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RespListenerHealthIndicator, ClusterHealthIndicator],
})
export class HealthModule {}
