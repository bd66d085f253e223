/** SWIM gossip membership: failure detection, dissemination and the topology epoch, as a state machine driven by a clock and an injected transport. */

export type MemberState = 'alive' | 'suspect' | 'failed' | 'left';

export interface MemberInfo {
  id: string;
  host: string;
  /** RESP port clients connect to. */
  port: number;
  /** Cluster bus port gossip is sent to. */
  busPort: number;
  /** Raised only by the member itself: to refute a suspicion, and on restart (start time in ms, or passed in). */
  incarnation: number;
  state: MemberState;
  /**
   * Still copying the slots it is to own (a joining or returning member): known and probed, but not in the
   * ring yet. Set only by the member itself; absent means serving.
   */
  syncing?: boolean;
  /**
   * Draining before a graceful leave: still owns its slots, but the target table hands them to the others,
   * who copy them first. Set only by the member itself.
   */
  leaving?: boolean;
  /**
   * On a `failed` or `left` verdict: the member that issued it reached a majority then, so the cluster moved the
   * condemned member's slots on. Such a verdict sends a live member that hears it back to syncing; a minority's
   * verdict is only refuted.
   */
  quorum?: boolean;
  /**
   * Starting from its own files at a whole-cluster cold start (docs/persistence.md): the epoch of the table it
   * last saved. Set only by the member itself: while it is syncing (restoring) and after it served from its
   * file, until the cold start ends.
   */
  restoreEpoch?: number;
}

export interface BusAddress {
  host: string;
  busPort: number;
}

/** Carried by every message: the sender's own record (authoritative about itself) and its topology epoch. */
export interface GossipHeader {
  from: MemberInfo;
  epoch: number;
}

export type GossipMessage =
  | (GossipHeader & { type: 'ping'; seq: number; updates: MemberInfo[] })
  | (GossipHeader & { type: 'ack'; seq: number; updates: MemberInfo[] })
  | (GossipHeader & { type: 'ping-req'; seq: number; target: BusAddress & { id: string }; updates: MemberInfo[] })
  /** Full state; `reply` asks the receiver to answer with its own (push-pull: join through a seed, periodic repair). */
  | (GossipHeader & { type: 'sync'; members: MemberInfo[]; reply: boolean })
  | (GossipHeader & { type: 'leave' });

export interface GossipTransport {
  /** Best effort, fire and forget: loss is what the protocol is built for. */
  send(to: BusAddress, message: GossipMessage): void;
}

export interface MembershipOptions {
  transport: GossipTransport;
  clock: { now(): number };
  /** Uniform in [0, 1); seeded in tests. Default Math.random. */
  random?: () => number;
  /** One probe (ping) per interval, the SWIM protocol period. Default 1000 ms. */
  probeIntervalMs?: number;
  /** No direct ack by then: ask `indirectProbes` others to ping the target. Default 500 ms. */
  probeTimeoutMs?: number;
  /** k, the members asked to probe indirectly. Default 3. */
  indirectProbes?: number;
  /**
   * A suspect not refuted within this is declared failed. Default 4000 ms, so with the other defaults a dead
   * member is declared failed 5 s after the probe it missed (1 s probe round + 4 s), 5-7 s after it died.
   */
  suspicionTimeoutMs?: number;
  /** Push-pull full state with one random member every this many probe rounds (not timer ticks). Default 10. */
  fullSyncEveryTicks?: number;
  /** Most member updates piggybacked on one ping or ack. Default 6. */
  piggybackLimit?: number;
  /**
   * A gap longer than this between two ticks (the process was stopped, or its loop stalled) may have let the
   * others fail this member over: it comes back syncing at once, before it handles any message that piled up
   * meanwhile (a stale suspicion it would refute as a serving member). Undefined: no check (simulations).
   */
  freezeMs?: number;
}

/** Each update is piggybacked RETRANSMIT_MULTIPLIER × ceil(log10(N + 1)) times (λ log N, memberlist's choice). */
const RETRANSMIT_MULTIPLIER = 4;
const STATE_RANK: Record<MemberState, number> = { alive: 0, suspect: 1, failed: 2, left: 3 };

