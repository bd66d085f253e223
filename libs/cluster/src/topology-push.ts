/**
 * Topology push: each node publishes every new slot table on a pub/sub channel, so clients that subscribe
 * route by the new epoch at once instead of waiting for a MOVED or their next refresh.
 */
import type { Topology } from './topology.js';

export const TOPOLOGY_CHANNEL = '__ringcache__:topology';

/** `{"epoch":N,"slots":[[start,end,"host:port","node id"],...]}`: the CLUSTER SLOTS table in one JSON line. */
export function topologyMessage(topology: Topology): string {
  const slots = topology.slotRanges().map(({ start, end, node }) => [start, end, `${node.host}:${node.port}`, node.id]);
  return JSON.stringify({ epoch: topology.epoch, slots });
}
