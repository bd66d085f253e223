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
 * - `REPLCONF GETACK *`: answer `REPLCONF ACK <offset>` now.
 * - `FLUSHALL` / `FLUSHDB`: drop the keys of this link's slots (never the node's other data).
 *
 * Replies to the handshake arrive before the stream on the same connection; the RESP parser reads a reply line
 * ("+OK", "-ERR ...", "+FULLRESYNC id offset") as an inline command, so they come in as arrays of words.
 */
import { Socket, connect } from 'node:net';
import { RespParser } from '../../protocol/src/resp-parser.js';
import type { PrimaryLinkStatus } from '../../engine/src/commands/replication-hooks.js';
import { encodeCommand, encodedLength } from './replication-log.js';
import { SLOT_COUNT, emptyMask, formatSlots, type SlotMask } from './slot-set.js';

export interface PrimaryLinkOptions {
  primary: { id: string; host: string; port: number };
  self: { id: string; port: number };
  /** AUTH password ('' for none): members share requirepass. */
  password: string;
  /** A command's slot, or a negative number when it has no key. */
  slotOf(args: readonly string[]): number;
  /** Runs one data command of the stream on this node. */
  apply(args: string[]): void;
  /** Deletes this node's keys in the slots of `mask`. */
  flushSlots(mask: Readonly<SlotMask>): void;
  /** Something a waiter may care about changed: slots synced, offset advanced, link up or down. */
  onProgress(): void;
  /** Delay before reconnecting after a break (default 250 ms, doubling to 2 s). */
  reconnectMs?: number;
  /** A link that received nothing for this long is dropped and reconnects (repl-timeout; default 60 s). */
  timeoutMs?(): number;
}

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
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private backoff: number;

  constructor(private readonly options: PrimaryLinkOptions) {
    this.backoff = options.reconnectMs ?? 250;
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
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const want = mask[slot] !== 0 ? 1 : 0;
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
    if (this.phase !== STREAMING || !this.linkUp) return;
    if (anyRemoved) this.send(['REPLCONF', 'DELSLOTS', formatSlots(removed)]);
    if (anyAdded) this.request(added);
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
    if (this.inSnapshot) return this.applyData(args);
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
      return;
    }
    this.sinceMarker += bytes;
    this.applyData(args);
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
        this.options.onProgress();
      }
    } else if (sub === 'SLOTSYNC' && args.length === 3) {
      const slot = Number(args[2]);
      if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) return;
      this.inSnapshot = true;
      this.requested[slot] = 0;
      if (this.wanted[slot] === 0) return; // let go of meanwhile: its data is skipped by applyData
      const mask = emptyMask();
      mask[slot] = 1;
      this.options.flushSlots(mask);
      this.synced[slot] = 1;
      this.syncedSinceMarker[slot] = 1;
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
    const slot = this.options.slotOf(args);
    // A slot we let go of (DELSLOTS crossed the primary's writes on the wire): nothing to apply.
    if (slot >= 0 && this.wanted[slot] === 0) return;
    this.options.apply(args);
  }

  private request(mask: Readonly<SlotMask>): void {
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (mask[slot] !== 0) this.requested[slot] = 1;
    this.send(['REPLCONF', 'ADDSLOTS', formatSlots(mask)]);
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

