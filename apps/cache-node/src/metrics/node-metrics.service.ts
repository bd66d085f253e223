/** Registers the ringcache_ metrics on prom-client's default registry (the one /metrics serves) for the app's life. */
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { register } from 'prom-client';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import { registerNodeMetrics } from './node-metrics.js';

@Injectable()
export class NodeMetrics implements OnModuleInit, OnModuleDestroy {
  private unregister: (() => void) | undefined;

  constructor(
    @Inject(Engine) private readonly engine: Engine,
    @Inject(ServerState) private readonly server: ServerState,
  ) {}

  onModuleInit(): void {
    this.unregister = registerNodeMetrics(register, this.engine, this.server);
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
