/** Starts the engine's active expiry with the app, stops it on shutdown, and applies CONFIG SET changes. */
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import { applyConfigChange } from './engine-config.js';

@Injectable()
export class EngineLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(Engine) private readonly engine: Engine,
    @Inject(ConfigStore) private readonly config: ConfigStore,
  ) {}

  onModuleInit(): void {
    this.config.onChange((name, value) => applyConfigChange(this.engine, this.config, name, value));
    this.engine.start();
  }

  onModuleDestroy(): void {
    this.engine.stop();
  }
}
