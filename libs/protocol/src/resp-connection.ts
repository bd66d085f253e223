import type { Socket } from 'node:net';
import type { ClientSession } from '../../engine/src/commands/command.js';
import type { MultiState, WatchState } from '../../engine/src/commands/transactions.js';
import type { BlockedClient } from '../../engine/src/commands/blocking.js';
import type { Subscriber } from '../../engine/src/pubsub-registry.js';
import type { CommandDispatcher } from './command-dispatcher.js';
import { NO_BYTES, QUERY_BUFFER_LIMIT, RespParser, type RespParserOptions } from './resp-parser.js';
import { RespWriter } from './resp-writer.js';

/** One RESP client: its socket, parser, reply writer, and the ClientSession commands see. */

/** The counters and limits a connection reports to and reads from (the RespServer). */
export interface ConnectionHost {
  readonly counters: { netInputBytes: number; netOutputBytes: number };
  /** Bytes (writer + socket buffer) past which the client is dropped; 0 = unlimited. */
  readonly clientOutputBufferLimit: number;
  /** The pubsub class of client-output-buffer-limit, for clients with subscriptions. */
  readonly pubsubOutputBufferLimit: OutputBufferLimit;
  /** client-query-buffer-limit: bytes of unparsed input held while a blocked client waits. */
  readonly clientQueryBufferLimit: number;
  removeConnection(connection: RespConnection): void;
  /** Called before replies go out (the AOF writes first). */
  beforeReply(): void;
}

/**
 * One class of client-output-buffer-limit: a client whose output reaches `hard` bytes, or stays at `soft`
 * bytes or more for longer than `softSeconds`, is dropped (0 bytes = no such limit).
 */
export interface OutputBufferLimit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}

/** Replies pile up at most this much within one batch before they are sent early (and backpressure checked). */
const FLUSH_AT = 64 * 1024;

/**
 * Connections whose replies wait for the pending-writes pass. As Redis's handleClientsWithPendingWrites in
 * beforeSleep: the replies of every client read in one event-loop turn are written in one pass afterwards
 * (setImmediate runs after the poll phase's I/O callbacks), instead of a write between each two reads.
 */
const pendingWrites: RespConnection[] = [];
let pendingWritesScheduled = false;
function writePending(): void {
  pendingWritesScheduled = false;
  // A connection's flush can run no command, so none is added meanwhile; index loop anyway.
  for (let i = 0; i < pendingWrites.length; i++) pendingWrites[i].writePending();
  pendingWrites.length = 0;
}

const OPEN = 0;
const CLOSE_AFTER_REPLY = 1;
const CLOSE_NOW = 2;

/**
 * Reads a socket's chunks through the parser, runs each command through the dispatcher, and sends all the
 * replies of one 'data' event with one socket.write. When the socket will not take more (write returned
 * false), parsing stops where it is and reading pauses until 'drain', so a client that pipelines without
 * reading holds at most about FLUSH_AT of replies here beyond what the socket buffers.
 *
 * A blocking command (BLPOP...) that has to wait leaves `blocked` set: parsing stops after it, and input
 * arriving meanwhile is held unparsed (reading goes on, so a disconnect is noticed and the waiter dropped).
 * When the wait ends, `unblocked` sends the reply and runs the held input, on the next tick: the command
 * that woke this client may still be running for another connection.
 */
export class RespConnection implements ClientSession {
  name = '';
  db = 0;
  authenticated: boolean;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastInteraction = this.createdAt;
  lastCommand = '';
  libName = '';
  libVer = '';
  readonly kind = 'resp' as const;
  /** Declared here so the shape is stable: the command table reads `multi` on every command. */
  multi: MultiState | undefined = undefined;
  watch: WatchState | undefined = undefined;
  blocked: BlockedClient | undefined = undefined;
  pubsub: Subscriber | undefined = undefined;
  replOffset = 0;
  replSlot = -1;
  readOnly = false;

