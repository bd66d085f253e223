/**
 * The primary side of replication: this node's stream of effective writes (a ReplicationLog), fed by the
 * engine's capture (ReplicationSink), and the replicas reading it, each over a RESP connection that sent
 * PSYNC (see docs/replication.md for the protocol).
 *
 * A node is the primary of the slots it owns, and each replica holds a subset of them, so every replica link
 * has its own slot set: an entry goes to the links streaming its slot. A slot joins a link by a snapshot: its
 * keys as write commands, written in one event-loop turn after `REPLCONF SLOTSYNC <slot>`; entries for the slot
 * are skipped before that (the snapshot already has their effect) and forwarded after it, so the replica sees
 * exactly the primary's history of the slot. Snapshots go in batches of about 64 KB, one batch per turn, and
 * wait while the replica has not read the previous ones, so neither event loop blocks on a big sync.
 *
 * Offsets are those of the whole stream: after each turn that appended (and after each snapshot batch) every
 * link gets `REPLCONF OFFSET <n>`, so a replica that was sent nothing still knows how far it is, and its
 * `REPLCONF ACK <n>` means "I have applied everything of my slots up to n".
 *
 * PSYNC2 across failover: a node promoted for slots of a failed primary kept what its link applied of that
 * primary's stream (an InheritedStream). Another replica of those slots, asking for them with the place it
 * had in the failed primary's stream, gets `REPLCONF SLOTRESUME <slots>` and only what it lacks: the inherited
 * entries after its place, then this node's own entries of the slots since the promotion, then a marker
 * (written in one turn, as a snapshot). When that cannot be told exactly, the slots are snapshotted.
 */
import type { CommandContext } from '../../engine/src/commands/command.js';
import type { ReplicaStatus } from '../../engine/src/commands/replication-hooks.js';
import type { ReplicationSink } from '../../engine/src/commands/replication.js';
import type { StreamCopy } from './applied-history.js';
import { ANY_SLOT, ReplicationLog, encodeCommand } from './replication-log.js';
import { SLOT_COUNT, emptyMask, formatSlots, type SlotMask } from './slot-set.js';

/** A link's slot states. */
const NONE = 0;
const PENDING = 1;
const STREAMING = 2;

/** Snapshot bytes written per event-loop turn. */
const SNAPSHOT_BATCH_BYTES = 64 * 1024;
/** The next snapshot batch waits while more than this is unsent to the replica. */
const SNAPSHOT_OUTPUT_PAUSE_BYTES = 4 * 1024 * 1024;
/** Redis's client-output-buffer-limit for replicas (hard limit): a replica this far behind is dropped and resyncs. */
const REPLICA_OUTPUT_LIMIT_BYTES = 256 * 1024 * 1024;

/** Emits the write commands that recreate the keys of one slot (engine's snapshot.ts). */
export type SlotSnapshot = (slot: number, emit: (args: readonly string[]) => void) => void;

/** The RESP connection's writer (RespWriter): raw bytes go out as they are. */
interface RawWriter {
  raw(data: Buffer | string): void;
}

/** A replica's identity, from its REPLCONF before PSYNC. */
export interface ReplicaIdentity {
  id: string;
  host: string;
  port: number;
}

/** One replica reading this node's stream. */
export class ReplicaConnection implements ReplicaStatus {
  /** NONE, PENDING (snapshot queued) or STREAMING per slot. */
  readonly slotStates: SlotMask = emptyMask();
  state: ReplicaStatus['state'] = 'wait_bgsave';
  ackOffset = 0;
  lastAckAt = Date.now();
  /** The stream offset the last OFFSET marker told this replica. */
  markedOffset = -1;
  closed = false;
  pumping = false;
  private readonly writer: RawWriter;

  constructor(
    readonly identity: ReplicaIdentity,
    readonly ctx: CommandContext,
  ) {
    this.writer = ctx.reply as unknown as RawWriter;
  }

