/** The node's append-only file (libs/persistence AofRuntime): started by startNode, closed with the app. */
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import { AofRuntime } from '../../../../libs/persistence/src/aof-runtime.js';

/** Writes and fsyncs what the AOF buffers once the listeners are closed (no reply can follow). */
@Injectable()
class AofLifecycle implements OnApplicationShutdown {
  constructor(@Inject(AofRuntime) private readonly aof: AofRuntime) {}

  onApplicationShutdown(): void {
    this.aof.stop();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: AofRuntime,
      inject: [ConfigStore, Engine, ServerState, CommandTable],
      useFactory: (config: ConfigStore, engine: Engine, server: ServerState, table: CommandTable) => new AofRuntime(config, engine, server, table),
    },
    AofLifecycle,
  ],
  exports: [AofRuntime],
})
export class PersistenceModule {}
