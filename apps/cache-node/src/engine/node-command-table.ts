/**
 * A node's command table: the engine's commands plus CLUSTER (which answers "disabled" on a standalone node)
 * the replication commands PSYNC and REPLCONF (served in cluster mode) and BGREWRITEAOF.
 */
import { clusterCommands } from '../../../../libs/cluster/src/cluster-command.js';
import { createCommandTable, type CommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import { persistenceCommands } from '../../../../libs/persistence/src/persistence-commands.js';
import { replicationCommands } from '../../../../libs/replication/src/replication-commands.js';

export function createNodeCommandTable(): CommandTable {
  return createCommandTable([...clusterCommands, ...replicationCommands, ...persistenceCommands]);
}
