/**
 * A cluster node's view of the cluster: the Topology derived from its Membership at each change, the health
 * of every known member, whether it reaches a majority, and the per-command check (the engine's ClusterGate)
 * that answers MOVED, CROSSSLOT and CLUSTERDOWN as Redis's getNodeByQuery does.
 */
import type { CommandSpec } from '../../engine/src/commands/command.js';
import type { ClusterGate, QueuedCommand } from '../../engine/src/commands/cluster-gate.js';
import type { MemberInfo, Membership } from './membership.js';
import type { RingOptions } from './ring.js';
import { heirTable, replicaTable } from './replicas.js';
import { COLD_START_TRYAGAIN } from './restore.js';
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
  /** Replicas per slot (the `replicas` parameter): each topology carries the replica placement for it. Default 0. */
  replicas?: number;
}

/** Suspect and failed members, as CLUSTER NODES/SHARDS/INFO print them. */
export interface ClusterHealth {
  readonly suspect: ReadonlySet<string>;
  readonly failed: ReadonlySet<string>;
  /** Members handing their slots over before a graceful leave (CLUSTER NODES flag "leaving"). */
  readonly leaving: ReadonlySet<string>;
}

export class ClusterState implements ClusterGate {
  readonly self: ClusterNode;
  private current: Topology;
  /** The table once the syncing members serve too: what they copy their slots toward (== current when none syncs). */
  private next: Topology;
  /** 1 for each slot this node owns in `current`: the per-command check reads one byte. */
  private mine = new Uint8Array(SLOT_COUNT);
  private health: ClusterHealth = { suspect: new Set(), failed: new Set(), leaving: new Set() };
  /** Failed members: known, outside the ring (CLUSTER NODES lists them with the fail flag). */
  private failedNodes: readonly ClusterNode[] = [];
  private syncing: readonly ClusterNode[] = [];
  private knownCount = 1;
  private majority = true;
  private joining: boolean;
  private readonly listeners: ((topology: Topology) => void)[] = [];
  /** The last command checked and its slot: replication reuses the slot when it streams that same command. */
  private checkedArgs: readonly string[] | undefined;
  private checkedSlot = NO_KEYS;
  private serving = true;
  /** A whole-cluster cold start is still settling (restore.ts): keyed commands get TRYAGAIN. */
  private coldStart = false;
  /** Whether this node holds a slot as a replica (setReplicaPredicate); undefined without replication. */
  private replicates: ((slot: number) => boolean) | undefined = undefined;

  constructor(
    readonly membership: Membership,
    self: ClusterNode,
    private readonly options: ClusterStateOptions = {},
  ) {
    this.self = self;
    this.joining = options.joining === true;
    this.current = new Topology([self], membership.epoch, options.ring);
    this.next = this.current;
    this.mine.fill(1);
    this.update(membership.members());
    membership.onChange((members) => this.update(members));
  }

  get topology(): Topology {
    return this.current;
  }

  /**
   * The topology with the syncing members in the ring and the leaving ones out: where slots will be once the
   * syncing have copied theirs and the leaving have handed theirs over (== topology when nobody does either).
   */
  get target(): Topology {
    return this.next;
  }

  /** The slot check() found for `args` when they are the arguments it last checked (same array), else undefined. */
  slotChecked(args: readonly string[]): number | undefined {
    return args === this.checkedArgs ? this.checkedSlot : undefined;
  }

  /** Some member owns slots (serves); false while every known member is still syncing (a new cluster). */
  get hasServingMembers(): boolean {
    return this.serving;
  }

