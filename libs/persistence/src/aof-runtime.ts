/**
 * A node's append-only file (docs/persistence.md): loads it at start, then appends every effective write the
 * engine captures (AofWriter, a sink of the same capture as the replication stream), hands the turn's writes
 * to the OS before any reply goes out (ServerState.beforeReply), fsyncs as appendfsync says, and rewrites the
 * file from the keyspace (BGREWRITEAOF, automatically on growth, and when CONFIG SET appendonly yes turns it
 * on) without blocking the event loop (AofRewrite).
 */
import { accessSync, closeSync, constants, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InternalSession } from '../../engine/src/commands/internal-session.js';
import type { CommandContext } from '../../engine/src/commands/command.js';
import type { CommandTable } from '../../engine/src/commands/command-table.js';
import type { ConfigStore } from '../../engine/src/commands/config-store.js';
import { DiscardReply } from '../../engine/src/commands/discard-reply.js';
import { attachSink } from '../../engine/src/commands/replication.js';
import type { PersistenceHooks, ServerState } from '../../engine/src/commands/server-state.js';
import type { Engine } from '../../engine/src/engine.js';
import { AofRewrite } from './aof-rewrite.js';
import { loadAof } from './aof-loader.js';
import { AofWriter, type FsyncPolicy } from './aof-writer.js';

/** How often the writer's everysec fsync and the automatic rewrite are checked. */
const TICK_MS = 100;
/** Bytes of rewritten file produced per event-loop turn (a few ms of work). */
const REWRITE_STEP_BYTES = 256 * 1024;

export class AofRuntime implements PersistenceHooks {
  private writer: AofWriter | undefined;
  private detachWriter: (() => void) | undefined;
  private rewrite: AofRewrite | undefined;
  private detachRewrite: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** The file's size after the last rewrite (or at start): the automatic rewrite's base. */
  private baseSize = 0;
  private rewrites = 0;
  private consecutiveFailures = 0;
  private lastRewriteStatus: 'ok' | 'err' = 'ok';
  private lastRewriteSeconds = -1;
  private loadingStartedAt = 0;
  private loadingTotal = 0;
  private loadingDone = 0;
  private readonly log: (message: string) => void;

  constructor(
    private readonly config: ConfigStore,
    private readonly engine: Engine,
    private readonly server: ServerState,
    private readonly table: CommandTable,
    log?: (message: string) => void,
  ) {
    this.log = log ?? ((message) => process.stderr.write(`ringcache: ${message}\n`));
  }

  get path(): string {
    return join(this.config.get('dir'), this.config.get('appendfilename'));
  }

  /** Where a rewrite builds the new file: one per AOF, so a crash's leftover is found and replaced. */
  private get tempPath(): string {
    return join(this.config.get('dir'), `temp-rewrite-${this.config.get('appendfilename')}`);
  }

  get enabled(): boolean {
    return this.writer !== undefined || (this.rewrite !== undefined && this.enabling);
  }

  /** A rewrite started by CONFIG SET appendonly yes: its file becomes the AOF the writer appends to. */
  private enabling = false;

