/**
 * Replication and slot handover in a cluster node (docs/replication.md): this node's stream (PrimaryStream,
 * fed by the engine's capture) for the replicas of its slots, and one PrimaryLink per member it copies slots
 * from. After every topology change it decides what to copy from whom:
 *
 * - serving: the slots the replica placement gives it (it is replica r of them), from their primaries;
 * - syncing (joining, or back after being declared failed): the slots the target table gives it, from their
 *   current owners; once every link has caught up it enters the ring (Membership.serve), so a slot changes
 *   owner only after the new owner holds its data, and a returning node never serves stale values;
 * - a slot it now owns that a link to a still-serving member carried (a handover) stays on that link for a
 *   grace period, so writes the old owner accepted before it learnt the new epoch still arrive;
 * - when a primary fails, what this node's link applied of its stream is kept for a few minutes (PSYNC2): the
 *   slots this node took over are resumed from it by their other replicas, and the slots another survivor
 *   took over are asked from it as a resume from this node's place in that stream, not copied again.
 *
 * Keys of slots it neither owns nor copies are dropped; the store never expires or evicts the copies (the
 * primary's DELs do). It is the engine's ReplicationHooks (WAIT, INFO replication, READONLY, metrics).
 */
import type { CommandContext } from '../../../../libs/engine/src/commands/command.js';
import type { CommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import type { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { InternalSession } from '../../../../libs/engine/src/commands/internal-session.js';
import type { PrimaryLinkStatus, ReplicationHooks } from '../../../../libs/engine/src/commands/replication-hooks.js';
import { attachSink } from '../../../../libs/engine/src/commands/replication.js';
import type { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { DiscardReply } from '../../../../libs/engine/src/commands/discard-reply.js';
import type { Engine } from '../../../../libs/engine/src/engine.js';
import { snapshotSlot } from '../../../../libs/engine/src/snapshot.js';
import type { ClusterState } from '../../../../libs/cluster/src/cluster-state.js';
import type { Membership } from '../../../../libs/cluster/src/membership.js';
import { coldStartOpen, otherRestoring, restoreDecision } from '../../../../libs/cluster/src/restore.js';
import { commandSlot } from '../../../../libs/cluster/src/routing.js';
import { PrimaryLink } from '../../../../libs/replication/src/primary-link.js';
import type { StreamCopy } from '../../../../libs/replication/src/applied-history.js';
import { PrimaryStream, type InheritedStream } from '../../../../libs/replication/src/primary-stream.js';
import { ANY_SLOT } from '../../../../libs/replication/src/replication-log.js';
import { SLOT_COUNT, emptyMask, parseSlots, type SlotMask } from '../../../../libs/replication/src/slot-set.js';

/** How often the stream checks its replicas' repl-timeout and tells idle ones the offset (a keepalive). */
const TICK_MS = 250;

/** How long a handed-over slot keeps following its old owner's stream. */
const HANDOVER_GRACE_MS = 2000;

/** How long a failed primary's stream is kept for the other replicas to resume from (PSYNC2). */
const KEPT_STREAM_MS = 5 * 60_000;
/** Failed primaries' streams kept at most (each holds up to repl-backlog-size of args). */
const KEPT_STREAMS = 4;

/** A cold start from this node's files (libs/cluster/src/restore.ts): the saved ring's epoch, its other members, until when to wait. */
interface Restore {
  readonly epoch: number;
  readonly expected: ReadonlySet<string>;
  readonly deadline: number;
  /** cluster-restore-timeout; the cold start closes at deadline + timeoutMs whatever happens. */
  readonly timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  checkQueued: boolean;
}

/** A failed primary's stream as this node's link applied it, and this node's offset when it was taken over. */
interface KeptStream extends InheritedStream {
  readonly until: number;
}

export class ReplicationRuntime implements ReplicationHooks {
  readonly primaryStream: PrimaryStream;
  private readonly links = new Map<string, PrimaryLink>();
  /** Per old owner: slots handed over to this node, followed until `until`. */
  private readonly graces = new Map<string, { mask: SlotMask; until: number }>();
  private graceTimer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private peerQuery: ((node: { host: string; port: number }, args: string[]) => Promise<unknown>) | undefined;
  private serveCheck: Promise<void> | undefined;
  private readonly applyCtx: CommandContext;
  private readonly slotMask = emptyMask();
  private readonly selfId: string;
  private held: SlotMask = emptyMask();
  /** Failed primaries' streams by their replication id, oldest first. */
  private readonly kept = new Map<string, KeptStream>();
  /** repl-backlog-size, read by every link's history on each applied command. */
  private backlogBytes: number;
  private stopped = false;
  private detachStream: (() => void) | undefined;
  /** Keys deleted because this node neither owns nor copies their slot any more. */
  droppedKeys = 0;
  /** Restoring this node's slots from its own files at a whole-cluster cold start; undefined otherwise. */
  private restore: Restore | undefined;
  /** Leaving: the keyspace (and the append-only file) stays as it is, whatever the ring does meanwhile. */
  private frozen = false;

  constructor(
    private readonly config: ConfigStore,
    private readonly state: ClusterState,
    private readonly membership: Membership,
    private readonly engine: Engine,
    private readonly server: ServerState,
    private readonly table: CommandTable,
  ) {
    this.selfId = state.self.id;
    this.backlogBytes = config.getNumber('repl-backlog-size');
    this.primaryStream = new PrimaryStream({
      backlogBytes: config.getNumber('repl-backlog-size'),
      slotOf: (args) => this.slotOf(args),
      snapshot: (slot, emit) => snapshotSlot(engine.keyspace, slot, engine.clock.now(), emit),
      owned: () => this.owned(),
      connected: (clientId) => server.clients.has(clientId),
      paused: () => config.getBool('slot-sync-paused'),
      rateBytesPerSec: () => config.getNumber('slot-sync-rate'),
      inherited: (replId) => this.inherited(replId),
      countsForWait: (slot, replicaId) => state.topology.isReplica(slot, replicaId),
    });
    const session = new InternalSession(server.nextClientId());
    this.applyCtx = { engine, keyspace: engine.keyspace, server, client: session, reply: new DiscardReply() };
  }

  /**
   * Before start(): serve the slots the ring gives this node from what it loaded, not from their current
   * owners, if the whole cluster is starting from its files (restore.ts): `epoch` and `expected` (the other
   * members) come from the saved ring; the membership was set restoring (Membership.restoreFrom).
   */
  restoreFrom(epoch: number, expected: ReadonlySet<string>, timeoutMs: number): void {
    this.restore = { epoch, expected, deadline: Date.now() + timeoutMs, timeoutMs, timer: undefined, checkQueued: false };
  }

  /**
   * Whether this node follows the ring: not while it restores from its files or settles the cold start after
   * serving from them, nor once it is leaving (freeze). Its saved ring is not updated meanwhile.
   */
  get followsRing(): boolean {
    return this.restore === undefined && !this.frozen;
  }

  /** Captures writes, serves PSYNC, and follows the topology from now on. */
  start(): void {
    this.detachStream = attachSink(this.engine, this.server, this.primaryStream);
    this.server.replicationHooks = this;
    this.state.setReplicaPredicate((slot) => this.replicates(slot));
    this.config.onChange((name) => {
      if (name !== 'repl-backlog-size') return;
      this.backlogBytes = this.config.getNumber(name);
      this.primaryStream.log.resize(this.backlogBytes);
    });
    this.state.onTopology(() => this.reconcile());
    const restore = this.restore;
    if (restore !== undefined) {
      this.membership.onChange(() => this.queueRestoreCheck());
      // Gossip brings most changes; the timeouts are noticed within a quarter of a second.
      restore.timer = setInterval(() => this.queueRestoreCheck(), 250);
      restore.timer.unref();
    }
    this.reconcile();
    this.ticker = setInterval(() => this.primaryStream.tick(Date.now(), this.timeoutMs()), TICK_MS);
    this.ticker.unref();
  }

  /** repl-timeout in ms. */
  private timeoutMs(): number {
    return this.config.getNumber('repl-timeout') * 1000;
  }

  /**
   * A graceful leave's hand-over: announces that this node is leaving (the target table gives its slots to
   * the others, who copy them), then waits (at most `timeoutMs`) until, for every slot it owns, the member the
   * target table gives it to streams it and has acknowledged everything so far. False on timeout.
   */
  async handOver(timeoutMs: number): Promise<boolean> {
    this.membership.drain();
    const deadline = Date.now() + timeoutMs;
    let asked = 0;
    for (;;) {
      if (this.handedOver() && (await this.targetCopiesHeld().catch(() => false))) return true;
      if (Date.now() >= deadline) return false;
      if (Date.now() - asked >= 200) {
        this.requestAcks();
        asked = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Every owned slot's owner-to-be streams it and has acknowledged this node's offset. */
  private handedOver(): boolean {
    const target = this.state.target;
    // The target is the current table only when nobody is left to hand the slots to (alone, or every member
    // is leaving at once, as when a whole local cluster is stopped).
    if (target === this.state.topology) return true;
    const links = new Map(this.primaryStream.replicas().map((link) => [link.id, link]));
    const offset = this.offset;
    const owned = this.state.ownedSlots;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (owned[slot] !== 1) continue;
      const heir = target.ownerOfSlot(slot);
      if (heir.id === this.selfId) return false; // the target has not left us out yet
      const link = links.get(heir.id);
      if (link === undefined || !link.streams(slot) || link.ackOffset < offset) return false;
    }
    return true;
  }

  /**
   * A graceful leave began: stop following the ring. As the other members leave too (a whole cluster stopped
   * with SIGTERM), the ring would otherwise give their slots to this node and take its own away, and the keys it
   * dropped would go into its append-only file as DELs: it keeps its keyspace and file as they are, so a
   * restart of the whole cluster restores from them. Its links to the primaries stay as they are (a member
   * that stays may still count this one as a replica for WAIT until the leave completes).
   */
  freeze(): void {
    this.frozen = true;
  }

  /**
   * Waits (at most `timeoutMs`) until every replica has acknowledged everything streamed so far: before a
   * graceful leave hands this node's slots to them, and once more after it, for the writes in between.
   */
  async waitForAcks(timeoutMs: number): Promise<void> {
    const target = this.offset;
    const deadline = Date.now() + timeoutMs;
    const behind = (): boolean => this.primaryStream.replicas().some((link) => link.ackOffset < target);
    let asked = 0;
    while (behind() && Date.now() < deadline) {
      if (Date.now() - asked >= 200) {
        this.requestAcks();
        asked = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.restore?.timer);
    this.detachStream?.();
    clearInterval(this.ticker);
    this.state.setReplicaPredicate(undefined);
    clearTimeout(this.graceTimer);
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  // ---- ReplicationHooks ----

  get replicasPerSlot(): number {
    return this.config.getNumber('replicas');
  }
  get replId(): string {
    return this.primaryStream.log.replId;
  }
  get replId2(): string {
    return this.primaryStream.log.replId2;
  }
  get offset(): number {
    return this.primaryStream.log.offset;
  }
  get secondOffset(): number {
    return this.primaryStream.log.secondReplOffset;
  }
  get backlogSize(): number {
    return this.config.getNumber('repl-backlog-size');
  }
  get backlogFirstByteOffset(): number {
    return this.primaryStream.log.firstOffset + 1;
  }
  get backlogHistlen(): number {
    return this.primaryStream.log.historyBytes;
  }
  get syncFull(): number {
    return this.primaryStream.fullSyncs;
  }
  get syncPartialOk(): number {
    return this.primaryStream.partialSyncs + this.primaryStream.inheritedResumes;
  }
  get syncPartialErr(): number {
    return this.primaryStream.refusedResumes;
  }
  get snapshotBytesSent(): number {
    return this.primaryStream.snapshotBytes;
  }
  get lastWriteSlot(): number {
    return this.primaryStream.lastWriteSlot;
  }
  replicas(): ReturnType<PrimaryStream['replicas']> {
    return this.primaryStream.replicas();
  }
  primaries(): readonly PrimaryLinkStatus[] {
    return [...this.links.values()];
  }
  ackedCount(offset: number, slot: number): number {
    return this.primaryStream.ackedCount(offset, slot);
  }
  replicaCount(slot: number): number {
    return this.primaryStream.replicaCount(slot);
  }
  requestAcks(): void {
    this.primaryStream.requestAcks();
  }
  onAck(listener: () => void): () => void {
    return this.primaryStream.onAck(listener);
  }
  replicates(slot: number): boolean {
    for (const link of this.links.values()) if (link.holds(slot)) return true;
    return false;
  }

  // ---- placement ----

  /** The slots this node owns now (none while it is syncing). */
  private owned(): Readonly<Uint8Array> {
    return this.membership.syncing ? NOTHING : this.state.ownedSlots;
  }

  private slotOf(args: readonly string[]): number {
    // A write streamed as received was just routed: its slot is known.
    const checked = this.state.slotChecked(args);
    if (checked !== undefined) return checked < 0 ? ANY_SLOT : checked;
    const spec = this.table.lookup(args[0]!);
    if (spec === undefined) return ANY_SLOT;
    const slot = commandSlot(spec, args);
    return slot < 0 ? ANY_SLOT : slot;
  }

  /** Decides the links and their slots for the current topology, drops keys nobody asked this node to keep. */
  private reconcile(): void {
    if (this.stopped || this.frozen) return;
    if (this.restore !== undefined) {
      // Restoring, or settling the cold start: keep everything loaded, copy nothing until the final ring.
      this.queueRestoreCheck();
      return;
    }
    const current = this.state.topology;
    const target = this.state.target;
    const owned = this.owned();
    const wanted = new Map<string, SlotMask>();
    const want = (primary: string, slot: number): void => {
      let mask = wanted.get(primary);
      if (mask === undefined) wanted.set(primary, (mask = emptyMask()));
      mask[slot] = 1;
    };
    const owners = current.ring.owners;
    const nodes = current.nodes;
    const targetOwners = target.ring.owners;
    const targetNodes = target.nodes;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (owned[slot] === 1) continue;
      const owner = nodes[owners[slot]!]!;
      if (owner.id === this.selfId) continue; // a stale table of this node alone (still syncing): nothing to copy
      // A copy of the slot: as one of its replicas or heirs (replicas.ts), or as its owner-to-be (this node syncs, another member
      // leaves, or a join moves the slot between serving members), taken before the table hands it over.
      if (targetNodes[targetOwners[slot]!]!.id === this.selfId || current.holdsCopy(slot, this.selfId)) want(owner.id, slot);
    }
    this.addGraces(owned, wanted);
    const failed: StreamCopy[] = [];
    for (const [id, link] of this.links) {
      if (!wanted.has(id)) {
        link.close();
        this.links.delete(id);
        if (current.node(id) === undefined) this.keep(link.streamCopy(), failed);
      }
    }
    const held = emptyMask();
    for (const [id, mask] of wanted) {
      let link = this.links.get(id);
      const created = link === undefined;
      if (link === undefined) {
        link = this.createLink(current.node(id)!);
        this.links.set(id, link);
      }
      // Slots the failed primary streamed here, now another survivor's: asked as a resume from our place.
      for (const copy of failed) if (overlaps(copy.slots, mask)) link.offerResume(copy);
      link.setSlots(mask);
      if (created) link.start();
      for (let slot = 0; slot < SLOT_COUNT; slot++) if (mask[slot] !== 0) held[slot] = 1;
    }
    this.held = held;
    const keyspace = this.engine.keyspace;
    keyspace.setForeignSlots(held);
    const drop = emptyMask();
    let any = false;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (owned[slot] !== 1 && held[slot] === 0 && keyspace.keysInHashSlot(slot) > 0) {
        drop[slot] = 1;
        any = true;
      }
    }
    if (any) this.droppedKeys += this.deleteSlots(drop);
    this.checkServe();
  }

  /**
   * Keeps what a link to a failed primary applied (the other replicas of the slots this node took over resume
   * from it), with this node's offset now, at the promotion; drops kept streams grown too old.
   */
  private keep(copy: StreamCopy | undefined, failed: StreamCopy[]): void {
    const now = Date.now();
    for (const [replId, kept] of this.kept) if (kept.until <= now) this.kept.delete(replId);
    if (copy === undefined) return;
    failed.push(copy);
    this.kept.delete(copy.replId);
    this.kept.set(copy.replId, { copy, ownOffset: this.offset, until: now + KEPT_STREAM_MS });
    if (this.kept.size > KEPT_STREAMS) this.kept.delete(this.kept.keys().next().value!);
  }

  /** The failed primary's stream `replId` this node continues; 'pending' while a link here still follows it. */
  private inherited(replId: string): InheritedStream | 'pending' | undefined {
    const kept = this.kept.get(replId);
    if (kept !== undefined && kept.until > Date.now()) return kept;
    for (const link of this.links.values()) if (link.replId === replId) return 'pending';
    return undefined;
  }

  /**
   * Slots this node now owns that a link to a member still serving carried: kept on that link for a grace
   * period (a handover: the old owner may accept writes until it learns the new epoch).
   */
  private addGraces(owned: Readonly<Uint8Array>, wanted: Map<string, SlotMask>): void {
    const now = Date.now();
    const current = this.state.topology;
    for (const [id, link] of this.links) {
      if (current.node(id) === undefined) continue; // failed or gone: nothing more will come from it
      let grace = this.graces.get(id);
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        if (owned[slot] === 1 && link.holds(slot) && (grace === undefined || grace.mask[slot] === 0)) {
          if (grace === undefined) this.graces.set(id, (grace = { mask: emptyMask(), until: now + HANDOVER_GRACE_MS }));
          grace.mask[slot] = 1;
        }
      }
    }
    let next = Infinity;
    for (const [id, grace] of this.graces) {
      if (grace.until <= now || current.node(id) === undefined) {
        this.graces.delete(id);
        continue;
      }
      next = Math.min(next, grace.until);
      let mask = wanted.get(id);
      if (mask === undefined) wanted.set(id, (mask = emptyMask()));
      for (let slot = 0; slot < SLOT_COUNT; slot++) if (grace.mask[slot] !== 0 && owned[slot] === 1) mask[slot] = 1;
    }
    clearTimeout(this.graceTimer);
    if (next !== Infinity) {
      this.graceTimer = setTimeout(() => this.reconcile(), next - now + 1);
      this.graceTimer.unref();
    }
  }

  private createLink(node: { id: string; host: string; port: number }): PrimaryLink {
    return new PrimaryLink({
      primary: node,
      self: { id: this.selfId, port: this.state.self.port },
      password: this.server.requirePass,
      slotOf: (args) => this.slotOf(args),
      apply: (args) => this.table.applyFromPrimary(this.applyCtx, args),
      flushSlots: (mask) => void this.deleteSlots(mask),
      flushSlot: (slot) => this.flushSlot(slot),
      onProgress: () => this.checkServe(),
      timeoutMs: () => this.timeoutMs(),
      historyBytes: () => this.backlogBytes,
    });
  }

  /** Drops the keys of one slot (before its snapshot arrives). */
  private flushSlot(slot: number): void {
    const keyspace = this.engine.keyspace;
    if (keyspace.keysInHashSlot(slot) === 0) return;
    this.slotMask[slot] = 1;
    this.deleteSlots(this.slotMask);
    this.slotMask[slot] = 0;
  }

  /**
   * Deletes the keys of the flagged slots. With the append-only file on, each goes into it as a DEL first (the
   * replication stream drops them: the slots are not this node's), so the file keeps matching the keyspace.
   */
  private deleteSlots(mask: Readonly<SlotMask>): number {
    const keyspace = this.engine.keyspace;
    if (this.server.persistence?.enabled === true) {
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        if (mask[slot] === 1) for (const { key } of keyspace.hashSlotEntries(slot)) this.server.propagate(0, ['DEL', key]);
      }
    }
    return keyspace.deleteHashSlots(mask as Uint8Array);
  }

  /**
   * A syncing node whose links have all caught up enters the ring once the other members the next table gives
   * slots to (the ring's load bound also moves a few between serving members) hold them too.
   */
  // ---- cold start from this node's files ----

  /** Decides on the next turn (membership and topology listeners call in while a change is being applied). */
  private queueRestoreCheck(): void {
    const restore = this.restore;
    if (restore === undefined || restore.checkQueued || this.stopped) return;
    restore.checkQueued = true;
    setImmediate(() => {
      restore.checkQueued = false;
      this.restoreCheck();
    });
  }

  private restoreCheck(): void {
    const restore = this.restore;
    if (restore === undefined || this.stopped) return;
    const members = this.membership.members();
    if (members.find((member) => member.id === this.selfId)?.restoreEpoch === undefined) {
      // A majority declared this node failed meanwhile (Membership.refute): its file is stale, it syncs.
      this.endRestore();
      return;
    }
    const timedOut = Date.now() >= restore.deadline;
    if (this.membership.syncing) {
      if (this.state.awaitingSeeds) return; // nobody answered yet: never serve alone from a file
      const decision = restoreDecision(this.selfId, restore.epoch, restore.expected, members, timedOut);
      if (decision === 'serve') {
        this.state.setColdStart(true);
        process.stderr.write(`ringcache: serving this node's slots from its append-only file (cold start of the cluster saved at epoch ${restore.epoch})\n`);
        this.membership.serve();
      } else if (decision === 'abandon') {
        process.stderr.write('ringcache: not restoring from the append-only file: the cluster kept running or a member saved a later ring; copying this node\'s slots from their owners\n');
        this.endRestore();
      }
      return;
    }
    const expired = Date.now() >= restore.deadline + restore.timeoutMs;
    if (coldStartOpen(this.selfId, restore.epoch, restore.expected, members, timedOut, expired)) {
      this.state.setColdStart(true);
      return;
    }
    this.endRestore();
  }

  /** The cold start is over for this node: announce it, and copy and drop as the ring says from now on. */
  private endRestore(): void {
    const restore = this.restore;
    if (restore === undefined) return;
    clearInterval(restore.timer);
    this.restore = undefined;
    this.state.setColdStart(false);
    this.membership.endRestore();
    this.reconcile();
  }

  private checkServe(): void {
    if (!this.membership.syncing || this.stopped || this.serveCheck !== undefined) return;
    if (this.state.awaitingSeeds) return; // no cluster seen yet (seeds not answering)
    for (const link of this.links.values()) if (!link.caughtUp) return;
    if (!this.state.hasServingMembers && otherRestoring(this.selfId, this.membership.members())) {
      // A new cluster's members serve at once, having nothing to copy; but while members restore from their
      // files (a cold start), this one waits for them to serve and copies its slots from them.
      setTimeout(() => this.checkServe(), 200).unref();
      return;
    }
    this.serveCheck = this.targetCopiesHeld().then(
      (held) => {
        this.serveCheck = undefined;
        if (held && this.membership.syncing && !this.stopped) this.membership.serve();
        else if (!this.stopped) setTimeout(() => this.checkServe(), 200).unref();
      },
      () => {
        this.serveCheck = undefined;
        if (!this.stopped) setTimeout(() => this.checkServe(), 200).unref();
      },
    );
  }

  /** Sends one command to another member (its RESP port); set by the cluster module (peer connections). */
  setPeerQuery(query: (node: { host: string; port: number }, args: string[]) => Promise<unknown>): void {
    this.peerQuery = query;
  }

  /**
   * Whether every member that the target table gives a slot it does not own now holds a current copy of it:
   * this node through its links, the others as CLUSTER COPIES says. Until then the table must not change.
   */
  private async targetCopiesHeld(): Promise<boolean> {
    const current = this.state.topology;
    const target = this.state.target;
    // Nothing to wait for: no change, or nobody serves yet (a new cluster: every member starts syncing).
    if (target === current || !this.state.hasServingMembers) return true;
    const needed = new Map<string, number[]>();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const heir = target.ownerOfSlot(slot).id;
      if (heir === current.ownerOfSlot(slot).id) continue;
      let slots = needed.get(heir);
      if (slots === undefined) needed.set(heir, (slots = []));
      slots.push(slot);
    }
    for (const [id, slots] of needed) {
      if (id === this.selfId) {
        if (!slots.every((slot) => this.replicates(slot))) return false;
        continue;
      }
      const node = target.node(id);
      if (node === undefined || this.peerQuery === undefined) return false;
      const copies = parseSlots(String(await this.peerQuery(node, ['CLUSTER', 'COPIES'])));
      if (copies === undefined || !slots.every((slot) => copies[slot] === 1)) return false;
    }
    return true;
  }

  /** Slots this node holds as copies (for tests and INFO). */
  get heldSlots(): Readonly<SlotMask> {
    return this.held;
  }
}

const NOTHING: Readonly<Uint8Array> = new Uint8Array(SLOT_COUNT);

function overlaps(a: Readonly<SlotMask>, b: Readonly<SlotMask>): boolean {
  for (let slot = 0; slot < SLOT_COUNT; slot++) if (a[slot] !== 0 && b[slot] !== 0) return true;
  return false;
}
