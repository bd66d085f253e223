/**
 * The replica side of replication: one link per primary this node copies slots from. It connects to the
 * primary's RESP port, says who it is (`REPLCONF listening-port <port> ringcache-id <id>`), asks to resume
 * (`PSYNC <replid> <offset> SLOTS <slots held>`), then applies the stream in order: data commands through the
 * engine, MULTI ... EXEC as one batch, and the control commands below. It acknowledges its offset once a
 * second and when asked, and reconnects after a break, resuming from its offset when the primary's backlog
 * still covers it (partial resync) or taking snapshots of its slots again (full resync).
 *
 * Control commands in the stream (docs/replication.md):
 * - `REPLCONF OFFSET <n>`: everything of this link's slots up to offset n of the primary's stream is here.
 * - `REPLCONF SLOTSYNC <slot>`: the slot's snapshot follows; keys held for it are dropped first.
 * - `REPLCONF SLOTRESUME <slots>`: these slots' missing entries follow (the answer to a resume offer, below).
 * - `REPLCONF GETACK *`: answer `REPLCONF ACK <offset>` now.
 * - `FLUSHALL` / `FLUSHDB`: drop the keys of this link's slots (never the node's other data).
 *
 * With a history (`historyBytes`), the link remembers what it applied (AppliedHistory), so that when its
 * primary fails this node can continue the stream for the slots it takes over, and can offer its place in it
 * to the member that takes over the slots it keeps copying: `offerResume` makes the next request of those
 * slots `REPLCONF ADDSLOTS <slots> REPLID <old id> OFFSET <last marker> APPLIED <bytes after it>`, which the
 * new owner answers with SLOTRESUME and the missing entries, or with snapshots as for a plain ADDSLOTS.
 *
 * Replies to the handshake arrive before the stream on the same connection; the RESP parser reads a reply line
 * ("+OK", "-ERR ...", "+FULLRESYNC id offset") as an inline command, so they come in as arrays of words.
 */
import { Socket, connect } from 'node:net';
import { RespParser } from '../../protocol/src/resp-parser.js';
import type { PrimaryLinkStatus } from '../../engine/src/commands/replication-hooks.js';
import { AppliedHistory, type StreamCopy } from './applied-history.js';
import { encodeCommand, encodedLength } from './replication-log.js';
import { SLOT_COUNT, emptyMask, formatSlots, parseSlots, type SlotMask } from './slot-set.js';

export interface PrimaryLinkOptions {
  primary: { id: string; host: string; port: number };
  self: { id: string; port: number };
  /** AUTH password ('' for none): members share requirepass. */
  password: string;
  /** A command's slot, or a negative number when it has no key. */
  slotOf(args: readonly string[]): number;
  /** Runs one data command of the stream on this node. */
  apply(args: string[]): void;
  /** Deletes this node's keys in the slots of `mask` (FLUSHALL from the primary). */
  flushSlots(mask: Readonly<SlotMask>): void;
  /** Deletes this node's keys in one slot (its snapshot follows). */
  flushSlot(slot: number): void;
  /** Something a waiter may care about changed: slots synced, offset advanced, link up or down. */
  onProgress(): void;
  /** Delay before reconnecting after a break (default 250 ms, doubling to 2 s). */
  reconnectMs?: number;
  /** A link that received nothing for this long is dropped and reconnects (repl-timeout; default 60 s). */
  timeoutMs?(): number;
  /** Bytes of applied stream to remember (repl-backlog-size); without it the link keeps no history. */
  historyBytes?(): number;
}

/** A resume offer is made within this long of the old primary's failure, or not at all. */
const OFFER_TTL_MS = 60_000;

const HANDSHAKE = 0;
const STREAMING = 1;

/** Most data commands of a transaction held before its EXEC (a primary's EXEC is never bigger in practice). */
const MAX_TRANSACTION_COMMANDS = 1_000_000;

