/**
 * Rebalancing as an operator sees it. ringcache rebalances by itself: a member that joins (or comes back) is
 * *syncing* until it has copied the slots the ring will give it, then takes them at one epoch change; a member
 * that leaves hands its slots to their replicas. This service only reads that process (which slots move, how
 * far the copies are) and steers it with the knobs the nodes have: `slot-sync-paused` (snapshots wait) and
 * CLUSTER LEAVE (a graceful drain).
 */
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { splitAddress } from '../../../../libs/cluster/src/address.js';
import { DEFAULT_VIRTUAL_POINTS, HashRing } from '../../../../libs/cluster/src/ring.js';
import { SLOT_COUNT } from '../../../../libs/cluster/src/slots.js';
import type { ClusterNodeLine, SlotNode } from './cluster-nodes.js';
import { ClusterView, type ClusterTopology } from './cluster-view.js';
import { NodePool, NodeUnreachableError, isReplyError } from './node-pool.js';
import { parseReplicationInfo, type ReplicationInfo } from './replication-info.js';

/** One run of consecutive slots whose owner changes when the syncing members join. */
export interface SlotMove {
  readonly start: number;
  readonly end: number;
  /** The current owner; null for slots nobody serves now. */
  readonly from: SlotNode | null;
  readonly to: SlotNode;
}

export interface RebalancePlan {
  readonly moves: readonly SlotMove[];
  /** Slots that change owner. */
  readonly slots: number;
  /** slots × the cluster's average keys per slot. */
  readonly keysEstimate: number;
}

/** How far one syncing member is. */
export interface SyncingMemberProgress {
  readonly id: string;
  readonly address: string;
  readonly slotsTotal: number;
  readonly slotsDone: number;
  readonly slotsRemaining: number;
  /** Its DBSIZE: keys copied so far. */
  readonly keysDone: number;
  /** slotsRemaining × the cluster's average keys per slot. */
  readonly keysRemaining: number;
}

export interface RebalanceProgress {
  readonly state: 'idle' | 'running' | 'paused';
  /** Some reachable member has slot-sync-paused yes. */
  readonly paused: boolean;
  /** Ids of the members with slot-sync-paused yes. */
  readonly pausedMembers: readonly string[];
  /** Snapshot bytes sent per second over the members, since the previous call; null on the first one. */
  readonly bytesPerSecond: number | null;
  readonly members: readonly SyncingMemberProgress[];
  /** Ids of the members handing their slots over before a graceful leave (drain). */
  readonly leaving: readonly string[];
  /** Members that did not answer (their numbers are missing above). */
  readonly unreachable: readonly string[];
}

/** The members a pause or resume reached, and those it did not (with the reason). */
export interface SyncPauseResult {
  readonly paused: boolean;
  readonly set: ReadonlyArray<{ id: string; address: string }>;
  readonly failed: ReadonlyArray<{ id: string; address: string; reason: string }>;
}

/** What one reachable member says: INFO replication, slot-sync-paused, DBSIZE. */
interface MemberSample {
  readonly member: ClusterNodeLine;
  readonly replication: ReplicationInfo;
  readonly paused: boolean;
  readonly keys: number;
}

/** The members in the ring now: not syncing, and not failed outside it (a failed member listed without slots). */
export function servingMembers(topology: ClusterTopology): ClusterNodeLine[] {
  return topology.members.filter((m) => !m.syncing && (m.slots > 0 || m.state !== 'failed'));
}

@Injectable()
export class RebalanceService {
  /** ringcache_slot_sync_bytes_sent per member at the previous progress call, for the rate. */
  private lastSent: { at: number; bytes: Map<string, number> } | undefined;

  constructor(
    @Inject(ClusterView) private readonly cluster: ClusterView,
    @Inject(NodePool) private readonly pool: NodePool,
  ) {}

