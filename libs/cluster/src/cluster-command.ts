/**
 * The CLUSTER command: SLOTS, SHARDS, NODES, INFO, MYID, KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT, FORGET and
 * HELP as Redis 7.0 answers them, plus LEAVE (ringcache's: leave the cluster gracefully). The node registers it in
 * both modes; a standalone node answers every subcommand with Redis's "cluster support disabled" error.
 */
import { parseInteger } from '../../engine/src/commands/args.js';
import type { CommandContext, CommandSpec } from '../../engine/src/commands/command.js';
import { replyHelp } from '../../engine/src/commands/config.js';
import { NOT_INTEGER, WRONG_ARITY, unknownSubcommand } from '../../engine/src/commands/errors.js';
import { clusterInfoText, clusterNodesText, replyClusterShards, replyClusterSlots } from './cluster-replies.js';
import { ClusterState } from './cluster-state.js';
import { SLOT_COUNT, keySlot } from './slots.js';
import { formatSlots } from '../../replication/src/slot-set.js';

export const CLUSTER_DISABLED = 'ERR This instance has cluster support disabled';

const HELP = [
  'CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'COPIES',
  '    Return the slots this node holds a current copy of, as ranges (ringcache only).',
  'COUNTKEYSINSLOT <slot>',
  '    Return the number of keys in <slot>.',
  'FORGET <node-id>',
  '    Remove a node from the cluster (every member forgets it; a live node comes back by refuting).',
  'GETKEYSINSLOT <slot> <count>',
  '    Return key names stored by current node in a slot.',
  'INFO',
  '    Return information about the cluster.',
  'KEYSLOT <key>',
  '    Return the hash slot for <key>.',
  'LEAVE',
  '    Leave the cluster: announce it to every member; this node then owns no slots (ringcache only).',
  'MYID',
  '    Return the node id.',
  'NODES',
  '    Return cluster configuration seen by node. Output format:',
  '    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
  'SLOTS',
  '    Return information about slots range mappings. Each range is made of:',
  '    start, end, master and replicas IP addresses, ports and ids',
  'SHARDS',
  '    Return information about slot range mappings and the nodes associated with them.',
  'HELP',
  '    Prints this help.',
];

type Handler = (ctx: CommandContext, args: string[], state: ClusterState) => void;

/** Runs `handler` with the node's ClusterState, or replies the standalone error. */
function inCluster(handler: Handler): CommandSpec['handler'] {
  return (ctx, args) => {
    const state = ctx.server.cluster;
    if (!(state instanceof ClusterState)) return ctx.reply.error(CLUSTER_DISABLED);
    handler(ctx, args, state);
  };
}

function countKeysInSlot(ctx: CommandContext, args: string[]): void {
  const slot = parseInteger(args[2]);
  if (slot === undefined) return ctx.reply.error(NOT_INTEGER);
  if (slot < 0 || slot >= SLOT_COUNT) return ctx.reply.error('ERR Invalid slot');
  ctx.reply.integer(ctx.engine.keyspace.keysInHashSlot(slot));
}

function getKeysInSlot(ctx: CommandContext, args: string[]): void {
  const slot = parseInteger(args[2]);
  const count = parseInteger(args[3]);
  if (slot === undefined || count === undefined) return ctx.reply.error(NOT_INTEGER);
  if (slot < 0 || slot >= SLOT_COUNT || count < 0) return ctx.reply.error('ERR Invalid slot or number of keys');
  const keys = ctx.engine.keyspace.keysOfHashSlot(slot, count);
  ctx.reply.array(keys.length);
  for (const key of keys) ctx.reply.bulk(key);
}

function nodes(ctx: CommandContext, _args: string[], state: ClusterState): void {
  ctx.reply.verbatim(clusterNodesText(state.topology, state.self.id, Date.now(), state.nodeHealth, state.failed, state.syncingNodes));
}

function info(ctx: CommandContext, _args: string[], state: ClusterState): void {
  const { suspect, failed } = state.nodeHealth;
  ctx.reply.verbatim(clusterInfoText(state.topology, state.ok ? 'ok' : 'fail', { suspect, failed, knownNodes: state.knownNodes }));
}

