/**
 * The engine and the command layer as Nest providers: eviction policy (EVICTION_POLICY, chosen by
 * maxmemory-policy), Engine, ServerState, CommandTable, and the ways transports run commands
 * (RespDispatcher for RESP; CommandExecutor, and CommandRouter over it forwarding to the owner in cluster
 * mode, for Nest TCP and HTTP).
 */
import { Global, Module } from '@nestjs/common';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { CommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { RespDispatcher } from '../../../../libs/engine/src/commands/resp-dispatcher.js';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { createEvictionPolicy, Engine, type EvictionPolicy, type EvictionPolicyName } from '../../../../libs/engine/src/engine.js';
import { CommandRouter } from '../cluster/command-router.js';
import { PeerLinks } from '../cluster/peer-links.js';
import { engineOptions } from './engine-config.js';
import { createNodeCommandTable } from './node-command-table.js';
import { EngineLifecycle } from './engine-lifecycle.service.js';
import { EVICTION_POLICY } from './engine.tokens.js';

@Global()
@Module({
  providers: [
    {
      provide: EVICTION_POLICY,
      inject: [ConfigStore],
      useFactory: (config: ConfigStore): EvictionPolicy => createEvictionPolicy(config.get('maxmemory-policy') as EvictionPolicyName),
    },
    {
      provide: Engine,
      inject: [ConfigStore, EVICTION_POLICY],
      useFactory: (config: ConfigStore, policy: EvictionPolicy): Engine => new Engine(engineOptions(config), policy),
    },
    { provide: ServerState, inject: [ConfigStore], useFactory: (config: ConfigStore) => new ServerState(config) },
    { provide: CommandTable, useFactory: () => createNodeCommandTable() },
    {
      provide: CommandExecutor,
      inject: [CommandTable, Engine, ServerState],
      useFactory: (table: CommandTable, engine: Engine, server: ServerState) => new CommandExecutor(table, engine, server),
    },
    {
      provide: RespDispatcher,
      inject: [CommandTable, Engine, ServerState],
      useFactory: (table: CommandTable, engine: Engine, server: ServerState) => new RespDispatcher(table, engine, server),
    },
    PeerLinks,
    CommandRouter,
    EngineLifecycle,
  ],
  exports: [EVICTION_POLICY, Engine, ServerState, CommandTable, CommandExecutor, RespDispatcher, CommandRouter, PeerLinks],
})
export class EngineModule {}
