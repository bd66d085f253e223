/**
 * CLUSTER SLOTS, SHARDS, NODES and INFO replies from a Topology, in Redis 7.0's formats (recorded from a
 * real 7.0.15 cluster, see cluster-replies.spec.ts), so redis-cli -c, redis-benchmark --cluster and ioredis
 * Cluster read them unchanged. Every node is a master (of its own slots); CLUSTER SLOTS lists each range's
 * replicas after its master, as Redis's, so clients that read from replicas (READONLY) find them.
 */
import type { Reply } from '../../engine/src/commands/reply.js';
import { SLOT_COUNT } from './slots.js';
import type { ClusterNode, SlotRange, Topology } from './topology.js';

/** What failure detection currently believes; nodes in neither set are healthy. */
export interface NodeHealth {
  /** Suspected, not yet declared failed (Redis's PFAIL, flag "fail?"). */
  suspect?: ReadonlySet<string>;
  /** Declared failed (flag "fail"). */
  failed?: ReadonlySet<string>;
  /** Handing its slots over before a graceful leave (ringcache's flag "leaving"). */
  leaving?: ReadonlySet<string>;
}

/**
 * CLUSTER SLOTS: per run of slots, [start, end, [host, port, id, metadata]]. The metadata is an empty map
 * in 7.0 (`*0` in RESP2, `%0` in RESP3), which Reply.map(0) writes for both.
 */
export function replyClusterSlots(reply: Reply, topology: Topology): void {
  const ranges = topology.slotReplicaRanges();
  reply.array(ranges.length);
  for (const { start, end, node, replicas = [] } of ranges) {
    reply.array(3 + replicas.length);
    reply.integer(start);
    reply.integer(end);
    slotsNode(reply, node);
    for (const replica of replicas) slotsNode(reply, replica);
  }
}

function slotsNode(reply: Reply, node: ClusterNode): void {
  reply.array(4);
  reply.bulk(node.host);
  reply.integer(node.port);
  reply.bulk(node.id);
  reply.map(0);
}

/**
 * CLUSTER SHARDS: one shard per node, a map of "slots" (flat start, end, start, end... integers) and
 * "nodes" (a map per node: id, port, ip, endpoint, role, replication-offset, health, in 7.0's order;
 * 7.0 adds "hostname" only when one is announced, which we do not).
 */
export function replyClusterShards(reply: Reply, topology: Topology, health: NodeHealth = {}): void {
  reply.array(topology.nodes.length);
  for (const node of topology.nodes) {
    const ranges = topology.rangesOf(node.id);
    reply.map(2);
    reply.bulk('slots');
    reply.array(ranges.length * 2);
    for (const { start, end } of ranges) {
      reply.integer(start);
      reply.integer(end);
    }
    reply.bulk('nodes');
    reply.array(1);
    reply.map(7);
    reply.bulk('id');
    reply.bulk(node.id);
    reply.bulk('port');
    reply.integer(node.port);
    reply.bulk('ip');
    reply.bulk(node.host);
    reply.bulk('endpoint');
    reply.bulk(node.host);
    reply.bulk('role');
    reply.bulk('master');
    reply.bulk('replication-offset');
    reply.integer(0);
    reply.bulk('health');
    reply.bulk(health.failed?.has(node.id) ? 'fail' : 'online');
  }
}

/**
 * CLUSTER NODES: one line per node, each ending in "\n" (LF only, unlike CLUSTER INFO):
 * `<id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...`
 * with slots as "start-end", or "n" for a single slot. Ping-sent is 0 (no ping pending) and pong-recv is
 * `nowMs`: membership owns the real probe times, and clients read neither. All nodes share the topology's epoch.
 * `outside` are members known but owning no slots (declared failed), listed last with the fail flag; `syncing`
 * are members still copying their slots before they join the ring (ringcache's flag "syncing"), without slots.
 */