  get id(): string {
    return this.identity.id;
  }
  get host(): string {
    return this.identity.host;
  }
  get port(): number {
    return this.identity.port;
  }

  get slots(): number {
    let n = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.slotStates[slot] !== NONE) n++;
    return n;
  }

  /** Whether this replica has the slot's snapshot and follows its writes. */
  streams(slot: number): boolean {
    return this.slotStates[slot] === STREAMING;
  }

  get clientId(): number {
    return this.ctx.client.id;
  }

  write(bytes: Buffer): void {
    this.writer.raw(bytes);
    this.ctx.client.pushWritten();
  }

  outputBytes(): number {
    return this.ctx.client.outputBytes();
  }
}

/** A failed primary's stream this node continues for the slots it took over (PSYNC2's replid2, per primary). */
export interface InheritedStream {
  /** What this node's link had applied of it when the primary failed. */
  readonly copy: StreamCopy;
  /** This node's own stream offset at the promotion: its entries of the slots since then follow the copy's. */
  readonly ownOffset: number;
}

/** A replica's place in a failed primary's stream, offered with the slots it asks for. */
export interface ResumeRequest {
  readonly replId: string;
  /** The last marker it applied. */
  readonly offset: number;
  /** Bytes of the asked slots' entries it applied after that marker. */
  readonly applied: number;
}

/** How long a resume waits for this node to learn of the failure its replica already knows about. */
const INHERIT_WAIT_MS = 3000;

export interface PrimaryStreamOptions {
  backlogBytes: number;
  /** A command's slot (all keys of a cluster command share one), ANY_SLOT when it has no key. */
  slotOf(args: readonly string[]): number;
  snapshot: SlotSnapshot;
  /** 1 for each slot this node owns now: only those are logged (writes a replica link applies here are not ours to stream). */
  owned(): Readonly<Uint8Array>;
  /** Whether a client id is still connected (links of closed connections are dropped). */
  connected(clientId: number): boolean;
  /** Snapshots wait while this is true (slot-sync-paused: an operator paused rebalancing). */
  paused?(): boolean;
  /** Most snapshot bytes per second over all links, 0 for no limit (slot-sync-rate). */
  rateBytesPerSec?(): number;
  /**
   * The failed primary's stream with id `replId` this node continues, 'pending' while this node still follows
   * that primary (a replica learnt of its failure first), undefined when none.
   */
  inherited?(replId: string): InheritedStream | 'pending' | undefined;
  /**
   * Whether the member `replicaId` counts for WAIT on `slot` (a replica of it in the current table): a member
   * that only copies the slot ahead of a possible move (an heir, an owner-to-be) does not. Default: every link.
   */
  countsForWait?(slot: number, replicaId: string): boolean;
}

/** Transaction state of the entries being captured: MULTI is held until the first command tells its slot. */
const TX_NONE = 0;
const TX_PENDING = 1;
const TX_OPEN = 2;
const TX_SKIPPED = 3;

const MULTI = encodeCommand(['MULTI']);
const EXEC = encodeCommand(['EXEC']);
const GETACK = encodeCommand(['REPLCONF', 'GETACK', '*']);

export class PrimaryStream implements ReplicationSink {
  readonly log: ReplicationLog;
  private readonly links = new Map<number, ReplicaConnection>();
  private readonly ackListeners = new Set<() => void>();
  private tx = TX_NONE;
  private txSlot = ANY_SLOT;
  private markerScheduled = false;
  /** Snapshot bytes sent in the current one-second window, for slot-sync-rate. */
  private windowStart = 0;
  private windowBytes = 0;
  /** Snapshot bytes sent since start (INFO, rebalancing progress). */
  snapshotBytes = 0;
  /** The slot of the last entry logged (WAIT counts the replicas of the client's last written slot). */
  lastWriteSlot = ANY_SLOT;
  /** Slot requests served from an inherited stream instead of snapshots (Redis's sync_partial_ok, for them). */
  inheritedResumes = 0;
  /** PSYNCs answered: full copies, resumes from the backlog, and full copies where a resume was asked. */
  fullSyncs = 0;
  partialSyncs = 0;
  refusedResumes = 0;

