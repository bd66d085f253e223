/**
 * What the cluster says about itself: CLUSTER NODES + CLUSTER INFO from the first node that answers (the one
 * that answered last time, then the seeds, then every other member seen), cached for a second and shared by
 * concurrent requests, so a burst of admin calls costs one round trip. Members are sorted by id.
 */
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { SLOT_COUNT } from '../../../../libs/cluster/src/slots.js';
import { ADMIN_CONFIG, type AdminConfig } from '../admin-config.js';
import { keysOf, parseClusterNodes, parseClusterSlots, parseInfo, type ClusterNodeLine, type SlotGroup } from './cluster-nodes.js';
import { NodePool, NodeUnreachableError, isReplyError } from './node-pool.js';
import { parseReplicationInfo, type PrimaryLinkInfo } from './replication-info.js';

export interface ClusterTopology {
  /** cluster_current_epoch of CLUSTER INFO. */
  readonly epoch: number;
  /** cluster_state of CLUSTER INFO. */
  readonly state: 'ok' | 'fail';
  readonly members: readonly ClusterNodeLine[];
  /** CLUSTER SLOTS: each range with its primary and replicas, ascending. */
  readonly slotGroups: readonly SlotGroup[];
  /** Address of the node that described the cluster. */
  readonly source: string;
  /** Slots some member claims. */
  readonly slotsAssigned: number;
  /** Slots without an owner that is alive or merely suspect. */
  readonly slotsUnowned: number;
}

export interface MemberView {
  readonly id: string;
  readonly state: ClusterNodeLine['state'];
  readonly address: string;
  readonly slots: number;
  /** slots / 16384. */
  readonly share: number;
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** From the member's INFO; null when it is failed or did not answer. */
  readonly keys: number | null;
  readonly memoryBytes: number | null;
  /** Copying the slots it is to own before it joins the ring (ringcache's `syncing` flag). */
  readonly syncing: boolean;
  /** Slots CLUSTER SLOTS lists this member as a replica of. */
  readonly replicaSlots: number;
  /** master_repl_offset of the member's own stream; null when it did not answer. */
  readonly replicationOffset: number | null;
  /** Replicas reading this member's stream; null when it did not answer. */
  readonly connectedReplicas: number | null;
  /** The members it copies slots from, with how far behind each copy is; null when it did not answer. */
  readonly links: readonly MemberLink[] | null;
}

/** One incoming replication link of a member (a `primaryN` line of its INFO replication). */
export interface MemberLink {
  readonly primaryId: string;
  readonly address: string;
  readonly linkStatus: 'up' | 'down';
  readonly lastIoSecondsAgo: number;
  readonly lagBytes: number;
  readonly offset: number;
  readonly slots: number;
  readonly syncedSlots: number;
}

/** The topology with each member's keys and memory. */
export interface ClusterOverview extends Omit<ClusterTopology, 'members'> {
  readonly members: MemberView[];
}

const CACHE_MS = 1000;

@Injectable()
export class ClusterView {
  private cached: { topology: ClusterTopology; at: number } | undefined;
  private inFlight: Promise<ClusterTopology> | undefined;
  private lastSource: string | undefined;

  constructor(
    @Inject(NodePool) private readonly pool: NodePool,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
  ) {}