/** Whether update `a` replaces record `b` of the same member: higher incarnation wins, then left > failed > suspect > alive. */
export function supersedes(a: MemberInfo, b: MemberInfo): boolean {
  if (a.incarnation !== b.incarnation) return a.incarnation > b.incarnation;
  if (a.state !== b.state) return STATE_RANK[a.state] > STATE_RANK[b.state];
  return a.quorum === true && b.quorum !== true; // a majority's verdict over a minority's
}

/** Members that own slots: a suspect keeps its slots until declared failed. */
function inRing(member: MemberInfo | undefined): boolean {
  return member !== undefined && (member.state === 'alive' || member.state === 'suspect');
}

/** Members that own slots now: in the ring and done syncing. */
export function ownsSlots(member: MemberInfo | undefined): boolean {
  return inRing(member) && member!.syncing !== true;
}

function copy(member: MemberInfo): MemberInfo {
  const { id, host, port, busPort, incarnation, state } = member;
  const record: MemberInfo = { id, host, port, busPort, incarnation, state };
  if (member.syncing === true) record.syncing = true;
  if (member.leaving === true) record.leaving = true;
  if (member.quorum === true && (state === 'failed' || state === 'left')) record.quorum = true;
  if (member.restoreEpoch !== undefined) record.restoreEpoch = member.restoreEpoch;
  return record;
}

interface Probe {
  target: string;
  seq: number;
  startedAt: number;
  indirectSent: boolean;
  acked: boolean;
}

/** A ping sent on behalf of a ping-req: its ack is forwarded to `to` under the requester's `seq`. */
interface Relay {
  to: BusAddress;
  requester: string;
  seq: number;
  expiresAt: number;
}

/*
 * How failure detection works, and why.
 *
 * Each protocol period (probeIntervalMs) a node pings the next member of a shuffled round-robin list, so every
 * member is probed by someone within a bounded time whatever the random draws. No ack within probeTimeoutMs:
 * k other members are asked to ping it (ping-req) and forward the ack, so one lossy link between two nodes does
 * not condemn the target. No ack by the end of the period: the target is only *suspected*, and the suspicion is
 * gossiped. A suspected member that is alive hears about it (piggybacked, and in every message sent to it by a
 * member that suspects it) and refutes by raising its incarnation: only a member raises its own incarnation,
 * and a higher incarnation beats any older suspicion. A suspicion left unrefuted for suspicionTimeoutMs becomes
 * `failed`. At equal incarnation failed > suspect > alive, so a stale alive can never undo a verdict; `left` is
 * final for its incarnation, and a restarted member comes back with a higher one.
 *
 * Updates ride on pings and acks, each sent a bounded number of times (λ log N), fewest-sent first, which spreads
 * them to all members in O(log N) periods; a periodic full push-pull sync with a random member (failed ones
 * included, so healed partitions find each other) repairs anything gossip lost.
 *
 * The epoch labels topology versions (the set of members that own slots: alive or suspect). Every message carries
 * the sender's epoch and receivers keep the max. The node that originates a change (declares a failure, leaves,
 * admits a new or restarted member through a sync from it) bumps its epoch; a node that applies a change learned
 * from a sender already ahead of it adopts the sender's epoch instead of bumping again, so one change costs one
 * bump cluster-wide rather than one per node. Concurrent changes may share a number or add a bump, but the max
 * always converges once gossip settles, and the epoch only grows. Suspicion and refutation do not bump it.
 */
export class Membership {
  /** By id, self included; failed and left members stay as tombstones so stale gossip cannot resurrect them. */
  private readonly records = new Map<string, MemberInfo>();
  private readonly self: MemberInfo;
  private readonly transport: GossipTransport;
  private readonly clock: { now(): number };
  private readonly random: () => number;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly indirectProbes: number;
  private readonly suspicionTimeoutMs: number;
  private readonly fullSyncEvery: number;
  private readonly piggybackLimit: number;
  private readonly freezeMs: number | undefined;
  /** Clock time of the last tick or message handled, for the freeze check. */
  private lastActive: number;
  /** Member id → local time its current suspicion started. */
  private readonly suspectedAt = new Map<string, number>();
  /** Member id → times its record has been piggybacked; removed once sent enough. */
  private readonly broadcasts = new Map<string, number>();
  /** Our ping seq → the ping-req it answers. */
  private readonly relays = new Map<number, Relay>();
  private readonly listeners: ((members: readonly MemberInfo[]) => void)[] = [];
  private probeOrder: string[] = [];
  private probeIndex = 0;
  private probe: Probe | undefined;
  private nextProbeAt = 0;
  private rounds = 0;
  private seq = 0;
  private seeds: BusAddress[] = [];
  private nextJoinAt = 0;
  private currentEpoch = 0;
  private changed = false;
  /** Our incarnation was raised while handling a message: announce it to every member once it is handled. */
  private refuted = false;
  private snapshot: readonly MemberInfo[] | undefined;