  /** Counts one PSYNC answer (INFO stats sync_full / sync_partial_ok / sync_partial_err). */
  countSync(partial: boolean, resumeAsked: boolean): void {
    if (partial) this.partialSyncs++;
    else {
      this.fullSyncs++;
      if (resumeAsked) this.refusedResumes++;
    }
  }

  constructor(private readonly options: PrimaryStreamOptions) {
    this.log = new ReplicationLog(options.backlogBytes);
  }

  // ---- capture ----

  propagate(_db: number, args: readonly string[]): void {
    const name = args[0]!;
    if (args.length === 1 && (name === 'MULTI' || name === 'multi')) {
      this.tx = TX_PENDING;
      return;
    }
    if (args.length === 1 && (name === 'EXEC' || name === 'exec') && this.tx !== TX_NONE) {
      if (this.tx === TX_OPEN) this.append(this.txSlot, EXEC);
      this.tx = TX_NONE;
      return;
    }
    if (this.tx === TX_SKIPPED) return;
    const slot = this.options.slotOf(args);
    if (slot !== ANY_SLOT && this.options.owned()[slot] !== 1) {
      // A write applied here for a slot this node does not own (from a primary's stream): not ours to stream.
      if (this.tx === TX_PENDING) this.tx = TX_SKIPPED;
      return;
    }
    if (this.tx === TX_PENDING) {
      this.tx = TX_OPEN;
      this.txSlot = slot;
      this.append(slot, MULTI);
    }
    this.append(slot, encodeCommand(args));
  }

  private append(slot: number, bytes: Buffer): void {
    this.log.appendEncoded(slot, bytes);
    if (slot !== ANY_SLOT) this.lastWriteSlot = slot;
    for (const link of this.links.values()) {
      if (slot === ANY_SLOT || link.slotStates[slot] === STREAMING) link.write(bytes);
    }
    this.scheduleMarkers();
  }

  private scheduleMarkers(): void {
    if (this.markerScheduled || this.links.size === 0) return;
    this.markerScheduled = true;
    setImmediate(this.writeMarkers);
  }

  /** Once per turn that appended: every link learns the stream's offset; links of closed connections go. */
  private readonly writeMarkers = (): void => {
    this.markerScheduled = false;
    for (const link of this.links.values()) {
      if (!this.options.connected(link.clientId) || link.outputBytes() > REPLICA_OUTPUT_LIMIT_BYTES) {
        this.drop(link);
        continue;
      }
      this.mark(link);
    }
  };

  /** OFFSET marker; `force` after a snapshot batch, whose end the replica learns from it. */
  private mark(link: ReplicaConnection, force = false): void {
    const offset = this.log.offset;
    if (link.markedOffset === offset && !force) return;
    link.markedOffset = offset;
    link.write(encodeCommand(['REPLCONF', 'OFFSET', String(offset)]));
  }

  // ---- replicas ----

