/** Node-wide singletons for every module: the loaded ConfigStore, the resolved ports, the NodeStatus. */
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NodeStatus } from '../node-status.js';
import { resolvePorts, type NodePorts } from './config-source.js';

export const NODE_PORTS = Symbol('NODE_PORTS');
export type { NodePorts };

@Global()
@Module({})
export class NodeConfigModule {
  static forRoot(config: ConfigStore): DynamicModule {
    return {
      module: NodeConfigModule,
      providers: [
        { provide: ConfigStore, useValue: config },
        { provide: NODE_PORTS, useValue: resolvePorts(config) },
        NodeStatus,
      ],
      exports: [ConfigStore, NODE_PORTS, NodeStatus],
    };
  }
}
