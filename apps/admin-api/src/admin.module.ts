/** The admin API: for now, the health of the configured nodes and /metrics. */
import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import type { AdminConfig } from './admin-config.js';
import { ClusterHealthModule } from './cluster-health/cluster-health.module.js';
import { ADMIN_CONFIG } from './cluster-health/node-ping.health.js';

@Global()
@Module({})
export class AdminModule {
  /** `extra`: modules loaded by the caller (the metrics module, loaded on demand as in the cache node). */
  static forRoot(config: AdminConfig, extra: Type[] = []): DynamicModule {
    return {
      module: AdminModule,
      imports: [ClusterHealthModule, ...extra],
      providers: [{ provide: ADMIN_CONFIG, useValue: config }],
      exports: [ADMIN_CONFIG],
    };
  }
}