function forget(ctx: CommandContext, args: string[], state: ClusterState): void {
  const id = args[2];
  if (id === state.self.id) return ctx.reply.error("ERR I tried hard but I can't forget myself...");
  if (!state.membership.forget(id)) return ctx.reply.error(`ERR Unknown node ${id}`);
  ctx.reply.ok();
}

/**
 * CLUSTER COPIES (ringcache): the slots this node holds a current copy of through its replication links, as
 * "a-b,c" ranges. A member about to join (or leave) asks the members the next table gives slots to whether
 * they hold them yet, so no slot changes owner before its new owner has its keys.
 */
function copies(ctx: CommandContext): void {
  const hooks = ctx.server.replicationHooks;
  const mask = new Uint8Array(SLOT_COUNT);
  if (hooks !== undefined) for (let slot = 0; slot < SLOT_COUNT; slot++) if (hooks.replicates(slot)) mask[slot] = 1;
  ctx.reply.bulk(formatSlots(mask));
}

/** CLUSTER LEAVE: +OK at once; the node drains (its replicas catch up) and then announces the leave. */
function leave(ctx: CommandContext, _args: string[], state: ClusterState): void {
  state.leave();
  ctx.reply.ok();
}

const STALE: CommandSpec['flags'] = ['stale'];
const SLOW = ['slow'];
const ADMIN_FLAGS: CommandSpec['flags'] = ['admin', 'stale', 'no_async_loading'];
const ADMIN_CATEGORIES = ['admin', 'slow', 'dangerous'];

function sub(name: string, arity: number, summary: string, handler: Handler, flags = STALE, categories = SLOW): CommandSpec {
  return { name: `cluster|${name}`, arity, flags, firstKey: 0, lastKey: 0, step: 0, summary, categories, handler: inCluster(handler) };
}

const subcommands: readonly CommandSpec[] = [
  sub('copies', 2, 'Slots this node holds a current copy of, as ranges (ringcache)', copies),
  sub('countkeysinslot', 3, 'Return the number of local keys in the specified hash slot', countKeysInSlot),
  sub('forget', 3, 'Remove a node from the nodes table', forget, ADMIN_FLAGS, ADMIN_CATEGORIES),
  sub('getkeysinslot', 4, 'Return local key names in the specified hash slot', getKeysInSlot),
  sub('help', 2, 'Show helpful text about the different subcommands', (ctx) => replyHelp(ctx, HELP), ['loading', 'stale']),
  sub('info', 2, 'Provides info about Redis Cluster node state', info),
  sub('keyslot', 3, 'Returns the hash slot of the specified key', (ctx, args) => ctx.reply.integer(keySlot(args[2]))),
  sub('leave', 2, 'Leave the cluster gracefully (ringcache)', leave, ADMIN_FLAGS, ADMIN_CATEGORIES),
  sub('myid', 2, 'Return the node id', (ctx, _args, state) => ctx.reply.bulk(state.self.id)),
  sub('nodes', 2, 'Get Cluster config for the node', nodes),
  sub('shards', 2, 'Get array of cluster slots to node mappings', (ctx, _args, state) => replyClusterShards(ctx.reply, state.topology, state.nodeHealth)),
  sub('slots', 2, 'Get array of Cluster slot to node mappings', (ctx, _args, state) => replyClusterSlots(ctx.reply, state.topology)),
];

/** A bare CLUSTER, or one the table did not route: Redis's arity and unknown-subcommand errors. */
function container(ctx: CommandContext, args: string[]): void {
  if (args.length < 2) return ctx.reply.error(WRONG_ARITY('cluster'));
  ctx.reply.error(unknownSubcommand(args[1], 'cluster'));
}

export const clusterCommands: readonly CommandSpec[] = [
  {
    name: 'cluster', arity: -2, flags: [], firstKey: 0, lastKey: 0, step: 0, categories: SLOW,
    summary: 'A container for Redis Cluster commands', handler: container, subcommands,
  },
];