  constructor(self: MemberInfo, options: MembershipOptions) {
    this.self = { ...copy(self), state: 'alive' };
    this.records.set(this.self.id, this.self);
    this.transport = options.transport;
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 500;
    this.indirectProbes = options.indirectProbes ?? 3;
    this.suspicionTimeoutMs = options.suspicionTimeoutMs ?? 4000;
    this.fullSyncEvery = options.fullSyncEveryTicks ?? 10;
    this.piggybackLimit = options.piggybackLimit ?? 6;
    this.freezeMs = options.freezeMs;
    this.lastActive = this.clock.now();
    this.nextProbeAt = this.clock.now();
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  /** Every known member, self included, failed and left ones too; a frozen snapshot replaced on each change. */
  members(): readonly MemberInfo[] {
    this.snapshot ??= Object.freeze([...this.records.values()].map((m) => Object.freeze(copy(m))));
    return this.snapshot;
  }

  /** Called after each batch of changes (membership or epoch) with the new member list. */
  onChange(listener: (members: readonly MemberInfo[]) => void): void {
    this.listeners.push(listener);
  }

  /** True when a strict majority of the non-left members this node knows, itself included, are alive to it. */
  reachableMajority(): boolean {
    if (this.self.state === 'left') return false;
    let known = 0;
    let alive = 0;
    for (const member of this.records.values()) {
      if (member.state === 'left') continue;
      known++;
      if (member.state === 'alive') alive++;
    }
    return alive * 2 > known;
  }

  /** Push-pull our state to the seeds (bus addresses); retried each probe interval until some member answers. */
  join(seeds: readonly BusAddress[]): void {
    this.seeds = seeds.filter((s) => s.host !== this.self.host || s.busPort !== this.self.busPort);
    this.nextJoinAt = this.clock.now();
    this.retryJoin(this.clock.now());
  }

  /** Whether this member is still syncing (not in the ring). */
  get syncing(): boolean {
    return this.self.syncing === true;
  }

  /**
   * This member has copied the slots it is to own: it enters the ring (a higher incarnation, a new epoch),
   * told to every member at once.
   */
  serve(): void {
    if (this.self.syncing !== true || this.self.state === 'left') return;
    delete this.self.syncing;
    this.announceSelf(true);
  }

  /**
   * Before start, with the table this member saved last (its epoch): epochs go on from there, so a file saved
   * later always carries a higher epoch than one saved before, across restarts of the whole cluster.
   */
  adoptEpoch(epoch: number): void {
    if (epoch > this.currentEpoch) this.setEpoch(epoch);
  }

  /**
   * Before start: this member restores its slots from its own files (a cold start of the cluster). It starts
   * syncing, announcing `restoreEpoch`, the epoch of the table it saved; endRestore() clears it.
   */
  restoreFrom(epoch: number): void {
    this.adoptEpoch(epoch);
    this.self.syncing = true;
    this.self.restoreEpoch = epoch;
    this.dirty();
  }

  /** The cold start is over for this member (it served from its files, or gave up restoring): told to every member. */
  endRestore(): void {
    if (this.self.restoreEpoch === undefined) return;
    delete this.self.restoreEpoch;
    this.announceSelf(false);
  }

  /**
   * The first step of a graceful leave: this member keeps its slots but asks the others to copy them (the
   * target table leaves it out); `leave` follows once they hold them.
   */
  drain(): void {
    if (this.self.leaving === true || this.self.state === 'left') return;
    this.self.leaving = true;
    this.announceSelf(false);
  }

  /**
   * Our own record changed (phase): a higher incarnation, told to every member at once; `newEpoch` when the
   * members owning slots change with it.
   */
  private announceSelf(newEpoch: boolean): void {
    this.self.incarnation++;
    this.broadcasts.set(this.self.id, 0);
    if (newEpoch) this.setEpoch(this.currentEpoch + 1);
    this.dirty();
    this.announceRefutation();
    this.notify();
  }

  /**
   * Whether a freeze may have happened since the last tick or message (longer than freezeMs ago): the node's
   * write path asks before accepting a write, since client input can run before any timer after a SIGCONT.
   */
  mayBeFrozen(): boolean {
    return this.freezeMs !== undefined && this.clock.now() - this.lastActive > this.freezeMs;
  }

  /** Handles a freeze now (see mayBeFrozen): this member comes back syncing. */
  noticeFreeze(): void {
    this.checkFreeze(this.clock.now());
  }

  /** After a freeze (see MembershipOptions.freezeMs), this member comes back syncing. */
  private checkFreeze(now: number): void {
    const gap = now - this.lastActive;
    this.lastActive = now;
    if (this.freezeMs === undefined || gap <= this.freezeMs || this.self.syncing === true) return;
    this.self.syncing = true;
    delete this.self.leaving;
    this.announceSelf(true);
  }

  /** Announces `left` to every member in the ring; afterwards this instance ignores ticks and messages. */
  leave(): void {
    if (this.self.state === 'left') return;
    this.self.state = 'left';
    this.setEpoch(this.currentEpoch + 1);
    this.dirty();
    for (const member of this.records.values()) {
      if (member !== this.self && inRing(member)) this.transport.send(member, { ...this.header(), type: 'leave' });
    }
    this.notify();
  }

  /**
   * CLUSTER FORGET: records another member as gone (`left` at its known incarnation), as if it had left, and
   * tells every member at once, so a member that is dead for good stops counting toward the majority. A member
   * that is in fact alive refutes with a higher incarnation and is back. False for ourselves or an unknown id.
   */
  forget(id: string): boolean {
    const known = this.records.get(id);
    if (known === undefined || known === this.self || this.self.state === 'left') return false;
    if (known.state === 'left') return true;
    const gone: MemberInfo = { ...known, state: 'left', quorum: this.reachableMajority() };
    if (this.apply(gone, this.clock.now())) this.setEpoch(this.currentEpoch + 1);
    this.announceFailure(gone);
    this.notify();
    return true;
  }

  /** Drives the protocol; call every ~100 ms (tests: after advancing the clock). */
  tick(): void {
    if (this.self.state === 'left') return;
    const now = this.clock.now();
    this.checkFreeze(now);
    this.retryJoin(now);
    this.advanceProbe(now);
    this.expireSuspicions(now);
    for (const [seq, relay] of this.relays) if (relay.expiresAt <= now) this.relays.delete(seq);
    this.notify();
  }

  receive(from: BusAddress, message: GossipMessage): void {
    if (this.self.state === 'left') return;
    const now = this.clock.now();
    this.checkFreeze(now);
    const epochBefore = this.currentEpoch;
    let topologyChanged = this.apply(message.from, now);
    if (message.type === 'sync') {
      for (const member of message.members) topologyChanged = this.apply(member, now) || topologyChanged;
    } else if (message.type !== 'leave') {
      for (const member of message.updates) topologyChanged = this.apply(member, now) || topologyChanged;
    }
    // A sender already ahead of us has counted the change; otherwise we originate it (e.g. a joiner's sync).
    this.setEpoch(topologyChanged && message.epoch <= epochBefore ? epochBefore + 1 : Math.max(epochBefore, message.epoch));
    this.respond(from, message, now);
    if (this.refuted) this.announceRefutation();
    this.notify();
  }

  // ---- probing ----

  private advanceProbe(now: number): void {
    const probe = this.probe;
    if (probe !== undefined && !probe.acked) {
      if (!probe.indirectSent && now >= probe.startedAt + this.probeTimeoutMs) {
        probe.indirectSent = true;
        this.sendPingReqs(probe);
      }
      if (now >= probe.startedAt + this.probeIntervalMs) {
        this.suspect(probe.target);
        this.probe = undefined;
      }
    }
    if (now < this.nextProbeAt) return;
    this.nextProbeAt = Math.max(this.nextProbeAt + this.probeIntervalMs, now);
    // A period may start a little before the last probe's own deadline (its tick ran late): unanswered, it
    // still counts as missed.
    if (this.probe !== undefined && !this.probe.acked) this.suspect(this.probe.target);
    this.probe = undefined;
    this.rounds++;
    if (this.rounds % this.fullSyncEvery === 0) this.syncWithRandomMember();
    this.tellSuspects();
    const target = this.nextProbeTarget();
    if (target === undefined) return;
    const seq = ++this.seq;
    this.probe = { target: target.id, seq, startedAt: now, indirectSent: false, acked: false };
    this.transport.send(target, { ...this.header(), type: 'ping', seq, updates: this.piggyback(target.id) });
  }

  /** Next member of the shuffled round-robin order, reshuffled after each full pass. */
  private nextProbeTarget(): MemberInfo | undefined {
    for (let pass = 0; pass < 2; pass++) {
      while (this.probeIndex < this.probeOrder.length) {
        const member = this.records.get(this.probeOrder[this.probeIndex++]!);
        if (member !== this.self && inRing(member)) return member;
      }
      this.probeOrder = this.shuffle([...this.records.values()].filter((m) => m !== this.self && inRing(m)).map((m) => m.id));
      this.probeIndex = 0;
    }
    return undefined;
  }

  private sendPingReqs(probe: Probe): void {
    const target = this.records.get(probe.target);
    if (target === undefined) return;
    const helpers = this.shuffle([...this.records.values()].filter((m) => m !== this.self && m !== target && m.state === 'alive'));
    for (const helper of helpers.slice(0, this.indirectProbes)) {
      const targetAddress = { id: target.id, host: target.host, busPort: target.busPort };
      this.transport.send(helper, { ...this.header(), type: 'ping-req', seq: probe.seq, target: targetAddress, updates: this.piggyback(helper.id) });
    }
  }

  /**
   * Each round, every member we suspect gets a bare ping carrying our suspicion, so a live one refutes within a
   * round of becoming reachable rather than whenever gossip or the probe order happens to reach it.
   */
  private tellSuspects(): void {
    for (const id of this.suspectedAt.keys()) {
      const member = this.records.get(id);
      if (member?.state === 'suspect') this.transport.send(member, { ...this.header(), type: 'ping', seq: ++this.seq, updates: this.piggyback(id) });
    }
  }

  private suspect(id: string): void {
    const member = this.records.get(id);
    if (member?.state === 'alive') this.apply({ ...member, state: 'suspect' }, this.clock.now());
  }

  private expireSuspicions(now: number): void {
    for (const [id, since] of this.suspectedAt) {
      const member = this.records.get(id);
      if (member?.state !== 'suspect' || now < since + this.suspicionTimeoutMs) continue;
      const failed: MemberInfo = { ...member, state: 'failed', quorum: this.reachableMajority() };
      if (this.apply(failed, now)) {
        this.setEpoch(this.currentEpoch + 1);
        this.announceFailure(failed);
      }
    }
  }

  /**
   * A failure this member declares (or a member it forgets) goes to every member at once: they are rare, and
   * piggybacked gossip takes about log N probe rounds (7 s at 100 members) to reach the last one.
   */
  private announceFailure(failed: MemberInfo): void {
    for (const member of this.records.values()) {
      if (member !== this.self && inRing(member)) this.transport.send(member, { ...this.header(), type: 'ping', seq: ++this.seq, updates: [failed] });
    }
  }

  // ---- messages ----

  private respond(from: BusAddress, message: GossipMessage, now: number): void {
    switch (message.type) {
      case 'ping':
        this.transport.send(from, { ...this.header(), type: 'ack', seq: message.seq, updates: this.piggyback(message.from.id) });
        break;
      case 'ack': {
        if (this.probe?.seq === message.seq) this.probe.acked = true;
        const relay = this.relays.get(message.seq);
        if (relay !== undefined) {
          this.relays.delete(message.seq);
          this.transport.send(relay.to, { ...this.header(), type: 'ack', seq: relay.seq, updates: this.piggyback(relay.requester) });
        }
        break;
      }
      case 'ping-req': {
        const seq = ++this.seq;
        this.relays.set(seq, { to: from, requester: message.from.id, seq: message.seq, expiresAt: now + this.probeIntervalMs });
        this.transport.send(message.target, { ...this.header(), type: 'ping', seq, updates: this.piggyback(message.target.id) });
        break;
      }
      case 'sync':
        if (message.reply) this.transport.send(from, this.syncMessage(false));
        break;
      case 'leave':
        break;
    }
  }

  private retryJoin(now: number): void {
    if (this.seeds.length === 0 || this.records.size > 1 || now < this.nextJoinAt) return;
    this.nextJoinAt = now + this.probeIntervalMs;
    for (const seed of this.seeds) this.transport.send(seed, this.syncMessage(true));
  }

  private syncWithRandomMember(): void {
    const peers = [...this.records.values()].filter((m) => m !== this.self && m.state !== 'left');
    if (peers.length === 0) return;
    this.transport.send(peers[Math.floor(this.random() * peers.length)]!, this.syncMessage(true));
  }

  private syncMessage(reply: boolean): GossipMessage {
    return { ...this.header(), type: 'sync', members: [...this.records.values()].map(copy), reply };
  }

  private header(): GossipHeader {
    return { from: copy(this.self), epoch: this.currentEpoch };
  }

  // ---- state ----

  /** Merges one record; returns whether the set of members in the ring changed. */
  private apply(update: MemberInfo, now: number): boolean {
    if (update.id === this.self.id) {
      this.refute(update);
      return false;
    }
    const known = this.records.get(update.id);
    if (known !== undefined && !supersedes(update, known)) return false;
    const record = copy(update);
    this.records.set(record.id, record);
    if (record.state !== 'suspect') this.suspectedAt.delete(record.id);
    else if (known?.state !== 'suspect' || known.incarnation !== record.incarnation) this.suspectedAt.set(record.id, now);
    this.broadcasts.set(record.id, 0);
    this.dirty();
    return inRing(record) !== inRing(known) || ownsSlots(record) !== ownsSlots(known);
  }

  /** Any record about us that would beat our own (a suspicion, a verdict, an older life) is answered by a higher incarnation. */
  private refute(update: MemberInfo): void {
    if (!supersedes(update, this.self)) return;
    // A majority's verdict (failed, or forgotten) means the cluster moved our slots on: what we hold is stale,
    // so we come back as a syncing member and copy our slots from their current owners first.
    if ((update.state === 'failed' || update.state === 'left') && update.quorum === true) {
      this.self.syncing = true;
      delete this.self.restoreEpoch; // its files are stale too: the cluster served its slots without it
    }
    this.self.incarnation = update.incarnation + 1;
    this.broadcasts.set(this.self.id, 0);
    this.refuted = true;
    this.dirty();
  }

  /**
   * Tells every member in the ring at once, in the header of a bare ping (whose ack nobody awaits). Gossip alone
   * reaches a given suspecter only probabilistically, and each one declares us failed when its own timer runs out.
   */
  private announceRefutation(): void {
    this.refuted = false;
    for (const member of this.records.values()) {
      if (member !== this.self && inRing(member)) this.transport.send(member, { ...this.header(), type: 'ping', seq: ++this.seq, updates: [] });
    }
  }

  /**
   * Up to piggybackLimit records for a message to `recipient`, fewest-sent first; each dropped after λ log N
   * sends. If we hold the recipient as suspect or failed, that record goes first, whatever its count: the
   * recipient is alive enough to be talked to, and hearing it at once lets it refute.
   */
  private piggyback(recipient: string): MemberInfo[] {
    const updates: MemberInfo[] = [];
    const about = this.records.get(recipient);
    if (about !== undefined && about !== this.self && (about.state === 'suspect' || about.state === 'failed')) updates.push(copy(about));
    if (this.broadcasts.size === 0) return updates;
    const maxSends = RETRANSMIT_MULTIPLIER * Math.ceil(Math.log10(this.records.size + 1));
    const picked = [...this.broadcasts].filter(([id]) => id !== recipient || updates.length === 0);
    picked.sort((a, b) => a[1] - b[1]).splice(this.piggybackLimit - updates.length);
    for (const [id, sends] of picked) {
      const member = this.records.get(id);
      if (member !== undefined) updates.push(copy(member));
      if (member === undefined || sends + 1 >= maxSends) this.broadcasts.delete(id);
      else this.broadcasts.set(id, sends + 1);
    }
    return updates;
  }

  private setEpoch(epoch: number): void {
    if (epoch === this.currentEpoch) return;
    this.currentEpoch = epoch;
    this.changed = true;
  }

  private dirty(): void {
    this.changed = true;
    this.snapshot = undefined;
  }

  private notify(): void {
    if (!this.changed) return;
    this.changed = false;
    const members = this.members();
    for (const listener of this.listeners) listener(members);
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