  /** The current topology; 503 when no known node answers. */
  topology(): Promise<ClusterTopology> {
    if (this.cached && performance.now() - this.cached.at < CACHE_MS) return Promise.resolve(this.cached.topology);
    this.inFlight ??= this.discover().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Forget the cached topology (after a MOVED, say). */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The topology plus each reachable member's keys and memory (INFO keyspace, INFO memory). */
  async overview(): Promise<ClusterOverview> {
    const topology = await this.topology();
    return { ...topology, members: await Promise.all(topology.members.map((m) => this.memberView(m, topology.slotGroups))) };
  }

  private async memberView(member: ClusterNodeLine, slotGroups: readonly SlotGroup[]): Promise<MemberView> {
    let keys: number | null = null;
    let memoryBytes: number | null = null;
    let replicationOffset: number | null = null;
    let connectedReplicas: number | null = null;
    let links: MemberLink[] | null = null;
    if (member.state !== 'failed' && member.address !== '') {
      try {
        const [keyspace, memory, replication] = await this.pool.batch(member.address, [['INFO', 'keyspace'], ['INFO', 'memory'], ['INFO', 'replication']]);
        if (typeof keyspace === 'string') keys = keysOf(parseInfo(keyspace));
        const used = typeof memory === 'string' ? parseInfo(memory).get('used_memory') : undefined;
        if (used !== undefined) memoryBytes = Number(used);
        if (typeof replication === 'string') {
          const info = parseReplicationInfo(replication);
          replicationOffset = info.offset;
          connectedReplicas = info.connectedReplicas;
          links = info.primaries.map(memberLink);
        }
      } catch (err) {
        if (!(err instanceof NodeUnreachableError)) throw err;
      }
    }
    const { id, state, address, slots, ranges, syncing } = member;
    let replicaSlots = 0;
    for (const group of slotGroups) if (group.replicas.some((r) => r.id === id)) replicaSlots += group.end - group.start + 1;
    return { id, state, address, slots, share: slots / SLOT_COUNT, ranges, keys, memoryBytes, syncing, replicaSlots, replicationOffset, connectedReplicas, links };
  }

  private candidates(): string[] {
    const seeds = this.config.seeds.map((s) => `${s.host}:${s.port}`);
    const known = (this.cached?.topology.members ?? []).filter((m) => m.state !== 'failed' && m.address !== '').map((m) => m.address);
    return [...new Set([...(this.lastSource ? [this.lastSource] : []), ...seeds, ...known])];
  }

  private async discover(): Promise<ClusterTopology> {
    const reasons: string[] = [];
    for (const address of this.candidates()) {
      try {
        const [nodes, info, slots] = await this.pool.batch(address, [['CLUSTER', 'NODES'], ['CLUSTER', 'INFO'], ['CLUSTER', 'SLOTS']]);
        if (typeof nodes !== 'string' || typeof info !== 'string') {
          reasons.push(`${address}: ${isReplyError(nodes) ? nodes.message : isReplyError(info) ? info.message : 'unexpected reply'}`);
          continue;
        }
        const topology = describe(parseClusterNodes(nodes), parseInfo(info), parseClusterSlots(slots), address);
        this.cached = { topology, at: performance.now() };
        this.lastSource = address;
        return topology;
      } catch (err) {
        if (!(err instanceof NodeUnreachableError)) throw err;
        reasons.push(err.message);
      }
    }
    this.cached = undefined;
    throw new ServiceUnavailableException(`cluster unreachable: ${reasons.join('; ')}`);
  }
}

function describe(members: ClusterNodeLine[], info: Map<string, string>, slotGroups: SlotGroup[], source: string): ClusterTopology {
  members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const owned = new Uint8Array(SLOT_COUNT); // 0 none, 1 only failed owners, 2 a live owner
  for (const m of members) {
    for (const [start, end] of m.ranges) {
      for (let slot = start; slot <= end && slot < SLOT_COUNT; slot++) owned[slot] = Math.max(owned[slot]!, m.state === 'failed' ? 1 : 2);
    }
  }
  let slotsAssigned = 0;
  let slotsUnowned = 0;
  for (const o of owned) {
    if (o > 0) slotsAssigned++;
    if (o < 2) slotsUnowned++;
  }
  return {
    epoch: Number(info.get('cluster_current_epoch') ?? 0),
    state: info.get('cluster_state') === 'ok' ? 'ok' : 'fail',
    members,
    slotGroups,
    source,
    slotsAssigned,
    slotsUnowned,
  };
}

/** The member that owns `slot`: a live one if any claims it, else a failed one, else undefined. */
export function ownerOf(topology: ClusterTopology, slot: number): ClusterNodeLine | undefined {
  let failedOwner: ClusterNodeLine | undefined;
  for (const m of topology.members) {
    if (!m.ranges.some(([start, end]) => slot >= start && slot <= end)) continue;
    if (m.state !== 'failed') return m;
    failedOwner ??= m;
  }
  return failedOwner;
}

function memberLink(link: PrimaryLinkInfo): MemberLink {
  const { id, address, linkUp, lastIoSecondsAgo, lagBytes, offset, slots, syncedSlots } = link;
  return { primaryId: id, address, linkStatus: linkUp ? 'up' : 'down', lastIoSecondsAgo, lagBytes, offset, slots, syncedSlots };
}