  /**
   * PSYNC from a replica holding `held` slots of our stream: the connection becomes a replica link, streaming
   * those slots from its offset when `partial` (canResume said so), else with each of them queued for a
   * snapshot. The caller replies +CONTINUE or +FULLRESYNC, then calls start.
   */
  attach(ctx: CommandContext, identity: ReplicaIdentity, held: Readonly<SlotMask>, partial: boolean): ReplicaConnection {
    const previous = this.links.get(ctx.client.id);
    if (previous !== undefined) previous.closed = true; // a second PSYNC on one connection replaces its link
    const link = new ReplicaConnection(identity, ctx);
    this.links.set(ctx.client.id, link);
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (held[slot] !== 0) link.slotStates[slot] = partial ? STREAMING : PENDING;
    }
    return link;
  }

  /** After the PSYNC reply went into the link's output: the backlog (partial) or the snapshots (full). */
  start(link: ReplicaConnection, from: { offset: number }, partial: boolean): void {
    if (partial) {
      for (const entry of this.log.since(from.offset, (slot) => link.slotStates[slot] === STREAMING) ?? []) link.write(entry.bytes);
      link.state = 'online';
      link.ackOffset = from.offset;
      this.mark(link);
    } else {
      link.ackOffset = 0;
      this.pump(link);
    }
  }

  /** Whether PSYNC from `from` can continue from the backlog. */
  canResume(from: { replId: string; offset: number }): boolean {
    return this.log.canResume(from);
  }

  linkOf(clientId: number): ReplicaConnection | undefined {
    return this.links.get(clientId);
  }

  /** REPLCONF ADDSLOTS: snapshot these slots to the link, then stream them. */
  addSlots(link: ReplicaConnection, mask: Readonly<SlotMask>): void {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (mask[slot] !== 0 && link.slotStates[slot] === NONE) link.slotStates[slot] = PENDING;
    }
    this.pump(link);
  }

  /**
   * REPLCONF ADDSLOTS with a place in a failed primary's stream: the slots resume from the stream this node
   * inherited when it can tell exactly what the replica lacks, else they are snapshotted as by addSlots.
   */
  resumeSlots(link: ReplicaConnection, mask: Readonly<SlotMask>, from: ResumeRequest, deadline = Date.now() + INHERIT_WAIT_MS): void {
    if (link.closed) return;
    const source = this.options.inherited?.(from.replId);
    if (source === 'pending' && Date.now() < deadline) {
      setTimeout(() => this.resumeSlots(link, mask, from, deadline), 50);
      return;
    }
    const catchUp = source === undefined || source === 'pending' ? undefined : this.catchUp(link, mask, from, source);
    if (catchUp === undefined) return this.addSlots(link, mask);
    link.write(encodeCommand(['REPLCONF', 'SLOTRESUME', formatSlots(mask)]));
    for (const bytes of catchUp) link.write(bytes);
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (mask[slot] !== 0) link.slotStates[slot] = STREAMING;
    this.mark(link, true);
    this.inheritedResumes++;
  }

  /** What a replica at `from` lacks of the slots of `mask`, or undefined when that cannot be told exactly. */
  private catchUp(link: ReplicaConnection, mask: Readonly<SlotMask>, from: ResumeRequest, source: InheritedStream): Buffer[] | undefined {
    const { copy } = source;
    const owned = this.options.owned();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (mask[slot] === 0) continue;
      // Ours now, held when the primary failed, with its history since the replica's place, and not already streamed.
      if (owned[slot] !== 1 || copy.slots[slot] === 0 || !copy.history.covers(slot, from.offset) || link.slotStates[slot] !== NONE) return undefined;
    }
    const inherited = copy.history.after(from.offset, mask, from.applied, (args) => this.options.slotOf(args));
    if (inherited === undefined) return undefined;
    const own = this.log.since(source.ownOffset, (slot) => mask[slot] !== 0);
    // A keyless entry (FLUSHALL) went to every replica already, and touched slots beyond these.
    if (own === undefined || own.some((entry) => entry.slot === ANY_SLOT)) return undefined;
    const out = inherited.map((args) => encodeCommand(args));
    for (const entry of own) out.push(entry.bytes);
    return out;
  }

  /** REPLCONF DELSLOTS: stop streaming these slots to the link. */
  removeSlots(link: ReplicaConnection, mask: Readonly<SlotMask>): void {
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (mask[slot] !== 0) link.slotStates[slot] = NONE;
  }

  /** REPLCONF ACK. */
  acknowledge(link: ReplicaConnection, offset: number): void {
    if (offset > link.ackOffset) link.ackOffset = offset;
    link.lastAckAt = Date.now();
    for (const listener of this.ackListeners) listener();
  }

  onAck(listener: () => void): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  /**
   * A few times a second: a replica silent for longer than `timeoutMs` (no ACK: stopped, or cut off) is dropped, as
   * Redis's repl-timeout does (it resyncs when it comes back: partially while the backlog still covers it);
   * the others are told the offset, which doubles as a keepalive.
   */
  tick(now: number, timeoutMs: number): void {
    for (const link of this.links.values()) {
      if (!this.options.connected(link.clientId) || now - link.lastAckAt > timeoutMs) this.drop(link);
      else this.mark(link, true);
    }
  }

  /** Every replica is told the current offset and asked to acknowledge (WAIT). */
  requestAcks(): void {
    for (const link of this.links.values()) {
      this.mark(link);
      link.write(GETACK);
    }
  }

  replicas(): ReplicaConnection[] {
    return [...this.links.values()];
  }

  /** Replicas streaming `slot` that acknowledged at least `offset`. */
  ackedCount(offset: number, slot: number): number {
    let n = 0;
    for (const link of this.links.values()) {
      if (link.ackOffset < offset) continue;
      if (slot === ANY_SLOT) n++;
      else if (link.slotStates[slot] === STREAMING && (this.options.countsForWait?.(slot, link.identity.id) ?? true)) n++;
    }
    return n;
  }

  /** Replicas streaming `slot`. */
  replicaCount(slot: number): number {
    let n = 0;
    for (const link of this.links.values()) {
      if (link.slotStates[slot] === STREAMING && (this.options.countsForWait?.(slot, link.identity.id) ?? true)) n++;
    }
    return n;
  }

  detach(clientId: number): void {
    const link = this.links.get(clientId);
    if (link !== undefined) this.drop(link);
  }

  private drop(link: ReplicaConnection): void {
    link.closed = true;
    this.links.delete(link.clientId);
    link.ctx.client.close(false);
  }

  /** Milliseconds the next snapshot batch must wait: paused, the replica not reading, or the rate spent. */
  private snapshotWait(link: ReplicaConnection): number {
    if (this.options.paused?.() === true) return 100;
    if (link.outputBytes() > SNAPSHOT_OUTPUT_PAUSE_BYTES) return 5;
    const rate = this.options.rateBytesPerSec?.() ?? 0;
    if (rate === 0) return 0;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    return this.windowBytes >= rate ? this.windowStart + 1000 - now : 0;
  }

  /** Sends the link's pending slots, a batch per turn, pausing while the replica has not read the last ones. */
  private pump(link: ReplicaConnection): void {
    if (link.pumping || link.closed) return;
    link.pumping = true;
    link.state = 'send_bulk';
    let cursor = 0;
    const step = (): void => {
      if (link.closed) return;
      const wait = this.snapshotWait(link);
      if (wait > 0) {
        setTimeout(step, wait);
        return;
      }
      let bytes = 0;
      const emit = (args: readonly string[]): void => {
        const encoded = encodeCommand(args);
        bytes += encoded.length;
        link.write(encoded);
      };
      while (cursor < SLOT_COUNT && bytes < SNAPSHOT_BATCH_BYTES) {
        if (link.slotStates[cursor] === PENDING) {
          emit(['REPLCONF', 'SLOTSYNC', String(cursor)]);
          this.options.snapshot(cursor, emit);
          link.slotStates[cursor] = STREAMING;
        }
        cursor++;
      }
      if (bytes > 0) this.mark(link, true);
      this.windowBytes += bytes;
      this.snapshotBytes += bytes;
      if (cursor < SLOT_COUNT) {
        setImmediate(step);
        return;
      }
      // Slots added while this pass ran behind the cursor: another pass.
      if (link.slotStates.includes(PENDING)) {
        cursor = 0;
        setImmediate(step);
        return;
      }
      link.pumping = false;
      link.state = 'online';
    };
    setImmediate(step);
  }
}
