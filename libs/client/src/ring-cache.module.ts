/** Nest wiring of RingCacheClient: one connected client per module, injectable by class, quit on shutdown. */
import { Inject, Injectable, Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { RingCacheClientOptions } from './client-options.js';
import { RingCacheClient } from './ring-cache-client.js';

/** Token of the options given to forRoot / produced by forRootAsync's factory. */
export const RING_CACHE_OPTIONS = Symbol('RING_CACHE_OPTIONS');

export interface RingCacheModuleOptions extends RingCacheClientOptions {
  /** Register the module globally, so feature modules inject RingCacheClient without importing it. Default false. */
  isGlobal?: boolean;
}

export interface RingCacheModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => RingCacheClientOptions | Promise<RingCacheClientOptions>;
  isGlobal?: boolean;
}

/** Quits the client after every module's onModuleDestroy ran, so they may still use it while shutting down. */
@Injectable()
export class RingCacheShutdown implements OnApplicationShutdown {
  constructor(@Inject(RingCacheClient) private readonly client: RingCacheClient) {}

  onApplicationShutdown(): Promise<void> {
    return this.client.quit();
  }
}

async function connectedClient(options: RingCacheClientOptions): Promise<RingCacheClient> {
  const client = new RingCacheClient(options);
  await client.connect();
  return client;
}

@Module({})
export class RingCacheModule {
  /** A client built from static options; the application's bootstrap waits for `connect()`. */
  static forRoot(options: RingCacheModuleOptions): DynamicModule {
    const { isGlobal, ...clientOptions } = options;
    return ringCacheModule([{ provide: RING_CACHE_OPTIONS, useValue: clientOptions }], [], isGlobal);
  }

  /** A client whose options come from a factory with injected dependencies (e.g. ConfigService). */
  static forRootAsync(options: RingCacheModuleAsyncOptions): DynamicModule {
    const optionsProvider = { provide: RING_CACHE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] };
    return ringCacheModule([optionsProvider], options.imports ?? [], options.isGlobal);
  }
}

function ringCacheModule(providers: Provider[], imports: NonNullable<ModuleMetadata['imports']>, isGlobal = false): DynamicModule {
  return {
    module: RingCacheModule,
    global: isGlobal,
    imports,
    providers: [...providers, { provide: RingCacheClient, useFactory: connectedClient, inject: [RING_CACHE_OPTIONS] }, RingCacheShutdown],
    exports: [RingCacheClient],
  };
}
