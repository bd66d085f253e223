/**
 * A cluster node's view of the cluster: the Topology derived from its Membership at each change, the health
 * of every known member, whether it reaches a majority, and the per-command check (the engine's ClusterGate)
 * that answers MOVED, CROSSSLOT and CLUSTERDOWN as Redis's getNodeByQuery does.
 */
import type { CommandSpec } from '../../engine/src/commands/command.js';
import type { ClusterGate, QueuedCommand } from '../../engine/src/commands/cluster-gate.js';
import type { MemberInfo, Membership } from './membership.js';
import type { RingOptions } from './ring.js';
import { CROSSSLOT_ERROR, CROSS_SLOT, NO_KEYS, commandSlot, movedError } from './routing.js';
import { SLOT_COUNT } from './slots.js';
import { Topology, type ClusterNode } from './topology.js';

export const CLUSTERDOWN_ERROR = 'CLUSTERDOWN The cluster is down';
export const CLUSTERDOWN_READONLY_ERROR = 'CLUSTERDOWN The cluster is down and only accepts read commands';

export interface ClusterStateOptions {
  /** Ring settings; every member must use the same, or they derive different tables. */
  ring?: RingOptions;
  /** Redis's cluster-allow-reads-when-down: without a majority, still serve reads (default false: refuse all keyed commands). */
  allowReadsWhenDown?: boolean;
  /**
   * Joining through seeds: until a member answers, this node knows only itself and would think it owns every
   * slot, so it counts as down (CLUSTERDOWN) until then.
   */
  joining?: boolean;
}

/** Suspect and failed members, as CLUSTER NODES/SHARDS/INFO print them. */
export interface ClusterHealth {
  readonly suspect: ReadonlySet<string>;
  readonly failed: ReadonlySet<string>;
}

export class ClusterState implements ClusterGate {
  readonly self: ClusterNode;
  private current: Topology;
  /** 1 for each slot this node owns in `current`: the per-command check reads one byte. */
  private mine = new Uint8Array(SLOT_COUNT);
  private health: ClusterHealth = { suspect: new Set(), failed: new Set() };
  /** Failed members: known, outside the ring (CLUSTER NODES lists them with the fail flag). */
  private failedNodes: readonly ClusterNode[] = [];
  private knownCount = 1;
  private majority = true;
  private joining: boolean;
  private readonly listeners: ((topology: Topology) => void)[] = [];

  constructor(
    readonly membership: Membership,
    self: ClusterNode,
    private readonly options: ClusterStateOptions = {},
  ) {
    this.self = self;
    this.joining = options.joining === true;
    this.current = new Topology([self], membership.epoch, options.ring);
    this.mine.fill(1);
    this.update(membership.members());
    membership.onChange((members) => this.update(members));
  }

  get topology(): Topology {
    return this.current;
  }

  /** Redis's cluster_state: 'ok' while this node reaches a majority of the members it knows. */
  get ok(): boolean {
    return this.majority;
  }

  /** 1 for each slot this node owns; a new array with each topology, never changed in place. */
  get ownedSlots(): Readonly<Uint8Array> {
    return this.mine;
  }

  get nodeHealth(): ClusterHealth {
    return this.health;
  }

  /** Members known and not gone (alive, suspect or failed), for cluster_known_nodes. */
  get knownNodes(): number {
    return this.knownCount;
  }

  get failed(): readonly ClusterNode[] {
    return this.failedNodes;
  }

  /** Called with each new topology (a new epoch or a new member set). */
  onTopology(listener: (topology: Topology) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i !== -1) this.listeners.splice(i, 1);
    };
  }

  check(spec: CommandSpec, args: readonly string[], write: boolean): string | undefined {
    const slot = commandSlot(spec, args);
    if (slot === NO_KEYS) return undefined;
    if (slot === CROSS_SLOT) return CROSSSLOT_ERROR;
    return this.admit(slot, write);
  }

  checkTransaction(queue: readonly QueuedCommand[]): string | undefined {
    let slot = NO_KEYS;
    let write = false;
    for (const { spec, args } of queue) {
      const s = commandSlot(spec, args);
      if (s === NO_KEYS) continue;
      if (s === CROSS_SLOT || (slot !== NO_KEYS && s !== slot)) return CROSSSLOT_ERROR;
      slot = s;
      write ||= spec.flags.includes('write');
    }
    return slot === NO_KEYS ? undefined : this.admit(slot, write);
  }

  /** As getNodeByQuery after the slot is known: a down cluster refuses first, then the owner decides. */
  private admit(slot: number, write: boolean): string | undefined {
    if (!this.majority && (!this.options.allowReadsWhenDown || write)) {
      return this.options.allowReadsWhenDown ? CLUSTERDOWN_READONLY_ERROR : CLUSTERDOWN_ERROR;
    }
    return this.mine[slot] === 1 ? undefined : movedError(slot, this.current.ownerOfSlot(slot));
  }

  private update(members: readonly MemberInfo[]): void {
    const ring: ClusterNode[] = [];
    const failedNodes: ClusterNode[] = [];
    const suspect = new Set<string>();
    const failed = new Set<string>();
    let known = 0;
    for (const member of members) {
      if (member.state === 'left') continue;
      known++;
      const node = { id: member.id, host: member.host, port: member.port, busPort: member.busPort };
      if (member.state === 'failed') {
        failed.add(member.id);
        failedNodes.push(node);
        continue;
      }
      if (member.state === 'suspect') suspect.add(member.id);
      ring.push(node);
    }
    this.health = { suspect, failed };
    this.failedNodes = failedNodes;
    this.knownCount = known;
    if (members.length > 1) this.joining = false;
    this.majority = !this.joining && this.membership.reachableMajority();
    const epoch = this.membership.epoch;
    // Nobody left to own slots (this node left a cluster of one): the old table stays, the cluster is down.
    if (ring.length === 0) this.majority = false;
    if (ring.length === 0 || (epoch === this.current.epoch && sameNodes(ring, this.current.nodes))) return;
    this.current = new Topology(ring, epoch, this.options.ring);
    const mine = new Uint8Array(SLOT_COUNT);
    for (const range of this.current.rangesOf(this.self.id)) mine.fill(1, range.start, range.end + 1);
    this.mine = mine;
    for (const listener of this.listeners) listener(this.current);
  }
}

function sameNodes(members: readonly ClusterNode[], nodes: readonly ClusterNode[]): boolean {
  if (members.length !== nodes.length) return false;
  const ids = new Set(nodes.map((node) => node.id));
  return members.every((member) => ids.has(member.id));
}
