/** Public API of the cluster library: key slots, the slot-ownership ring, topology and routing, the CLUSTER command and replies, a node's cluster state, SWIM membership and its UDP bus. */
export { SLOT_COUNT, crc16, keySlot } from './slots.js';
export { murmur3, murmur3Bytes } from './murmur3.js';
export { HashRing, ownerTable, slotCapacity, slotPoint, DEFAULT_EPSILON, DEFAULT_VIRTUAL_POINTS, MIN_VIRTUAL_POINTS } from './ring.js';
export type { RingOptions } from './ring.js';
export { Topology } from './topology.js';
export type { ClusterNode, SlotRange } from './topology.js';
export { CROSSSLOT_ERROR, CROSS_SLOT, NO_KEYS, commandSlot, movedError, route, routeError } from './routing.js';
export { CLUSTERDOWN_ERROR, CLUSTERDOWN_READONLY_ERROR, ClusterState } from './cluster-state.js';
export type { ClusterHealth, ClusterStateOptions } from './cluster-state.js';
export { CLUSTER_DISABLED, clusterCommands } from './cluster-command.js';
export { TOPOLOGY_CHANNEL, topologyMessage } from './topology-push.js';
export type { RouteResult } from './routing.js';
export { clusterInfoText, clusterNodesText, replyClusterShards, replyClusterSlots } from './cluster-replies.js';
export type { ClusterInfoOptions, NodeHealth } from './cluster-replies.js';
export { Membership, supersedes } from './membership.js';
export type { BusAddress, GossipHeader, GossipMessage, GossipTransport, MemberInfo, MemberState, MembershipOptions } from './membership.js';
export { GossipBus, MAX_DATAGRAM_BYTES, MAX_SYNC_MEMBERS, decodeGossip, encodeGossip } from './gossip-bus.js';
export type { GossipBusOptions, GossipBusStats } from './gossip-bus.js';
