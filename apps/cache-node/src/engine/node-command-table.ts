/** A node's command table: the engine's commands plus CLUSTER (which answers "disabled" on a standalone node). */
import { clusterCommands } from '../../../../libs/cluster/src/cluster-command.js';
import { createCommandTable, type CommandTable } from '../../../../libs/engine/src/commands/command-table.js';

export function createNodeCommandTable(): CommandTable {
  return createCommandTable(clusterCommands);
}
