/** Readiness of this node: the RESP listener is bound, the AOF loaded, and the node is not shutting down. */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { NodeStatus } from '../node-status.js';

@Injectable()
export class RespListenerHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(NodeStatus) private readonly status: NodeStatus,
    @Inject(ServerState) private readonly server: ServerState,
  ) {}

  isReady<Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const indicator = this.health.check(key);
    if (this.status.shuttingDown) return indicator.down({ reason: 'shutting down' });
    if (!this.status.listening) return indicator.down({ reason: 'RESP listener not bound yet' });
    if (this.server.loading) return indicator.down({ reason: 'loading the append-only file' });
    return indicator.up();
  }
}
