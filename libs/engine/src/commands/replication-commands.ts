/**
 * The client-facing replication commands: WAIT (Redis's waitCommand) and Redis Cluster's READONLY/READWRITE
 * connection flags. They read the node's replication runtime only through ServerState.replicationHooks.
 */
import type { ClientSession, CommandContext, CommandSpec } from './command.js';
import type { ReplicationHooks } from './replication-hooks.js';
import { parseInteger } from './args.js';
import { TIMEOUT_NEGATIVE } from './blocking.js';
import { NOT_INTEGER } from './errors.js';

/** WAIT's timeout is integer milliseconds (getTimeoutFromObjectOrReply with UNIT_MILLISECONDS). */
export const WAIT_TIMEOUT_NOT_INTEGER = 'ERR timeout is not an integer or out of range';
/** READONLY/READWRITE on a node not in cluster mode, as Redis. */
export const CLUSTER_SUPPORT_DISABLED = 'ERR This instance has cluster support disabled';

const NO_KEYS: readonly string[] = [];

/**
 * The replicas of the client's last written slot that acknowledged its last write (Redis's
 * replicationCountAcksByOffset(c->woff)); 0 without replication, as a Redis primary with no replicas.
 */
function ackedCount(hooks: ReplicationHooks | undefined, client: ClientSession): number {
  return hooks === undefined ? 0 : hooks.ackedCount(client.replOffset, client.replSlot);
}

/** WAIT's reply: the count at the moment it replies (served, timed out, or CLIENT UNBLOCK TIMEOUT). */
function replyAcked(ctx: CommandContext): void {
  ctx.reply.integer(ackedCount(ctx.server.replicationHooks, ctx.client));
}

/**
 * WAIT numreplicas timeout. Replies at once when enough replicas already acknowledged the client's last
 * write, inside EXEC, or for a session that cannot block (internal transports); otherwise asks every replica
 * for an acknowledgement and parks the client in the BlockingRegistry (so CLIENT UNBLOCK, disconnects, INFO
 * blocked_clients and the held input work as for BLPOP) until an acknowledgement brings the count to
 * numreplicas or the timeout (ms, 0 = forever) passes. Without replication it blocks until the timeout and
 * replies 0, as a standalone redis-server does.
 */
function wait(ctx: CommandContext, args: string[]): void {
  const numReplicas = parseInteger(args[1]);
  if (numReplicas === undefined) return ctx.reply.error(NOT_INTEGER);
  const timeout = parseInteger(args[2]);
  if (timeout === undefined) return ctx.reply.error(WAIT_TIMEOUT_NOT_INTEGER);
  if (timeout < 0) return ctx.reply.error(TIMEOUT_NEGATIVE);
  const { client, server } = ctx;
  const hooks = server.replicationHooks;
  const acked = ackedCount(hooks, client);
  if (acked >= numReplicas || client.kind !== 'resp' || server.execDepth !== 0) return ctx.reply.integer(acked);
  const blocking = server.blocking;
  blocking.block(ctx, NO_KEYS, timeout === 0 ? 0 : ctx.engine.clock.now() + timeout, 'list', replyAcked);
  const waiter = client.blocked;
  if (waiter === undefined) return; // block() replied: cannot happen after the checks above
  waiter.timedOut = replyAcked;
  if (hooks === undefined) return;
  // Re-checked on each acknowledgement; a wait that ended otherwise (timeout, CLIENT UNBLOCK, disconnect)
  // drops its listener at the next one.
  const stop = hooks.onAck(() => {
    if (client.blocked !== waiter) return stop();
    if (hooks.ackedCount(client.replOffset, client.replSlot) < numReplicas) return;
    stop();
    blocking.forget(waiter);
    replyAcked(ctx);
    client.unblocked();
  });
  hooks.requestAcks();
}

/** READONLY / READWRITE: set the connection's flag (cluster mode only). */
function readOnlyFlag(value: boolean): CommandSpec['handler'] {
  return (ctx) => {
    if (!ctx.server.clusterEnabled) return ctx.reply.error(CLUSTER_SUPPORT_DISABLED);
    ctx.client.readOnly = value;
    ctx.reply.simple('OK');
  };
}

/** WAIT, READONLY and READWRITE; the node adds the replicas' own PSYNC and REPLCONF (libs/replication). */
export const clientReplicationCommands: readonly CommandSpec[] = [
  {
    name: 'wait', arity: 3, flags: ['noscript'], firstKey: 0, lastKey: 0, step: 0, categories: ['slow', 'connection'], handler: wait,
    summary: 'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
  },
  {
    name: 'readonly', arity: 1, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, step: 0, categories: ['fast', 'connection'], handler: readOnlyFlag(true),
    summary: 'Enables read queries for a connection to a cluster replica node',
  },
  {
    name: 'readwrite', arity: 1, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, step: 0, categories: ['fast', 'connection'], handler: readOnlyFlag(false),
    summary: 'Disables read queries for a connection to a cluster replica node',
  },
];
