/**
 * Cluster mode's admission check, as Redis's getNodeByQuery in processCommand: a node in cluster mode sets
 * ServerState.cluster (libs/cluster's ClusterState implements this), and the command table asks it before
 * running, or queueing, every command with keys. The engine knows nothing else of the cluster.
 */
import type { CommandSpec } from './command.js';

/**
 * CLIENT SETNAME of the connections members open to each other (command forwarding, PUBLISH relay): a PUBLISH
 * arriving on one is delivered here and not relayed again.
 */
export const PEER_CLIENT_NAME = '__ringcache_peer__';

/** A queued command of a transaction, as EXEC hands it to the gate. */
export interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly args: readonly string[];
}

export interface ClusterGate {
  /**
   * The error to reply instead of running `spec` here (MOVED, CROSSSLOT, CLUSTERDOWN), or undefined to run
   * it. Called only for commands with keys; `write` is the command's write flag; `readOnly` is the client's
   * READONLY flag: its reads of a slot this node holds as a replica run here instead of being redirected.
   */
  check(spec: CommandSpec, args: readonly string[], write: boolean, readOnly: boolean): string | undefined;
  /** The same for EXEC: the queued commands together must touch one slot, served here (or read from a replica). */
  checkTransaction(queue: readonly QueuedCommand[], readOnly: boolean): string | undefined;
}
