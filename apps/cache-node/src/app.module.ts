/** The cache node: config, engine and command layer, then one module per transport role. */
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { ConfigStore } from '../../../libs/engine/src/commands/config-store.js';
import { NodeConfigModule } from './config/node-config.module.js';
import { EngineModule } from './engine/engine.module.js';
import { HealthModule } from './health/health.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { CacheHttpModule } from './http/cache-http.module.js';
import { CacheRpcModule } from './tcp/cache-rpc.module.js';

@Module({})
export class AppModule {
  /** `extra`: modules loaded by the caller (MetricsModule, ClusterModule; see node-app.ts). */
  static forRoot(config: ConfigStore, extra: (Type | DynamicModule)[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [NodeConfigModule.forRoot(config), EngineModule, PersistenceModule, CacheHttpModule, CacheRpcModule, HealthModule, ...extra],
    };
  }
}
