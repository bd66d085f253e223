import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../../engine/src/store.js';
import type { ReplicationSink } from '../../engine/src/commands/replication.js';
import { emitValue } from '../../engine/src/snapshot.js';
import { AofBuffer } from './aof-buffer.js';

/**
 * BGREWRITEAOF without fork: the keyspace rewritten into a temp file a slice per event-loop turn, then renamed
 * over the append-only file.
 *
 * Redis forks so that the child sees the keyspace frozen at the start while the parent keeps serving. Here the
 * walk runs in the serving process, so the keyspace changes under it; what keeps the base point-in-time is
 * copy-before-write. The temp file is BASE then INCR:
 *
 * - BASE is every key as it was when the rewrite started, as the creating commands of slot snapshots
 *   (snapshot.ts emitValue) plus `PEXPIREAT key <abs ms>`, after `SELECT db`. Keys past their TTL are left out.
 * - INCR is every effective write since the start, as the engine propagates them (this is a ReplicationSink).
 *
 * The base is written by walking each database's live key iterator (Store.rawKeys) across turns. A write could
 * change a key the walk has not reached yet, so the server calls touch(db, key) before any command that may
 * modify the key runs: the first touch of a key writes its value as it is then — still its value at the start,
 * since every earlier write would have touched it — and marks it done; the walk skips done keys and marks the
 * ones it writes. Each key of the start is thus in the base exactly once with its start value, and INCR,
 * replayed on the base, redoes everything since. Keys created during the rewrite are touched while absent:
 * done, nothing written, INCR creates them. Expiry and eviction need no touch: their DEL is in INCR, and a
 * key missing from the base is deleted by it just the same. Touching early or touching a key the command
 * leaves alone costs bytes, never correctness; a write that was not touched first corrupts the base.
 *
 * A database flushed during the rewrite (flushedDb) is done as a whole: INCR's FLUSHDB/FLUSHALL empties it on
 * load, and every later key in it is new (it would be correct without this too: the walk would find only new
 * keys, all touched, so this saves the walk and the done set). Once a database's walk is complete its done set is dropped: every
 * key of the start has been written or touched, so touch has nothing left to do there. SWAPDB cannot be
 * expressed this way (the base of two databases would cross): the server aborts and restarts the rewrite.
 *
 * Memory: the done set of the database being walked (one entry per key walked or touched there), and INCR,
 * buffered in memory until the walk completes, since the file must hold the whole base before it. A write-heavy
 * server with a large keyspace grows INCR for the whole walk; spilling it to a second file would bound that.
 *
 * Crash safety: until finish() renames the temp file the old append-only file is untouched; the rename happens
 * after the temp file is on disk (fdatasync) and the directory is synced after it, so a crash leaves either
 * the old file or the new complete one.
 */

/** The parts of node:fs the rewrite uses (specs inject failures). */
export type AofRewriteFs = Pick<typeof nodeFs, 'openSync' | 'writeSync' | 'fdatasyncSync' | 'fsyncSync' | 'renameSync' | 'closeSync' | 'unlinkSync'>;

export interface AofRewriteOptions {
  store: Store;
  dbCount: number;
  /** Where the new file is built; replaced if it exists. */
  tempPath: string;
  /** The append-only file, replaced by finish(). */
  finalPath: string;
  /** Clock for TTL decisions (keys past their TTL are left out of the base). */
  now: () => number;
  fs?: AofRewriteFs;
}

/** O_WRONLY | O_CREAT | O_TRUNC | O_APPEND: the fd handed to the live writer after finish() appends. */
const TEMP_FLAGS = nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_TRUNC | nodeFs.constants.O_APPEND;

/** Buffer memory kept once the rewrite is over. */
const IDLE_BUFFER_BYTES = 64 * 1024;

type State = 'running' | 'finished' | 'aborted';

export class AofRewrite implements ReplicationSink {
  /** Keys written to the base (by the walk or by touch). */
  keysWritten = 0;
  /** Bytes of base produced so far. */
  baseBytes = 0;
  /** Bytes of INCR produced so far (written or buffered). */
  incrBytes = 0;
  /** When the rewrite started (ms, from `now`). */
  readonly startedAt: number;

  private readonly store: Store;
  private readonly fs: AofRewriteFs;
  private readonly tempPath: string;
  private readonly finalPath: string;
  private readonly now: () => number;
  private fd: number;
  /** Bytes written to the temp file. */
  private written = 0;
  private state: State = 'running';

  private readonly base = new AofBuffer();
  private readonly incr = new AofBuffer();
  /** Database the last base command selected (-1: none yet). */
  private baseDb = -1;
  /** Database the last INCR command selected (-1: none yet, so INCR's first entry always selects). */
  private incrDb = -1;
  /** `SELECT n` per database, so propagate allocates nothing. */
  private readonly selects: string[][];

  /** Per database: keys already in the base or known absent at the start; undefined once the database is done. */
  private readonly done: (Set<string> | undefined)[];
  /** Database being walked (dbCount once the walk is complete) and its live key iterator. */
  private walkDb = 0;
  private walkKeys: IterableIterator<string> | undefined;

  constructor(options: AofRewriteOptions) {
    this.store = options.store;
    this.fs = options.fs ?? nodeFs;
    this.tempPath = options.tempPath;
    this.finalPath = options.finalPath;
    this.now = options.now;
    this.startedAt = options.now();
    this.selects = [];
    this.done = [];
    for (let db = 0; db < options.dbCount; db++) {
      this.selects.push(['SELECT', String(db)]);
      this.done.push(new Set());
    }
    this.fd = this.fs.openSync(this.tempPath, TEMP_FLAGS, 0o644);
  }