  async progress(): Promise<RebalanceProgress> {
    const topology = await this.cluster.topology();
    const { samples, unreachable } = await this.sample(topology);
    const perSlot = averageKeysPerSlot(topology, samples);
    const syncing = topology.members.filter((m) => m.syncing);
    const target = syncing.length === 0 ? undefined : await this.targetRing(topology);
    const members = syncing.flatMap((member): SyncingMemberProgress[] => {
      const sample = samples.find((s) => s.member.id === member.id);
      if (sample === undefined) return [];
      let slotsTotal = 0;
      let slotsDone = 0;
      for (const link of sample.replication.primaries) {
        slotsTotal += link.slots;
        slotsDone += link.syncedSlots;
      }
      // Before its links are open a member reports none: what the target table gives it is what it will copy.
      if (slotsTotal === 0 && target !== undefined) slotsTotal = target.loads[target.members.indexOf(member.id)] ?? 0;
      const slotsRemaining = Math.max(0, slotsTotal - slotsDone);
      const { id, address } = member;
      return [{ id, address, slotsTotal, slotsDone, slotsRemaining, keysDone: sample.keys, keysRemaining: Math.round(slotsRemaining * perSlot) }];
    });
    const pausedMembers = samples.filter((s) => s.paused).map((s) => s.member.id);
    const paused = pausedMembers.length > 0;
    const leaving = topology.members.filter((m) => m.leaving).map((m) => m.id);
    return {
      state: syncing.length === 0 && leaving.length === 0 ? 'idle' : paused ? 'paused' : 'running',
      leaving,
      paused,
      pausedMembers,
      bytesPerSecond: this.rate(samples),
      members,
      unreachable,
    };
  }

  /**
   * The slot ranges whose owner differs between the current table (CLUSTER NODES) and the target one: the
   * ring over the serving and the syncing members, as every node computes it. Empty when nothing syncs.
   */
  async plan(): Promise<RebalancePlan> {
    const topology = await this.cluster.topology();
    if (!topology.members.some((m) => m.syncing || m.leaving)) return { moves: [], slots: 0, keysEstimate: 0 };
    const [target, { samples }] = await Promise.all([this.targetRing(topology), this.sample(topology)]);
    const byId = new Map(topology.members.map((m) => [m.id, m]));
    const current = new Array<ClusterNodeLine | undefined>(SLOT_COUNT);
    for (const m of servingMembers(topology)) for (const [start, end] of m.ranges) current.fill(m, start, end + 1);
    const moves: SlotMove[] = [];
    let slots = 0;
    let runStart = -1;
    for (let slot = 0; slot <= SLOT_COUNT; slot++) {
      const moved = slot < SLOT_COUNT && current[slot]?.id !== target.members[target.owners[slot]!];
      const sameRun = moved && runStart >= 0 && current[slot] === current[runStart] && target.owners[slot] === target.owners[runStart];
      if (runStart >= 0 && !sameRun) {
        const from = current[runStart];
        moves.push({ start: runStart, end: slot - 1, from: from === undefined ? null : slotNode(from), to: slotNode(byId.get(target.members[target.owners[runStart]!]!)!) });
        slots += slot - runStart;
        runStart = -1;
      }
      if (moved && runStart < 0) runStart = slot;
    }
    return { moves, slots, keysEstimate: Math.round(slots * averageKeysPerSlot(topology, samples)) };
  }

  /** CONFIG SET slot-sync-paused on every member that is not failed. */
  async setPaused(paused: boolean): Promise<SyncPauseResult> {
    const topology = await this.cluster.topology();
    const set: Array<{ id: string; address: string }> = [];
    const failed: Array<{ id: string; address: string; reason: string }> = [];
    await Promise.all(
      reachable(topology).map(async ({ id, address }) => {
        try {
          await this.pool.command(address, ['CONFIG', 'SET', 'slot-sync-paused', paused ? 'yes' : 'no']);
          set.push({ id, address });
        } catch (err) {
          if (!(err instanceof NodeUnreachableError) && !isReplyError(err)) throw err;
          failed.push({ id, address, reason: err.message });
        }
      }),
    );
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return { paused, set: set.sort(byId), failed: failed.sort(byId) };
  }