export class PrimaryLink implements PrimaryLinkStatus {
  /** Slots this node wants from this primary. */
  private readonly wanted: SlotMask = emptyMask();
  /** Slots whose snapshot has arrived (or were resumed): they follow the stream. */
  private readonly synced: SlotMask = emptyMask();
  /** Slots asked for (PSYNC or ADDSLOTS) whose snapshot has not arrived yet. */
  private readonly requested: SlotMask = emptyMask();
  replId = '?';
  offset = -1;
  primaryOffset = 0;
  linkUp = false;
  lastIoAt = Date.now();
  fullSyncs = 0;
  partialSyncs = 0;
  private socket: Socket | undefined;
  private parser: RespParser | undefined;
  private phase = HANDSHAKE;
  /** Handshake replies still expected before PSYNC's. */
  private repliesBeforePsync = 0;
  /** Slots sent in PSYNC (held at `offset`). */
  private offered: SlotMask = emptyMask();
  private transaction: string[][] | undefined;
  /** Bytes of the transaction being received (counted into sinceMarker only once its EXEC is applied). */
  private transactionBytes = 0;
  /**
   * Bytes of stream entries applied since the last OFFSET marker. Markers come once per primary turn, so after a
   * break the primary resends from the marker's offset and this many bytes of it are already applied: skipped.
   */
  private sinceMarker = 0;
  private skipBytes = 0;
  /** Between SLOTSYNC and the next marker the frames are snapshot data, not stream entries. */
  private inSnapshot = false;
  /** Slots whose snapshot arrived after the last marker: not offered on a resume (their entries since it may predate it). */
  private readonly syncedSinceMarker: SlotMask = emptyMask();
  private closed = false;
  /** Slots were removed on this connection: check each command's slot (a new connection starts clean). */
  private letGo = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private backoff: number;
  /** What this link applied, with its markers (undefined without historyBytes). */
  private readonly history: AppliedHistory | undefined;
  /**
   * A failed primary's stream whose slots this link may resume instead of copying them (one request only):
   * `slots` are those of the copy this link did not want yet, forgotten when let go of (their keys go).
   */
  private offer: { copy: StreamCopy; slots: SlotMask; until: number } | undefined;

  constructor(private readonly options: PrimaryLinkOptions) {
    this.backoff = options.reconnectMs ?? 250;
    const historyBytes = options.historyBytes;
    this.history = historyBytes === undefined ? undefined : new AppliedHistory(historyBytes);
  }

  get id(): string {
    return this.options.primary.id;
  }
  get host(): string {
    return this.options.primary.host;
  }
  get port(): number {
    return this.options.primary.port;
  }

