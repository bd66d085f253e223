/** The cluster as clients see it at one epoch: its nodes' addresses and which node owns each slot. */
import { HashRing } from './ring.js';
import type { RingOptions } from './ring.js';
import { SLOT_COUNT } from './slots.js';

/** A member's identity and addresses. */
export interface ClusterNode {
  /** 40 lower-case hex chars, as Redis node ids. */
  id: string;
  /** Where clients reach its RESP port (MOVED, CLUSTER SLOTS). */
  host: string;
  port: number;
  /** Cluster bus port (CLUSTER NODES prints it after '@'). */
  busPort: number;
}

/** A run of consecutive slots with one owner, both ends included. */
export interface SlotRange {
  start: number;
  end: number;
  node: ClusterNode;
}

const NODE_ID = /^[0-9a-f]{40}$/;

/**
 * Slot ownership derived from (nodes, epoch) by the hash ring: every node and client that holds the same
 * member list builds the same table. Immutable; a membership change builds a new Topology.
 */
export class Topology {
  readonly epoch: number;
  /** The nodes, sorted by id: index i is member i of `ring`. */
  readonly nodes: readonly ClusterNode[];
  readonly ring: HashRing;
  private readonly byId: ReadonlyMap<string, ClusterNode>;
  private ranges: SlotRange[] | undefined;

  constructor(nodes: readonly ClusterNode[], epoch: number, ringOptions: RingOptions = {}) {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError('epoch must be a non-negative integer');
    for (const node of nodes) {
      if (!NODE_ID.test(node.id)) throw new RangeError(`node id must be 40 lower-case hex chars: ${node.id}`);
    }
    this.epoch = epoch;
    this.ring = new HashRing(nodes.map((node) => node.id), ringOptions);
    this.byId = new Map(nodes.map((node) => [node.id, node]));
    this.nodes = this.ring.members.map((id) => this.byId.get(id)!);
  }

  node(id: string): ClusterNode | undefined {
    return this.byId.get(id);
  }

  ownerOfSlot(slot: number): ClusterNode {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new RangeError(`slot out of range: ${slot}`);
    return this.nodes[this.ring.owners[slot]!]!;
  }

  /** Contiguous runs of one owner, ascending: the groups of CLUSTER SLOTS. Computed once. */
  slotRanges(): readonly SlotRange[] {
    if (this.ranges !== undefined) return this.ranges;
    const owners = this.ring.owners;
    const ranges: SlotRange[] = [];
    let start = 0;
    for (let slot = 1; slot <= SLOT_COUNT; slot++) {
      if (slot === SLOT_COUNT || owners[slot] !== owners[start]) {
        ranges.push({ start, end: slot - 1, node: this.nodes[owners[start]!]! });
        start = slot;
      }
    }
    this.ranges = ranges;
    return ranges;
  }

  /** The ranges of one node, ascending (CLUSTER SHARDS, CLUSTER NODES). */
  rangesOf(id: string): SlotRange[] {
    return this.slotRanges().filter((range) => range.node.id === id);
  }
}
