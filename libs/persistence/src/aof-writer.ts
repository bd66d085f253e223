/**
 * The append-only file's writer: captures the engine's effective writes (a ReplicationSink), hands them to the
 * OS once per event-loop turn, and fsyncs them as `appendfsync` says.
 */
import * as nodeFs from 'node:fs';
import type { ReplicationSink } from '../../engine/src/commands/replication.js';
import { AofBuffer } from './aof-buffer.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** The part of node:fs the writer uses, injectable so specs can simulate slow fsyncs and failing writes. */
export interface AofFs {
  openSync(path: string, flags: number, mode?: number): number;
  fstatSync(fd: number): { size: number };
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fdatasyncSync(fd: number): void;
  fdatasync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
  ftruncateSync(fd: number, len: number): void;
  closeSync(fd: number): void;
}

export interface AofWriterOptions {
  /** Read on every flush and tick, so CONFIG SET appendfsync applies at once. */
  policy: () => FsyncPolicy;
  /** Milliseconds (a fake clock in specs). */
  now: () => number;
  fs?: AofFs;
  /** Warnings, one line each. */
  log?: (message: string) => void;
}

/** Seconds between two fsyncs with 'everysec' (Redis's cadence), and the longest postponement of one. */
const EVERYSEC_MS = 1000;
const MAX_POSTPONE_MS = 2000;

/**
 * How durable a write is, by policy. Every write(2) happens in `flush()`, before the turn's replies leave, in
 * every mode: a process killed with -9 loses nothing acknowledged (the OS has it); what the policy decides is
 * what survives a power loss or kernel crash.
 *
 * - 'always': `flush()` fdatasyncs before returning, so a reply means the write is on disk (slow).
 * - 'everysec': `tick()` starts a background fdatasync (libuv's thread pool) at most once a second when
 *   something was written since the last one. If the previous one is still running (a slow disk), the next is
 *   postponed; postponed for 2 s, it is done blocking and counted in `delayedFsync`. Redis instead postpones
 *   the write(2) itself for up to 2 s, which would let a kill -9 lose acknowledged writes; blocking the fsync
 *   bounds the data a power loss can take to about 2 s just the same.
 * - 'no': the OS flushes when it likes.
 *
 * A failing write (disk full) is undone as Redis does: a partial write is truncated away, the buffer is kept
 * and retried on the next flush, and `writeError` is set until a flush succeeds, for the server to refuse
 * writes with `-MISCONF Errors writing to the AOF file: <message>`. A failing fsync sets it too.
 */
export class AofWriter implements ReplicationSink {
  /** Bytes in the file, including what was written and not yet fsynced. */
  currentSize: number;
  /** 1 while a background fsync runs (Redis's aof_pending_bio_fsync). */
  fsyncInProgress: 0 | 1 = 0;
  /** Blocking fsyncs done because a background one ran for too long (Redis's aof_delayed_fsync). */
  delayedFsync = 0;
  /** Fsyncs started, in the background or not. */
  fsyncs = 0;
  lastWriteStatus: 'ok' | 'err' = 'ok';
  lastWriteError: string | undefined;
  /** The error of the last fsync, until one succeeds. */
  lastFsyncError: string | undefined;
  /** When (options.now) the last fsync started; 0 before the first. */
  lastFsyncAt = 0;

  private readonly buffer = new AofBuffer();
  private readonly fs: AofFs;
  private readonly log: (message: string) => void;
  /** `SELECT <db>` vectors, made once per database. */
  private readonly selects: (readonly string[])[] = [];
  /** Database of the previous entry; -1 makes the next entry select. */
  private db = -1;
  /** `currentSize` when the last fsync started: nothing to sync while they are equal. */
  private syncedSize: number;
  /** When the postponed fsync was first due, or -1. */
  private postponedSince = -1;
  /** Tells a background fsync's callback whether it still concerns the current file. */
  private generation = 0;
  private closed = false;

  /** Opens (creating it if needed) `path` for appending. */
  static open(path: string, options: AofWriterOptions): AofWriter {
    const fs = options.fs ?? nodeFs;
    const { O_WRONLY, O_APPEND, O_CREAT } = nodeFs.constants;
    const fd = fs.openSync(path, O_WRONLY | O_APPEND | O_CREAT, 0o644);
    return new AofWriter(fd, fs.fstatSync(fd).size, options);
  }

  /** `fd`: a file open for appending, of `size` bytes. */
  constructor(
    private fd: number,
    size: number,
    private readonly options: AofWriterOptions,
  ) {
    this.fs = options.fs ?? nodeFs;
    this.log = options.log ?? (() => {});
    this.currentSize = size;
    this.syncedSize = size;
  }

  /** Bytes captured and not yet written (Redis's aof_buffer_length). */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /** Why writes must be refused (MISCONF), or undefined. */
  get writeError(): string | undefined {
    return this.lastWriteError ?? this.lastFsyncError;
  }

  /** Encodes one effective write at once (`args` may be reused after the call). */
  propagate(db: number, args: readonly string[]): void {
    if (db !== this.db) {
      this.db = db;
      this.buffer.command((this.selects[db] ??= ['SELECT', String(db)]));
    }
    this.buffer.command(args);
  }

  /** Makes the next entry start with a SELECT (a new file, or a stream whose reader lost track). */
  resetSelect(): void {
    this.db = -1;
  }