  /**
   * CLUSTER LEAVE to one member: it waits for its replicas to acknowledge its writes, then leaves the ring
   * (its process keeps running, owning nothing). 404 for an unknown id; 409 when it is failed or the only
   * serving member (nobody could take its slots).
   */
  async drain(id: string): Promise<void> {
    this.cluster.invalidate();
    const topology = await this.cluster.topology();
    const member = topology.members.find((m) => m.id === id);
    if (member === undefined) throw new NotFoundException(`no member with id ${id}`);
    if (member.state === 'failed' || member.address === '') throw new ConflictException(`member ${id} is failed: the cluster has already taken its slots over`);
    const serving = servingMembers(topology);
    if (serving.length === 1 && serving[0]!.id === id) throw new ConflictException(`member ${id} is the only serving member: no one could take its slots`);
    await this.pool.command(member.address, ['CLUSTER', 'LEAVE']);
    this.cluster.invalidate();
  }

  /** The ring the nodes build once the syncing members serve (the virtual points read from the describing node). */
  private async targetRing(topology: ClusterTopology): Promise<HashRing> {
    let virtualPoints = DEFAULT_VIRTUAL_POINTS;
    const reply = await this.pool.command(topology.source, ['CONFIG', 'GET', 'cluster-virtual-points']).catch((err: unknown) => {
      if (err instanceof NodeUnreachableError || isReplyError(err)) return [];
      throw err;
    });
    if (Array.isArray(reply) && reply.length >= 2 && Number(reply[1]) > 0) virtualPoints = Number(reply[1]);
    const ids = [...servingMembers(topology).filter((m) => !m.leaving), ...topology.members.filter((m) => m.syncing)].map((m) => m.id);
    return new HashRing(ids, { virtualPoints });
  }

  private async sample(topology: ClusterTopology): Promise<{ samples: MemberSample[]; unreachable: string[] }> {
    const unreachable: string[] = [];
    const samples = await Promise.all(
      reachable(topology).map(async (member): Promise<MemberSample | undefined> => {
        try {
          const [replication, paused, keys] = await this.pool.batch(member.address, [['INFO', 'replication'], ['CONFIG', 'GET', 'slot-sync-paused'], ['DBSIZE']]);
          return {
            member,
            replication: parseReplicationInfo(typeof replication === 'string' ? replication : ''),
            paused: Array.isArray(paused) && paused[1] === 'yes',
            keys: typeof keys === 'number' ? keys : 0,
          };
        } catch (err) {
          if (!(err instanceof NodeUnreachableError)) throw err;
          unreachable.push(member.id);
          return undefined;
        }
      }),
    );
    return { samples: samples.filter((s) => s !== undefined), unreachable };
  }

  /** Bytes per second of snapshot data since the previous call, over the members sampled both times. */
  private rate(samples: readonly MemberSample[]): number | null {
    const now = performance.now();
    const bytes = new Map(samples.map((s) => [s.member.id, s.replication.slotSyncBytesSent]));
    const previous = this.lastSent;
    this.lastSent = { at: now, bytes };
    if (previous === undefined || now <= previous.at) return null;
    let delta = 0;
    for (const [id, sent] of bytes) {
      const before = previous.bytes.get(id);
      if (before !== undefined && sent >= before) delta += sent - before; // a restarted member counts from 0 again
    }
    return Math.round((delta * 1000) / (now - previous.at));
  }
}

function reachable(topology: ClusterTopology): ClusterNodeLine[] {
  return topology.members.filter((m) => m.state !== 'failed' && m.address !== '');
}

function slotNode(member: ClusterNodeLine): SlotNode {
  return { id: member.id, ...splitAddress(member.address) };
}

/**
 * Keys per slot over the cluster: the serving members' DBSIZEs (which count the replica copies they hold too)
 * over the slot copies CLUSTER SLOTS places (each slot once as primary plus once per replica).
 */
function averageKeysPerSlot(topology: ClusterTopology, samples: readonly MemberSample[]): number {
  let keys = 0;
  for (const s of samples) if (!s.member.syncing) keys += s.keys;
  let copies = 0;
  for (const group of topology.slotGroups) copies += (group.end - group.start + 1) * (1 + group.replicas.length);
  return copies === 0 ? keys / SLOT_COUNT : keys / copies;
}