export function clusterNodesText(
  topology: Topology,
  selfId: string,
  nowMs: number,
  health: NodeHealth = {},
  outside: readonly ClusterNode[] = [],
  syncing: readonly ClusterNode[] = [],
): string {
  let text = '';
  for (const node of topology.nodes) {
    const failed = health.failed?.has(node.id) === true;
    let flags = node.id === selfId ? 'myself,master' : 'master';
    if (failed) flags += ',fail';
    else if (health.suspect?.has(node.id)) flags += ',fail?';
    if (health.leaving?.has(node.id)) flags += ',leaving';
    const link = failed && node.id !== selfId ? 'disconnected' : 'connected';
    text += `${node.id} ${nodeAddress(node)} ${flags} - 0 ${nowMs} ${topology.epoch} ${link}`;
    for (const range of topology.rangesOf(node.id)) text += ` ${slotText(range)}`;
    text += '\n';
  }
  for (const node of syncing) {
    const flags = node.id === selfId ? 'myself,master,syncing' : 'master,syncing';
    text += `${node.id} ${nodeAddress(node)} ${flags} - 0 ${nowMs} ${topology.epoch} connected\n`;
  }
  for (const node of outside) text += `${node.id} ${nodeAddress(node)} master,fail - 0 ${nowMs} ${topology.epoch} disconnected\n`;
  return text;
}

function nodeAddress(node: ClusterNode): string {
  return `${node.host}:${node.port}@${node.busPort}`;
}

function slotText({ start, end }: SlotRange): string {
  return start === end ? `${start}` : `${start}-${end}`;
}

export interface ClusterInfoOptions extends NodeHealth {
  /** Members known, including any outside the topology (joining, failed). Default: the topology's nodes. */
  knownNodes?: number;
  /** Default: the topology's epoch. */
  myEpoch?: number;
  /**
   * Bus messages sent and received by type, printed in the object's key order as
   * `cluster_stats_messages_<type>_sent:<n>`; zero counts are left out, as Redis does.
   */
  messagesSent?: Readonly<Record<string, number>>;
  messagesReceived?: Readonly<Record<string, number>>;
}

/**
 * CLUSTER INFO: `field:value` lines ending in CRLF, in 7.0's order. Slots owned by suspect nodes count as
 * pfail, by failed nodes as fail, the rest as ok; cluster_size is the number of nodes owning slots.
 */
export function clusterInfoText(topology: Topology, state: 'ok' | 'fail', options: ClusterInfoOptions = {}): string {
  let pfail = 0;
  let fail = 0;
  const owning = new Set<string>();
  for (const { start, end, node } of topology.slotRanges()) {
    owning.add(node.id);
    if (options.failed?.has(node.id)) fail += end - start + 1;
    else if (options.suspect?.has(node.id)) pfail += end - start + 1;
  }
  const lines = [
    `cluster_state:${state}`,
    `cluster_slots_assigned:${SLOT_COUNT}`,
    `cluster_slots_ok:${SLOT_COUNT - pfail - fail}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${options.knownNodes ?? topology.nodes.length}`,
    `cluster_size:${owning.size}`,
    `cluster_current_epoch:${topology.epoch}`,
    `cluster_my_epoch:${options.myEpoch ?? topology.epoch}`,
    ...messageLines('sent', options.messagesSent),
    ...messageLines('received', options.messagesReceived),
    'total_cluster_links_buffer_limit_exceeded:0',
  ];
  return lines.join('\r\n') + '\r\n';
}

function messageLines(direction: 'sent' | 'received', counts: Readonly<Record<string, number>> = {}): string[] {
  const lines: string[] = [];
  let total = 0;
  for (const [type, count] of Object.entries(counts)) {
    if (count === 0) continue;
    lines.push(`cluster_stats_messages_${type}_${direction}:${count}`);
    total += count;
  }
  lines.push(`cluster_stats_messages_${direction}:${total}`);
  return lines;
}