  get slots(): number {
    let n = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.wanted[slot] !== 0) n++;
    return n;
  }

  get syncedSlots(): number {
    let n = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.wanted[slot] !== 0 && this.synced[slot] !== 0) n++;
    return n;
  }

  get syncInProgress(): boolean {
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.wanted[slot] !== 0 && this.synced[slot] === 0) return true;
    return false;
  }

  /** Every wanted slot has arrived and the link is up: this node holds a current copy of them. */
  get caughtUp(): boolean {
    return this.linkUp && this.phase === STREAMING && !this.syncInProgress;
  }

  /** Whether `slot`'s copy here follows the stream. */
  holds(slot: number): boolean {
    return this.wanted[slot] !== 0 && this.synced[slot] !== 0;
  }

  /** The slots to copy from this primary from now on (a copy of `mask` is kept). */
  setSlots(mask: Readonly<SlotMask>): void {
    const added = emptyMask();
    const removed = emptyMask();
    let anyAdded = false;
    let anyRemoved = false;
    const offered = this.offer?.slots;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const want = mask[slot] !== 0 ? 1 : 0;
      if (want === 0 && offered !== undefined) offered[slot] = 0;
      if (want === this.wanted[slot]) continue;
      this.wanted[slot] = want;
      if (want === 1) {
        added[slot] = 1;
        anyAdded = true;
      } else {
        removed[slot] = 1;
        anyRemoved = true;
        this.synced[slot] = 0;
        this.requested[slot] = 0;
      }
    }
    if (anyRemoved) this.letGo = true; // until the next connection: writes of those slots may still arrive
    if (this.phase !== STREAMING || !this.linkUp) return;
    if (anyRemoved) this.send(['REPLCONF', 'DELSLOTS', formatSlots(removed)]);
    if (anyAdded) this.request(added);
  }

  /**
   * Where this link stood in its primary's stream and what it applied there, once it is closed (its primary
   * failed): undefined without a history or before the first sync.
   */
  streamCopy(): StreamCopy | undefined {
    if (this.history === undefined || this.replId === '?' || this.offset < 0) return undefined;
    const slots = emptyMask();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (this.wanted[slot] !== 0 && this.synced[slot] !== 0 && this.syncedSinceMarker[slot] === 0) slots[slot] = 1;
    }
    return { replId: this.replId, offset: this.offset, slots, history: this.history };
  }

  /**
   * The slots of `copy` this link is asked for next are offered as a resume from the copy's place in the
   * failed primary's stream, which this link's primary took over (PSYNC2), instead of a plain ADDSLOTS.
   */
  offerResume(copy: StreamCopy): void {
    const slots = emptyMask();
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (copy.slots[slot] !== 0 && this.wanted[slot] === 0) slots[slot] = 1;
    this.offer = { copy, slots, until: Date.now() + OFFER_TTL_MS };
  }

  start(): void {
    this.closed = false;
    this.connect();
    this.ackTimer = setInterval(() => this.tick(), 1000);
    this.ackTimer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.ackTimer);
    clearTimeout(this.reconnectTimer);
    this.socket?.destroy();
    this.socket = undefined;
    this.linkUp = false;
  }

  private connect(): void {
    if (this.closed) return;
    const { host, port } = this.options.primary;
    const socket = connect({ host, port });
    this.socket = socket;
    this.phase = HANDSHAKE;
    this.transaction = undefined;
    this.parser = new RespParser((args) => this.onCommand(args));
    socket.setNoDelay(true);
    socket.on('connect', () => this.handshake());
    socket.on('data', (chunk: Buffer) => {
      this.lastIoAt = Date.now();
      try {
        const error = this.parser?.feed(chunk);
        if (error !== null && error !== undefined) socket.destroy();
      } catch {
        // A command this node could not apply: drop the link; the next one starts from a clean copy.
        this.replId = '?';
        this.offset = -1;
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const wasUp = this.linkUp;
      this.linkUp = false;
      if (wasUp) this.options.onProgress();
      if (this.closed) return;
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoff);
      this.reconnectTimer.unref();
      this.backoff = Math.min(this.backoff * 2, 2000);
    });
  }

  private handshake(): void {
    this.requested.fill(0); // asked on an earlier connection: ask again
    this.letGo = false;
    const frames: Buffer[] = [];
    this.repliesBeforePsync = 1;
    if (this.options.password !== '') {
      frames.push(encodeCommand(['AUTH', this.options.password]));
      this.repliesBeforePsync++;
    }
    frames.push(encodeCommand(['REPLCONF', 'listening-port', String(this.options.self.port), 'ringcache-id', this.options.self.id]));
    // Offer the slots held at our offset: the primary resumes them from its backlog, or snapshots them again.
    this.offered = emptyMask();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (this.wanted[slot] !== 0 && this.synced[slot] !== 0 && this.syncedSinceMarker[slot] === 0) this.offered[slot] = 1;
      else this.synced[slot] = 0;
    }
    const resumable = this.replId !== '?' && this.offset >= 0;
    frames.push(encodeCommand(['PSYNC', resumable ? this.replId : '?', resumable ? String(this.offset) : '-1', 'SLOTS', formatSlots(this.offered)]));
    this.socket?.write(Buffer.concat(frames));
  }

  private onCommand(args: string[]): void {
    if (this.phase === HANDSHAKE) return this.onHandshakeReply(args);
    const name = args[0]!;
    if (name === 'REPLCONF' && args.length >= 2) return this.onControl(args);
    if (this.inSnapshot) {
      // A catch-up (SLOTRESUME) carries transactions as they were streamed: applied command by command, as a snapshot.
      if (name !== 'MULTI' && name !== 'EXEC') this.applyData(args);
      return;
    }
    const bytes = encodedLength(args);
    if (this.skipBytes > 0) {
      this.skipBytes -= bytes; // resent after a resume, applied before the break
      return;
    }
    if (name === 'MULTI') {
      this.transaction = [];
      this.transactionBytes = bytes;
      return;
    }
    if (this.transaction !== undefined) {
      this.transactionBytes += bytes;
      if (name !== 'EXEC') {
        if (this.transaction.length < MAX_TRANSACTION_COMMANDS) this.transaction.push(args);
        return;
      }
      const queued = this.transaction;
      this.transaction = undefined;
      for (const command of queued) this.applyData(command);
      this.sinceMarker += this.transactionBytes;
      this.history?.recordTransaction(queued, this.transactionBytes);
      return;
    }
    this.sinceMarker += bytes;
    this.applyData(args);
    this.history?.record(args, bytes);
  }

  private onHandshakeReply(args: string[]): void {
    const first = args[0] ?? '';
    if (first.startsWith('-')) {
      this.socket?.destroy(); // refused (a wrong password, or not a cluster member): retried after the backoff
      return;
    }
    if (this.repliesBeforePsync > 0) {
      this.repliesBeforePsync--;
      return;
    }
    if (first === '+FULLRESYNC' && args.length >= 3) {
      // Every offered slot comes again as a snapshot; what we hold for them is replaced when it arrives.
      this.replId = args[1]!;
      this.offset = Number(args[2]);
      this.primaryOffset = this.offset;
      this.synced.fill(0);
      for (let slot = 0; slot < SLOT_COUNT; slot++) this.requested[slot] = this.offered[slot]!;
      this.skipBytes = 0;
      this.history?.clear();
      this.fullSyncs++;
    } else if (first === '+CONTINUE') {
      if (args.length >= 2) this.replId = args[1]!;
      this.skipBytes = this.sinceMarker;
      this.partialSyncs++;
    } else {
      this.socket?.destroy();
      return;
    }
    this.phase = STREAMING;
    this.linkUp = true;
    this.sinceMarker = 0;
    this.inSnapshot = false;
    this.syncedSinceMarker.fill(0);
    this.backoff = this.options.reconnectMs ?? 250;
    const missing = emptyMask();
    let any = false;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (this.wanted[slot] !== 0 && this.synced[slot] === 0 && this.requested[slot] === 0) {
        missing[slot] = 1;
        any = true;
      }
    }
    if (any) this.request(missing);
    this.options.onProgress();
  }

  private onControl(args: string[]): void {
    const sub = args[1]!.toUpperCase();
    if (sub === 'OFFSET' && args.length === 3) {
      const offset = Number(args[2]);
      if (Number.isSafeInteger(offset) && offset >= this.offset) {
        this.offset = offset;
        this.primaryOffset = offset;
        this.sinceMarker = 0;
        this.inSnapshot = false;
        this.syncedSinceMarker.fill(0);
        this.history?.mark(offset);
        this.options.onProgress();
      }
    } else if (sub === 'SLOTSYNC' && args.length === 3) {
      const slot = Number(args[2]);
      if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) return;
      this.inSnapshot = true;
      this.requested[slot] = 0;
      if (this.wanted[slot] === 0) return; // let go of meanwhile: its data is skipped by applyData
      this.options.flushSlot(slot);
      this.synced[slot] = 1;
      this.syncedSinceMarker[slot] = 1;
      this.history?.slotSynced(slot);
    } else if (sub === 'SLOTRESUME' && args.length === 3) {
      // The answer to a resume offer: the slots' missing entries follow, then a marker; the data held stays.
      const mask = parseSlots(args[2]!);
      if (mask === undefined) return;
      this.inSnapshot = true;
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        if (mask[slot] === 0) continue;
        this.requested[slot] = 0;
        if (this.wanted[slot] === 0) continue;
        this.synced[slot] = 1;
        this.syncedSinceMarker[slot] = 1;
        this.history?.slotSynced(slot);
      }
      this.partialSyncs++;
    } else if (sub === 'GETACK') {
      this.ack();
    }
  }

  private applyData(args: string[]): void {
    const name = args[0]!.toUpperCase();
    if (name === 'FLUSHALL' || name === 'FLUSHDB') {
      this.options.flushSlots(this.synced);
      return;
    }
    if (name === 'SELECT' || name === 'PING') return;
    if (this.letGo) {
      // A slot we let go of (DELSLOTS crossed the primary's writes on the wire): nothing to apply.
      const slot = this.options.slotOf(args);
      if (slot >= 0 && this.wanted[slot] === 0) return;
    }
    this.options.apply(args);
  }

  private request(mask: Readonly<SlotMask>): void {
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (mask[slot] !== 0) this.requested[slot] = 1;
    const rest = this.requestResume(mask);
    if (rest !== undefined) this.send(['REPLCONF', 'ADDSLOTS', formatSlots(rest)]);
  }

  /**
   * Asks for the slots of `mask` the pending offer holds as a resume (the offer is used up); returns the slots
   * still to ask for plainly, undefined when none are.
   */
  private requestResume(mask: Readonly<SlotMask>): Readonly<SlotMask> | undefined {
    const offer = this.offer;
    if (offer === undefined) return mask;
    if (Date.now() > offer.until) {
      this.offer = undefined;
      return mask;
    }
    const { copy, slots } = offer;
    const resumed = emptyMask();
    const rest = emptyMask();
    let anyResumed = false;
    let anyRest = false;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (mask[slot] === 0) continue;
      if (slots[slot] !== 0) {
        resumed[slot] = 1;
        anyResumed = true;
      } else {
        rest[slot] = 1;
        anyRest = true;
      }
    }
    if (!anyResumed) return mask; // slots of another primary's: the offer waits for its own
    this.offer = undefined;
    const applied = copy.history.appliedSinceMark(resumed, (args) => this.options.slotOf(args));
    if (applied === undefined) return mask;
    this.send(['REPLCONF', 'ADDSLOTS', formatSlots(resumed), 'REPLID', copy.replId, 'OFFSET', String(copy.offset), 'APPLIED', String(applied)]);
    return anyRest ? rest : undefined;
  }

  /** Once a second: the ACK, and the timeout of a primary gone silent (the primary marks every second). */
  private tick(): void {
    const timeout = this.options.timeoutMs?.() ?? 60_000;
    if (this.linkUp && Date.now() - this.lastIoAt > timeout) {
      this.socket?.destroy();
      return;
    }
    this.ack();
  }

  private ack(): void {
    if (this.linkUp && this.phase === STREAMING && this.offset >= 0) this.send(['REPLCONF', 'ACK', String(this.offset)]);
  }

  private send(args: readonly string[]): void {
    this.socket?.write(encodeCommand(args));
  }
}

