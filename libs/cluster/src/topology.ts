/** The cluster as clients see it at one epoch: its nodes' addresses and which node owns each slot. */
import { HashRing } from './ring.js';
import type { RingOptions } from './ring.js';
import { NO_REPLICA } from './replicas.js';
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
  /** The range's replicas, first replica first (empty without replication). */
  replicas?: readonly ClusterNode[];
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
  private replicaRanges: SlotRange[] | undefined;

  constructor(nodes: readonly ClusterNode[], epoch: number, ringOptions: RingOptions = {}) {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError('epoch must be a non-negative integer');
    for (const node of nodes) {
      if (!NODE_ID.test(node.id)) throw new RangeError(`node id must be 40 lower-case hex chars: ${node.id}`);
    }
    this.epoch = epoch;
    this.ring = HashRing.of(nodes.map((node) => node.id), ringOptions);
    this.byId = new Map(nodes.map((node) => [node.id, node]));
    this.nodes = this.ring.members.map((id) => this.byId.get(id)!);
  }

  /**
   * Replica placement (replicas.ts's replicaTable over the same members): entry slot * replicasPerSlot + r
   * is the index in `nodes` of the slot's replica r + 1, NO_REPLICA where the cluster is too small.
   */
  private replicaIndexes: Uint16Array = new Uint16Array(0);
  private replicaCount = 0;

  /** Attaches the replica placement computed for these nodes (ClusterState does, when replicas > 0). */
  setReplicas(table: Uint16Array, replicasPerSlot: number): void {
    if (table.length !== SLOT_COUNT * replicasPerSlot) throw new RangeError('replica table size does not match');
    this.replicaIndexes = table;
    this.replicaCount = replicasPerSlot;
    this.replicaRanges = undefined;
  }

  /** Per member index: the slots it is heir of (replicas.ts's heirTable); empty without replication. */
  private heirs: readonly Uint8Array[] = [];

  /** Attaches the heirs computed for these nodes (ClusterState does, when replicas > 0). */
  setHeirs(heirs: readonly Uint8Array[]): void {
    if (heirs.length !== this.nodes.length) throw new RangeError('heir table size does not match');
    this.heirs = heirs;
  }

  /**
   * Whether `id` must hold a copy of `slot` without owning it: as a replica, or as an heir (the owner the
   * table after some failure of at most replicasPerSlot members gives it; see replicas.ts heirTable).
   */
  holdsCopy(slot: number, id: string): boolean {
    if (this.isReplica(slot, id)) return true;
    if (this.heirs.length === 0) return false;
    const index = this.ring.members.indexOf(id);
    return index >= 0 && this.heirs[index]![slot] === 1;
  }

  get replicasPerSlot(): number {
    return this.replicaCount;
  }

  /** The slot's replicas, first replica first (empty without replication). */
  replicasOfSlot(slot: number): ClusterNode[] {
    const out: ClusterNode[] = [];
    for (let r = 0; r < this.replicaCount; r++) {
      const index = this.replicaIndexes[slot * this.replicaCount + r]!;
      if (index !== NO_REPLICA) out.push(this.nodes[index]!);
    }
    return out;
  }

  /** Whether `id` holds a replica of `slot`. */
  isReplica(slot: number, id: string): boolean {
    for (let r = 0; r < this.replicaCount; r++) {
      const index = this.replicaIndexes[slot * this.replicaCount + r]!;
      if (index !== NO_REPLICA && this.nodes[index]!.id === id) return true;
    }
    return false;
  }

  node(id: string): ClusterNode | undefined {
    return this.byId.get(id);
  }

  ownerOfSlot(slot: number): ClusterNode {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new RangeError(`slot out of range: ${slot}`);
    return this.nodes[this.ring.owners[slot]!]!;
  }

  /** Contiguous runs of one owner, ascending (CLUSTER NODES, SHARDS). Computed once. */
  slotRanges(): readonly SlotRange[] {
    this.ranges ??= this.runs(false);
    return this.ranges;
  }

  /** Contiguous runs of one owner and one replica set, with the replicas: the groups of CLUSTER SLOTS. Computed once. */
  slotReplicaRanges(): readonly SlotRange[] {
    if (this.replicaCount === 0) return this.slotRanges();
    this.replicaRanges ??= this.runs(true);
    return this.replicaRanges;
  }

  private runs(byReplicas: boolean): SlotRange[] {
    const owners = this.ring.owners;
    const ranges: SlotRange[] = [];
    let start = 0;
    for (let slot = 1; slot <= SLOT_COUNT; slot++) {
      if (slot === SLOT_COUNT || owners[slot] !== owners[start] || (byReplicas && !this.sameReplicas(slot, start))) {
        const range: SlotRange = { start, end: slot - 1, node: this.nodes[owners[start]!]! };
        if (byReplicas) range.replicas = this.replicasOfSlot(start);
        ranges.push(range);
        start = slot;
      }
    }
    return ranges;
  }

  private sameReplicas(a: number, b: number): boolean {
    const n = this.replicaCount;
    for (let r = 0; r < n; r++) if (this.replicaIndexes[a * n + r] !== this.replicaIndexes[b * n + r]) return false;
    return true;
  }

  /** The ranges of one node, ascending (CLUSTER SHARDS, CLUSTER NODES). */
  rangesOf(id: string): SlotRange[] {
    return this.slotRanges().filter((range) => range.node.id === id);
  }
}