  readonly parser: RespParser;
  readonly writer = new RespWriter();
  private state = OPEN;
  /** Inside onData/onDrain: a close is carried out when the batch ends. */
  private processing = false;
  /** Reading paused until the socket drains. */
  private waitingForDrain = false;
  private closed = false;
  /** Input received while blocked, run once unblocked. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** In pendingWrites. */
  private writeQueued = false;
  /** When the output first stayed over the soft limit of its class (Date.now()), 0 when under it. */
  private softLimitSince = 0;
  /** The memory of the shared read buffer when the socket reads with `onread`: chunks in it are copied to be kept. */
  private readonly shared: ArrayBufferLike | null = null;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly dispatcher: CommandDispatcher,
    parserOptions: RespParserOptions,
    authRequired: boolean,
    readBuffer?: Buffer,
  ) {
    this.authenticated = !authRequired;
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    this.parser = new RespParser(this.onCommand, parserOptions);
    socket.setNoDelay(true);
    // With a read buffer, the socket was made with `onread` calling onRead (no 'data' events).
    if (readBuffer !== undefined) this.shared = readBuffer.buffer;
    else socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('error', noop);
    socket.on('close', this.onClose);
  }

  /** RESP version: kept by the writer, so HELLO switching it also switches the encoding. */
  get protocol(): 2 | 3 {
    return this.writer.protocol;
  }
  set protocol(version: 2 | 3) {
    this.writer.protocol = version;
  }

  close(afterReply: boolean): void {
    if (this.closed) return;
    if (afterReply) {
      if (this.state === OPEN) this.state = CLOSE_AFTER_REPLY;
      if (!this.processing) this.endBatch();
    } else {
      this.state = CLOSE_NOW;
      if (!this.processing) this.socket.destroy();
    }
  }

  outputBytes(): number {
    return this.writer.pending() + this.socket.writableLength;
  }

  queryBytes(): number {
    return this.parser.buffered() + this.heldBytes;
  }

  unblocked(): void {
    process.nextTick(this.resume);
  }

  /**
   * A pub/sub message was written by another client's command (or by node code): queue it for the
   * pending-writes pass. Messages pile up while the socket does not drain, so the pubsub class of
   * client-output-buffer-limit is checked on each one, as Redis checks it on each reply it buffers.
   */
  pushWritten(): void {
    if (this.state !== OPEN) {
      this.writer.rollback(0); // closing: nothing more will be sent
      return;
    }
    if (this.overOutputLimit()) return this.drop();
    if (!this.processing) this.queueWrite();
  }

  private readonly resume = (): void => {
    if (this.state !== OPEN || this.blocked !== undefined) return;
    if (this.waitingForDrain) {
      this.flush(); // the held input runs when the socket drains
      return;
    }
    const held = this.held;
    const chunk = held.length === 0 ? NO_BYTES : held.length === 1 ? held[0] : Buffer.concat(held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    this.runBatch(chunk);
  };

  private readonly onData = (chunk: Buffer): void => {
    this.host.counters.netInputBytes += chunk.length;
    if (this.state !== OPEN) return;
    this.lastInteraction = Date.now();
    if (this.blocked !== undefined || this.heldBytes !== 0) return this.hold(chunk);
    this.runBatch(chunk);
  };

  /** The socket's onread callback: `nread` bytes in the shared read buffer, valid only until this returns. */
  readonly onRead = (nread: number, buf: Buffer): void => {
    this.onData(buf.subarray(0, nread));
  };

  private hold(chunk: Buffer): void {
    this.held.push(this.shared !== null && chunk.buffer === this.shared ? Buffer.from(chunk) : chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes + this.parser.buffered() > this.host.clientQueryBufferLimit) {
      this.writer.error(QUERY_BUFFER_LIMIT);
      this.state = CLOSE_AFTER_REPLY;
      this.endBatch();
    }
  }

  private readonly onDrain = (): void => {
    // Replies going out count as interaction (as Redis's writeToClient): a client slowly reading a big
    // reply is not idle, though reading its input is paused meanwhile.
    this.lastInteraction = Date.now();
    if (!this.waitingForDrain || this.state !== OPEN) return;
    this.waitingForDrain = false;
    this.socket.resume();
    if (this.blocked !== undefined) return;
    if (this.heldBytes !== 0) return this.resume();
    this.runBatch(NO_BYTES);
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.state = CLOSE_NOW;
    this.host.removeConnection(this);
    this.dispatcher.disconnected(this);
  };

  private runBatch(chunk: Buffer): void {
    this.parser.unauthenticated = !this.authenticated;
    this.processing = true;
    const error = this.parser.feed(chunk);
    if (this.shared !== null) this.parser.retain(this.shared);
    this.processing = false;
    if (error !== null) {
      // Like Redis: reply the protocol error, then close once it is sent.
      this.writer.error(error);
      if (this.state === OPEN) this.state = CLOSE_AFTER_REPLY;
    }
    this.endBatch();
  }

  private readonly onCommand = (args: string[]): boolean => {
    const mark = this.writer.pending();
    try {
      this.dispatcher.execute(this, this.writer, args);
    } catch (err) {
      this.writer.rollback(mark);
      this.writer.error(`ERR ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.state !== OPEN || this.blocked !== undefined) return false;
    if (this.writer.pending() >= FLUSH_AT && !this.flush()) {
      if (this.state === OPEN) this.pauseForDrain();
      return false;
    }
    return true;
  };

  /** After a batch of commands: queue the replies for the pending-writes pass, or close as the batch decided. */
  private endBatch(): void {
    if (this.state === CLOSE_NOW) {
      this.socket.destroy();
      return;
    }
    if (this.state === OPEN) {
      this.queueWrite();
      return;
    }
    // CLOSE_AFTER_REPLY: send what is pending, then end the connection.
    this.flush();
    if (this.state !== CLOSE_AFTER_REPLY) return; // the flush hit the output limit and dropped the client
    this.socket.pause();
    const socket = this.socket;
    socket.end(() => socket.destroy());
  }

  /** Leave the replies for the pending-writes pass, which then checks backpressure. */
  private queueWrite(): void {
    if (this.writer.pending() === 0 || this.writeQueued) return;
    this.writeQueued = true;
    pendingWrites.push(this);
    if (!pendingWritesScheduled) {
      pendingWritesScheduled = true;
      setImmediate(writePending);
    }
  }

  /** The pending-writes pass: send the replies queued by endBatch; pause reading if the socket is full. */
  writePending(): void {
    this.writeQueued = false;
    // A close since then already sent the replies (after reply) or dropped them (now).
    if (this.state !== OPEN || this.closed) return;
    if (!this.flush() && this.state === OPEN && !this.waitingForDrain) this.pauseForDrain();
  }

  private pauseForDrain(): void {
    this.waitingForDrain = true;
    this.socket.pause();
  }

  /** One socket.write of everything pending; drops the client past the output buffer limit. */
  private flush(): boolean {
    const bytes = this.writer.pending();
    if (bytes === 0) return !this.socket.writableNeedDrain;
    if (this.overOutputLimit()) {
      this.drop();
      return false;
    }
    this.host.beforeReply();
    this.host.counters.netOutputBytes += bytes;
    return this.writer.flushTo(this.socket);
  }

  /**
   * Output past the limits of the client's class: the normal class has only a hard limit; a client with
   * subscriptions is in the pubsub class (Redis's checkClientOutputBufferLimits).
   */
  private overOutputLimit(): boolean {
    const used = this.outputBytes();
    if (this.pubsub === undefined) {
      const limit = this.host.clientOutputBufferLimit;
      return limit > 0 && used > limit;
    }
    const { hard, soft, softSeconds } = this.host.pubsubOutputBufferLimit;
    if (hard > 0 && used >= hard) return true;
    if (soft === 0 || used < soft) {
      this.softLimitSince = 0;
      return false;
    }
    const now = Date.now();
    if (this.softLimitSince === 0) this.softLimitSince = now;
    return now - this.softLimitSince > softSeconds * 1000;
  }

  /** Close at once, dropping pending output (over its output buffer limit). */
  private drop(): void {
    this.state = CLOSE_NOW;
    this.writer.rollback(0);
    if (!this.processing) this.socket.destroy();
  }
}

function noop(): void {
  // Socket errors (ECONNRESET, EPIPE) are followed by 'close', which cleans up.
}
