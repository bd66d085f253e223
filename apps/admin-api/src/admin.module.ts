/**
 * The admin API: cluster overview, rebalancing and health, key inspection and SCAN, /cache through the cluster client,
 * /metrics and /docs; the optional bearer token guards all but health, and errors keep one JSON shape.
 */
import { Global, Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ADMIN_CONFIG, type AdminConfig } from './admin-config.js';
import { AdminErrorsFilter } from './admin-errors.filter.js';
import { AdminMetricsModule } from './admin-metrics.js';
import { AdminTokenGuard } from './auth/admin-token.guard.js';
import { CacheController } from './cache/cache.controller.js';
import { ClusterCache } from './cache/cluster-cache.js';
import { ClusterView } from './cluster/cluster-view.js';
import { ClusterController } from './cluster/cluster.controller.js';
import { NodePool } from './cluster/node-pool.js';
import { RebalanceController } from './cluster/rebalance.controller.js';
import { RebalanceService } from './cluster/rebalance.service.js';
import { DocsController } from './docs/docs.controller.js';
import { ClusterHealthIndicator } from './health/cluster.health.js';
import { HealthController } from './health/health.controller.js';
import { KeyInspector } from './keys/key-inspector.js';
import { KeysController } from './keys/keys.controller.js';

@Global()
@Module({})
export class AdminModule {
  static forRoot(config: AdminConfig): DynamicModule {
    return {
      module: AdminModule,
      imports: [TerminusModule.forRoot({ logger: false }), AdminMetricsModule],
      controllers: [HealthController, ClusterController, RebalanceController, KeysController, CacheController, DocsController],
      providers: [
        { provide: ADMIN_CONFIG, useValue: config },
        { provide: NodePool, useFactory: () => new NodePool(config.timeoutMs) },
        { provide: APP_GUARD, useClass: AdminTokenGuard },
        { provide: APP_FILTER, useClass: AdminErrorsFilter },
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
        ClusterView,
        RebalanceService,
        ClusterHealthIndicator,
        KeyInspector,
        ClusterCache,
      ],
      exports: [ADMIN_CONFIG, ClusterView],
    };
  }
}