  /** Whether the walk has been through every database. */
  get walkComplete(): boolean {
    return this.walkDb >= this.done.length;
  }

  /**
   * Call before a command that may modify `key` of `db` runs (every key of a write command, COPY's and MOVE's
   * destination in its target database included): writes the key's current value into the base unless it is
   * there already.
   */
  touch(db: number, key: string): void {
    const done = this.done[db];
    if (done === undefined || done.has(key)) return;
    done.add(key);
    this.emitKey(db, key);
  }

  /**
   * Call after FLUSHDB/FLUSHALL ran, for each database it emptied: the walk leaves the database and touch stops
   * recording keys there (all of them are new). Only saves work and memory: a database that is not empty (a
   * flush refused, or a call made before the flush) is left to the walk.
   */
  flushedDb(db: number): void {
    if (this.store.size(db) !== 0) return;
    this.done[db] = undefined;
    if (db === this.walkDb) this.nextDb();
  }

  /** INCR: one effective write, encoded at once (`args` may be reused by the caller). */
  propagate(db: number, args: readonly string[]): void {
    if (this.state !== 'running') return;
    const before = this.incr.length;
    if (db !== this.incrDb) {
      this.incrDb = db;
      this.incr.command(this.selects[db]);
    }
    this.incr.command(args);
    this.incrBytes += this.incr.length - before;
  }

  /**
   * One turn's work: walks until about `budgetBytes` of base were produced and writes them; once the walk is
   * complete, writes the INCR buffered so far. True when the walk is complete and everything is written: call
   * finish() in the same turn. A throw (a failed write) leaves the rewrite to abort().
   */
  step(budgetBytes: number): boolean {
    if (this.state !== 'running') throw new Error(`AOF rewrite already ${this.state}`);
    while (this.base.length < budgetBytes && !this.walkComplete) this.walkOne();
    this.drain(this.base);
    if (!this.walkComplete) return false;
    this.drain(this.incr);
    return true;
  }

  /**
   * Completes the rewrite synchronously: writes what is left, syncs the temp file, renames it over the
   * append-only file and syncs the directory. Returns the new file's fd (open for appending) and size for the
   * live writer to switch to.
   */
  finish(): { fd: number; size: number } {
    if (this.state !== 'running') throw new Error(`AOF rewrite already ${this.state}`);
    while (!this.walkComplete) this.walkOne();
    this.drain(this.base);
    this.drain(this.incr);
    this.fs.fdatasyncSync(this.fd);
    this.fs.renameSync(this.tempPath, this.finalPath);
    this.syncDirectory();
    this.state = 'finished';
    this.release();
    return { fd: this.fd, size: this.written };
  }

  /** Drops the rewrite: closes and unlinks the temp file, frees the buffers. The old file is untouched. */
  abort(): void {
    if (this.state !== 'running') return;
    this.state = 'aborted';
    this.release();
    try {
      this.fs.closeSync(this.fd);
    } catch {
      // Already unusable: the unlink below is what matters.
    }
    try {
      this.fs.unlinkSync(this.tempPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  // ==== internals ====

  /** Takes the walk one key further (or onto the next database). */
  private walkOne(): void {
    const done = this.done[this.walkDb];
    if (done === undefined) {
      this.nextDb();
      return;
    }
    this.walkKeys ??= this.store.rawKeys(this.walkDb);
    const next = this.walkKeys.next();
    if (next.done === true) {
      this.done[this.walkDb] = undefined;
      this.nextDb();
      return;
    }
    if (done.has(next.value)) return;
    done.add(next.value);
    this.emitKey(this.walkDb, next.value);
  }

  private nextDb(): void {
    this.walkDb++;
    this.walkKeys = undefined;
  }

  /** Appends `key`'s creating commands and TTL to the base, if it exists and is not past its TTL. */
  private emitKey(db: number, key: string): void {
    const entry = this.store.peekEntry(db, key);
    if (entry === undefined) return;
    const { value, expireAt } = entry;
    if (expireAt !== 0 && this.now() > expireAt) return;
    const before = this.base.length;
    if (db !== this.baseDb) {
      this.baseDb = db;
      this.base.command(this.selects[db]);
    }
    emitValue(key, value, this.baseCommand);
    if (expireAt !== 0) this.base.command(['PEXPIREAT', key, String(expireAt)]);
    this.baseBytes += this.base.length - before;
    this.keysWritten++;
  }

  private readonly baseCommand = (args: string[]): void => this.base.command(args);

  /** Writes all of `buf` to the temp file (writeSync may write less than asked). */
  private drain(buf: AofBuffer): void {
    while (buf.length > 0) {
      const n = this.fs.writeSync(this.fd, buf.view(), 0, buf.length);
      this.written += n;
      buf.consume(n);
    }
  }

  private release(): void {
    this.base.clear();
    this.incr.clear();
    this.base.shrink(IDLE_BUFFER_BYTES);
    this.incr.shrink(IDLE_BUFFER_BYTES);
    this.done.fill(undefined);
    this.walkKeys = undefined;
  }

  /** Makes the rename durable; platforms that cannot fsync a directory (EISDIR, EINVAL) are skipped. */
  private syncDirectory(): void {
    let dirFd: number;
    try {
      dirFd = this.fs.openSync(dirname(this.finalPath), nodeFs.constants.O_RDONLY);
    } catch (err) {
      if (isUnsupported(err)) return;
      throw err;
    }
    try {
      this.fs.fsyncSync(dirFd);
    } catch (err) {
      if (!isUnsupported(err)) throw err;
    } finally {
      this.fs.closeSync(dirFd);
    }
  }
}

function isUnsupported(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EINVAL';
}