  /**
   * Hands everything buffered to the OS (call once per event-loop turn, before that turn's replies leave);
   * with 'always', fdatasyncs it too before returning.
   */
  flush(): void {
    // Called before every connection's replies: with nothing buffered (all but the first call of a turn) it
    // returns at once. What the turn wrote was synced by its first call if 'always'; a switch to 'always' with
    // older writes not yet synced, or a failed sync, is caught up by tick().
    if (this.buffer.length === 0 || this.closed || !this.write()) return;
    if (this.options.policy() === 'always' && this.currentSize !== this.syncedSize) this.syncNow();
  }

  /** Call every ~100 ms: the 'everysec' background fsync, and 'always' catching up on unsynced writes. */
  tick(): void {
    const policy = this.closed ? 'no' : this.options.policy();
    if (policy === 'always' && this.currentSize !== this.syncedSize) this.syncNow();
    if (policy !== 'everysec' || this.currentSize === this.syncedSize) {
      this.postponedSince = -1;
      return;
    }
    const now = this.options.now();
    if (this.fsyncs > 0 && now - this.lastFsyncAt < EVERYSEC_MS) return;
    if (this.fsyncInProgress === 1) {
      if (this.postponedSince < 0) this.postponedSince = now;
      if (now - this.postponedSince < MAX_POSTPONE_MS) return;
      this.log('Asynchronous AOF fsync is taking too long (disk is busy?). Fsyncing synchronously: this may slow down ringcache.');
      this.delayedFsync++;
      this.syncNow();
      return;
    }
    this.postponedSince = -1;
    this.fsyncStarted(now);
    this.fsyncInProgress = 1;
    const generation = this.generation;
    this.fs.fdatasync(this.fd, (err) => {
      if (generation !== this.generation) return; // the file was switched or closed meanwhile
      this.fsyncInProgress = 0;
      this.fsyncDone(err);
    });
  }

  /**
   * After a rewrite: the rewritten file (`fd`, `size` bytes, open for appending) already holds what is buffered,
   * so the buffer goes to the old file only, which is then closed; appends go to the new file from now on.
   */
  switchTo(fd: number, size: number): void {
    this.flush();
    if (this.buffer.length > 0) {
      this.log(`Dropping ${this.buffer.length} bytes that could not be written to the old AOF (the rewritten AOF holds them)`);
      this.buffer.clear();
      this.lastWriteStatus = 'ok';
      this.lastWriteError = undefined;
    }
    this.closeFd();
    this.fd = fd;
    this.currentSize = size;
    this.syncedSize = -1; // fsync the new file once whatever the rewriter did
    this.lastFsyncError = undefined;
    this.fsyncInProgress = 0;
    this.postponedSince = -1;
    this.resetSelect();
  }

  /** Flushes, fdatasyncs and closes the file (a background fsync finishing later is ignored). */
  close(): void {
    if (this.closed) return;
    this.flush();
    if (this.buffer.length > 0) this.log(`Closing the AOF with ${this.buffer.length} bytes not written: ${this.lastWriteError}`);
    this.syncNow();
    this.closeFd();
    this.closed = true;
  }

  /** Writes the buffer out; returns false (keeping it for the next flush) if the write failed. */
  private write(): boolean {
    const data = this.buffer.view();
    let written = 0;
    try {
      while (written < data.length) {
        const n = this.fs.writeSync(this.fd, data, written, data.length - written);
        if (n <= 0) throw new Error('write returned 0');
        written += n;
      }
    } catch (err) {
      this.writeFailed(err, written);
      return false;
    }
    this.currentSize += written;
    this.buffer.clear();
    this.buffer.shrink();
    if (this.lastWriteStatus === 'err') {
      this.log('AOF write error looks solved, ringcache can write again.');
      this.lastWriteStatus = 'ok';
      this.lastWriteError = undefined;
    }
    return true;
  }

  /** Redis's recovery: remove a partial write so the file ends with a complete command, and retry later. */
  private writeFailed(err: unknown, written: number): void {
    const message = err instanceof Error ? err.message : String(err);
    if (written > 0) {
      try {
        this.fs.ftruncateSync(this.fd, this.currentSize);
      } catch (truncateErr) {
        // The partial command stays in the file; keep what follows it so at least the file is not missing it.
        this.log(`Could not remove short write from the append-only file. ringcache may refuse to load the AOF the next time it starts. ftruncate: ${(truncateErr as Error).message}`);
        this.currentSize += written;
        this.buffer.consume(written);
      }
    }
    if (this.lastWriteStatus === 'ok') this.log(`Error writing to the AOF file: ${message}`);
    this.lastWriteStatus = 'err';
    this.lastWriteError = message;
  }

  private fsyncStarted(now: number): void {
    this.fsyncs++;
    this.lastFsyncAt = now;
    this.syncedSize = this.currentSize;
    this.postponedSince = -1;
  }

  private fsyncDone(err: NodeJS.ErrnoException | null): void {
    if (err) {
      this.log(`Error syncing the AOF file: ${err.message}`);
      this.lastFsyncError = err.message;
      this.syncedSize = -1; // try again
    } else {
      this.lastFsyncError = undefined;
    }
  }

  /** A blocking fdatasync. */
  private syncNow(): void {
    this.fsyncStarted(this.options.now());
    try {
      this.fs.fdatasyncSync(this.fd);
      this.fsyncDone(null);
    } catch (err) {
      this.fsyncDone(err as NodeJS.ErrnoException);
    }
  }

  private closeFd(): void {
    this.generation++;
    try {
      this.fs.closeSync(this.fd);
    } catch (err) {
      this.log(`Error closing the AOF file: ${(err as Error).message}`);
    }
  }
}