  /**
   * With appendonly yes: replays the file (clients get -LOADING meanwhile, keys are not expired while it
   * loads, as Redis), then appends to it. Always: follows CONFIG SET appendonly/appendfsync and serves
   * BGREWRITEAOF and INFO persistence. Throws AofFormatError when the file is corrupt (the node must not start).
   */
  async start(): Promise<void> {
    this.server.persistence = this;
    this.config.onChange((name) => {
      if (name === 'appendonly') this.setEnabled(this.config.getBool('appendonly'));
    });
    if (this.config.getBool('appendonly')) {
      const dir = this.config.get('dir');
      try {
        accessSync(dir, constants.W_OK);
      } catch (err) {
        const error = new Error(`cannot use dir '${dir}' for the append-only file: ${(err as Error).message}`);
        error.name = 'PersistenceError';
        throw error;
      }
      rmSync(this.tempPath, { force: true }); // a rewrite cut short by a crash
      await this.load();
      this.openWriter(AofWriter.open(this.path, this.writerOptions()));
    }
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  private async load(): Promise<void> {
    const keyspace = this.engine.keyspace;
    const wasReplica = keyspace.replica;
    const session = new InternalSession(this.server.nextClientId());
    const ctx: CommandContext = { engine: this.engine, keyspace, server: this.server, client: session, reply: new DiscardReply() };
    this.server.loading = true;
    this.loadingStartedAt = Date.now();
    keyspace.replica = true; // no expiry while loading: the file's later commands act on exactly what it built
    try {
      const result = await loadAof(
        this.path,
        (args) => {
          if (this.table.lookup(args[0]!) === undefined) throw new Error(`Unknown command '${args[0]}' reading the append only file`);
          this.table.applyFromPrimary(ctx, args);
        },
        {
          truncateTail: this.config.getBool('aof-load-truncated'),
          log: this.log,
          onProgress: (loaded, total) => {
            this.loadingDone = loaded;
            this.loadingTotal = total;
          },
        },
      );
      this.baseSize = result.bytes;
      if (result.commands > 0) this.log(`DB loaded from append only file: ${result.commands} commands, ${result.bytes} bytes in ${Date.now() - this.loadingStartedAt} ms`);
    } finally {
      keyspace.replica = wasReplica;
      this.server.loading = false;
    }
  }

  private writerOptions(): ConstructorParameters<typeof AofWriter>[2] {
    return { policy: () => this.config.get('appendfsync') as FsyncPolicy, now: () => Date.now(), log: this.log };
  }

  private openWriter(writer: AofWriter): void {
    this.writer = writer;
    this.detachWriter = attachSink(this.engine, this.server, writer);
    this.server.beforeReply = () => writer.flush();
    this.server.persistenceError = () => writer.writeError;
  }

  private closeWriter(): void {
    this.detachWriter?.();
    this.detachWriter = undefined;
    this.server.beforeReply = undefined;
    this.server.persistenceError = undefined;
    this.writer?.close();
    this.writer = undefined;
  }

  /** CONFIG SET appendonly: on writes the file from the keyspace first (a rewrite), off closes it. */
  private setEnabled(on: boolean): void {
    if (on) {
      if (this.writer !== undefined || this.enabling) return;
      this.abortRewrite();
      this.enabling = true;
      this.startRewrite();
      return;
    }
    if (this.enabling) this.abortRewrite();
    this.enabling = false;
    this.closeWriter();
  }

  // ---- rewrite ----

  bgRewrite(): boolean {
    if (this.rewrite !== undefined) return false;
    this.startRewrite();
    return true;
  }

  private startRewrite(): void {
    let rewrite: AofRewrite;
    try {
      rewrite = new AofRewrite({
        store: this.engine.keyspace,
        dbCount: this.engine.keyspace.databases,
        tempPath: this.tempPath,
        finalPath: this.path,
        now: () => this.engine.clock.now(),
      });
    } catch (err) {
      this.enabling = false;
      this.rewriteFailed(err);
      return;
    }
    this.rewrite = rewrite;
    // The rewrite sees every write after the writer (same capture); FLUSHDB/FLUSHALL end its walk of the flushed
    // databases once they ran.
    this.detachRewrite = attachSink(this.engine, this.server, {
      propagate: (db, args) => {
        rewrite.propagate(db, args);
        const name = args[0]!;
        // Lower-cased only at the two lengths that can match: no string made per write.
        if (name.length === 8 && name.toLowerCase() === 'flushall') for (let d = 0; d < this.engine.keyspace.databases; d++) rewrite.flushedDb(d);
        else if (name.length === 7 && name.toLowerCase() === 'flushdb') rewrite.flushedDb(db);
      },
    });
    this.server.beforeWrite = (db, key) => rewrite.touch(db, key);
    setImmediate(() => this.stepRewrite(rewrite));
  }

  private stepRewrite(rewrite: AofRewrite): void {
    if (this.rewrite !== rewrite) return; // aborted
    try {
      if (!rewrite.step(REWRITE_STEP_BYTES)) {
        setImmediate(() => this.stepRewrite(rewrite));
        return;
      }
      this.writer?.flush(); // the old file gets everything up to now: a crash before the rename loses nothing
      const { fd, size } = rewrite.finish();
      this.endRewrite();
      if (this.writer !== undefined) this.writer.switchTo(fd, size);
      else if (this.enabling) this.openWriter(new AofWriter(fd, size, this.writerOptions()));
      else closeQuietly(fd);
      this.enabling = false;
      this.baseSize = size;
      this.rewrites++;
      this.consecutiveFailures = 0;
      this.lastRewriteStatus = 'ok';
      this.lastRewriteSeconds = Math.round((this.engine.clock.now() - rewrite.startedAt) / 1000);
      this.log(`Background AOF rewrite finished successfully (${size} bytes)`);
    } catch (err) {
      rewrite.abort();
      this.endRewrite();
      this.enabling = false;
      this.rewriteFailed(err);
    }
  }

  private rewriteFailed(err: unknown): void {
    this.consecutiveFailures++;
    this.lastRewriteStatus = 'err';
    this.log(`Background AOF rewrite failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  private endRewrite(): void {
    this.detachRewrite?.();
    this.detachRewrite = undefined;
    this.server.beforeWrite = undefined;
    this.rewrite = undefined;
  }

  private abortRewrite(): void {
    const rewrite = this.rewrite;
    if (rewrite === undefined) return;
    this.endRewrite();
    rewrite.abort();
  }

  private tick(): void {
    const writer = this.writer;
    if (writer === undefined) return;
    writer.flush(); // writes made with no reply to send (expiry, eviction, a replica's applied stream)
    writer.tick();
    if (this.rewrite !== undefined) return;
    const percentage = this.config.getNumber('auto-aof-rewrite-percentage');
    const minSize = this.config.getNumber('auto-aof-rewrite-min-size');
    if (percentage > 0 && writer.currentSize > minSize) {
      const base = Math.max(this.baseSize, 1);
      if (((writer.currentSize - base) * 100) / base >= percentage) {
        this.log(`Starting automatic rewriting of AOF on ${Math.round(((writer.currentSize - base) * 100) / base)}% growth`);
        this.startRewrite();
      }
    }
  }

  /** Shutdown: writes and fsyncs what is buffered, drops a rewrite in progress. */
  stop(): void {
    clearInterval(this.ticker);
    this.abortRewrite();
    this.closeWriter();
    if (this.server.persistence === this) this.server.persistence = undefined;
  }

  // ---- INFO ----

  infoFields(): [string, string | number][] {
    const writer = this.writer;
    const rewrite = this.rewrite;
    const fields: [string, string | number][] = [
      ['aof_enabled', this.enabled ? 1 : 0],
      ['aof_rewrite_in_progress', rewrite === undefined ? 0 : 1],
      ['aof_rewrite_scheduled', 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSeconds],
      ['aof_current_rewrite_time_sec', rewrite === undefined ? -1 : Math.round((this.engine.clock.now() - rewrite.startedAt) / 1000)],
      ['aof_last_bgrewrite_status', this.lastRewriteStatus],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', writer?.lastWriteStatus ?? 'ok'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (writer !== undefined) {
      fields.push(
        ['aof_current_size', writer.currentSize],
        ['aof_base_size', this.baseSize],
        ['aof_pending_rewrite', 0],
        ['aof_buffer_length', writer.pendingBytes],
        ['aof_pending_bio_fsync', writer.fsyncInProgress],
        ['aof_delayed_fsync', writer.delayedFsync],
      );
    }
    return fields;
  }

  loadingFields(): [string, string | number][] {
    const elapsed = (Date.now() - this.loadingStartedAt) / 1000;
    const perc = this.loadingTotal === 0 ? 0 : (this.loadingDone * 100) / this.loadingTotal;
    const eta = this.loadingDone === 0 ? 1 : Math.round(((this.loadingTotal - this.loadingDone) * elapsed) / this.loadingDone);
    return [
      ['loading_start_time', Math.floor(this.loadingStartedAt / 1000)],
      ['loading_total_bytes', this.loadingTotal],
      ['loading_rdb_used_mem', 0],
      ['loading_loaded_bytes', this.loadingDone],
      ['loading_loaded_perc', perc.toFixed(2)],
      ['loading_eta_seconds', eta],
    ];
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}
