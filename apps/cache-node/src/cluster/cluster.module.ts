/**
 * Cluster mode as a Nest module (loaded only with cluster-enabled yes): provides the node's ClusterRuntime,
 * starts it during app init (before any listener accepts clients), relays PUBLISH to the other members, and
 * announces the leave when shutdown begins (SIGTERM included), while the node still answers.
 */
import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import type { Topology } from '../../../../libs/cluster/src/topology.js';
import { ClusterRuntime } from './cluster-runtime.js';
import { PeerLinks } from './peer-links.js';

@Injectable()
class ClusterLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(ClusterRuntime) private readonly runtime: ClusterRuntime,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(ServerState) private readonly server: ServerState,
    @Inject(ConfigStore) private readonly config: ConfigStore,
    @Inject(PeerLinks) private readonly peers: PeerLinks,
    @Inject(CommandTable) private readonly table: CommandTable,
  ) {}

  async onModuleInit(): Promise<void> {
    const loglevel = this.config.get('loglevel');
    if (loglevel !== 'warning' && loglevel !== 'nothing') {
      let logged: Topology | undefined;
      this.runtime.onTopology((topology) => {
        if (topology !== logged) this.log((logged = topology));
      });
    }
    await this.runtime.start(this.engine, this.server, this.table);
    this.runtime.replication?.setPeerQuery((node, args) => this.peers.to(`${node.host}:${node.port}`).call(args[0]!, ...args.slice(1)));
    this.server.publishToPeers = (channel, message) => this.relay(channel, message);
  }

  /** PUBLISH to every other member in the ring, fire and forget (pub/sub is at most once, as Redis's). */
  private relay(channel: string, message: string): void {
    const self = this.runtime.state.self.id;
    for (const node of this.runtime.state.topology.nodes) {
      if (node.id !== self) this.peers.to(`${node.host}:${node.port}`).publish(channel, message).catch(() => undefined);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }

  /** One line per topology change, so a developer watching `npm start` sees joins and failures. */
  private log(topology: Topology): void {
    const self = this.runtime.state.self;
    const owned = topology.rangesOf(self.id).reduce((n, range) => n + range.end - range.start + 1, 0);
    const members = topology.nodes.map((node) => `${node.host}:${node.port}`).join(' ');
    process.stdout.write(`ringcache ${self.host}:${self.port}: cluster epoch ${topology.epoch}, ${topology.nodes.length} member(s) [${members}], this node owns ${owned} slots\n`);
  }
}

@Module({})
export class ClusterModule {
  static forRoot(runtime: ClusterRuntime): DynamicModule {
    return {
      module: ClusterModule,
      providers: [{ provide: ClusterRuntime, useValue: runtime }, ClusterLifecycle],
      exports: [ClusterRuntime],
    };
  }
}