  /** Joining through seeds and none has answered yet: the node knows nobody. */
  get awaitingSeeds(): boolean {
    return this.joining;
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

  /** Members copying their slots before they join the ring (this node included while it does). */
  get syncingNodes(): readonly ClusterNode[] {
    return this.syncing;
  }

  get failed(): readonly ClusterNode[] {
    return this.failedNodes;
  }

  /**
   * How this node leaves (CLUSTER LEAVE): the node sets a graceful one (its replicas catch up first); by
   * default the leave is announced at once.
   */
  leaveHandler: (() => void) | undefined = undefined;

  leave(): void {
    if (this.leaveHandler !== undefined) this.leaveHandler();
    else this.membership.leave();
  }

  /**
   * Called with each new topology (a new epoch or a new member set), and when only the target changed (a
   * member started syncing or leaving): then with the same topology object as before.
   */
  onTopology(listener: (topology: Topology) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i !== -1) this.listeners.splice(i, 1);
    };
  }

  /**
   * Let READONLY clients read the slots `predicate` says this node holds as a replica (the replication
   * runtime's `replicates`); undefined (the default) redirects every slot this node does not own.
   */
  setReplicaPredicate(predicate: ((slot: number) => boolean) | undefined): void {
    this.replicates = predicate;
  }

  /**
   * While a cold start from the members' files settles (restore.ts), the ring changes as members enter it one
   * by one and no slot has its final owner yet: keyed commands get TRYAGAIN, which cluster clients retry.
   */
  setColdStart(settling: boolean): void {
    this.coldStart = settling;
  }

  get coldStartSettling(): boolean {
    return this.coldStart;
  }

  /** Joining through addresses learnt after construction (a restoring member's saved ring): down until one answers. */
  awaitPeers(): void {
    if (this.knownCount > 1) return;
    this.joining = true;
    this.majority = false;
  }

  check(spec: CommandSpec, args: readonly string[], write: boolean, readOnly: boolean): string | undefined {
    const slot = commandSlot(spec, args);
    this.checkedArgs = args;
    this.checkedSlot = slot;
    if (slot === NO_KEYS) return undefined;
    if (slot === CROSS_SLOT) return CROSSSLOT_ERROR;
    return this.admit(slot, write, readOnly);
  }

  checkTransaction(queue: readonly QueuedCommand[], readOnly: boolean): string | undefined {
    let slot = NO_KEYS;
    let write = false;
    for (const { spec, args } of queue) {
      const s = commandSlot(spec, args);
      if (s === NO_KEYS) continue;
      if (s === CROSS_SLOT || (slot !== NO_KEYS && s !== slot)) return CROSSSLOT_ERROR;
      slot = s;
      write ||= spec.flags.includes('write');
    }
    return slot === NO_KEYS ? undefined : this.admit(slot, write, readOnly);
  }

  /**
   * As getNodeByQuery after the slot is known: a down cluster refuses first, then the owner decides; a
   * READONLY client's read of a slot this node replicates is served here, as Redis serves it on a replica.
   */
  private admit(slot: number, write: boolean, readOnly: boolean): string | undefined {
    if (this.coldStart) return COLD_START_TRYAGAIN;
    if (!this.majority && (!this.options.allowReadsWhenDown || write)) {
      return this.options.allowReadsWhenDown ? CLUSTERDOWN_READONLY_ERROR : CLUSTERDOWN_ERROR;
    }
    // Freeze guard: a write arriving after the process was stopped (before any timer ran) first lets the
    // membership notice it; the node then syncs and owns nothing, so the write goes to the slot's owner.
    if (write && this.mine[slot] === 1 && this.membership.mayBeFrozen()) this.membership.noticeFreeze();
    if (this.mine[slot] === 1) return undefined;
    if (readOnly && !write && this.replicates !== undefined && this.replicates(slot)) return undefined;
    return movedError(slot, this.current.ownerOfSlot(slot));
  }

  private update(members: readonly MemberInfo[]): void {
    const ring: ClusterNode[] = [];
    const syncing: ClusterNode[] = [];
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
      if (member.syncing === true) syncing.push(node);
      else ring.push(node);
    }
    const leaving = new Set(members.filter((m) => m.leaving === true && (m.state === 'alive' || m.state === 'suspect')).map((m) => m.id));
    this.health = { suspect, failed, leaving };
    this.failedNodes = failedNodes;
    this.syncing = syncing;
    this.knownCount = known;
    if (members.length > 1) this.joining = false;
    this.majority = !this.joining && this.membership.reachableMajority();
    const epoch = this.membership.epoch;
    // Nobody owns slots (this node left a cluster of one, or every member is still syncing): the old table
    // stays and the cluster is down; the target is still worth knowing, so syncing members can start.
    this.serving = ring.length > 0;
    if (ring.length === 0) {
      this.majority = false;
      if (this.mine.includes(1)) this.mine = new Uint8Array(SLOT_COUNT);
      if (syncing.length > 0 && !sameNodes(syncing, this.next.nodes)) {
        this.next = this.topologyOf(syncing, epoch);
        for (const listener of this.listeners) listener(this.current);
      }
      return;
    }
    const targetNodes = syncing.length === 0 && leaving.size === 0 ? ring : [...ring.filter((node) => !leaving.has(node.id)), ...syncing];
    const currentChanged = epoch !== this.current.epoch || !sameNodes(ring, this.current.nodes);
    if (!currentChanged && sameNodes(targetNodes, this.next.nodes)) return;
    if (currentChanged) {
      this.current = this.topologyOf(ring, epoch);
      const mine = new Uint8Array(SLOT_COUNT);
      for (const range of this.current.rangesOf(this.self.id)) mine.fill(1, range.start, range.end + 1);
      this.mine = mine;
    }
    this.next = targetNodes === ring ? this.current : targetNodes.length === 0 ? this.current : this.topologyOf(targetNodes, epoch);
    for (const listener of this.listeners) listener(this.current);
  }

  /** A topology of `nodes`, with the replica placement when replicas are configured. */
  private topologyOf(nodes: readonly ClusterNode[], epoch: number): Topology {
    const topology = new Topology(nodes, epoch, this.options.ring);
    const count = this.options.replicas ?? 0;
    if (count > 0) {
      const replicas = replicaTable(topology.ring.members, count, this.options.ring);
      topology.setReplicas(replicas, count);
      topology.setHeirs(heirTable(topology.ring.members, count, replicas, this.options.ring));
    }
    return topology;
  }
}

function sameNodes(members: readonly ClusterNode[], nodes: readonly ClusterNode[]): boolean {
  if (members.length !== nodes.length) return false;
  const ids = new Set(nodes.map((node) => node.id));
  return members.every((member) => ids.has(member.id));
}
