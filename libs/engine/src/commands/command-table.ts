import type { CommandContext, CommandSpec } from './command.js';
import { LATENCY_BUCKETS_US, type CommandStats, type ServerState } from './server-state.js';
import { connectionCommands } from './connection.js';
import { infoCommands } from './info.js';
import { configCommands } from './config.js';
import { clientCommands } from './client.js';
import { commandInfoCommands } from './command-info.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { hashCommands } from './hashes.js';
import { setCommands } from './sets.js';
import { MULTI_CONTROL_COMMANDS, NOT_IN_MULTI, discardTransaction, transactionCommands, type MultiState } from './transactions.js';
import type { ClusterGate, QueuedCommand } from './cluster-gate.js';
import { sortedSetCommands } from './sorted-sets.js';
import { blockingSortedSetCommands } from './sorted-set-blocking.js';
import { sortCommands } from './sort.js';
import { pubsubCommands, refusedInSubscribedMode } from './pubsub.js';
import { memoryCommands } from './memory.js';
import { clientReplicationCommands } from './replication-commands.js';
import { NOAUTH, OOM, WRONG_ARITY, unknownCommand, unknownSubcommand } from './errors.js';
import { commandKeys } from './key-positions.js';

/**
 * The command table: name → spec, and the one place every transport runs a command through.
 *
 * `execute` does what Redis's processCommand does before and after a handler, in this order: look the
 * command up, check arity (and the subcommand of a container), require AUTH when `requirepass` is set, evict
 * when over `maxmemory` (refusing commands flagged `denyoom` with OOM if nothing can go), run the handler,
 * propagate it to replicas if it changed the keyspace (replication.ts), count calls, time and errors.
 *
 * The hot path allocates nothing: each command has an entry with its flags decoded to booleans and its stats
 * object cached; names are indexed in lower and upper case, so "GET" and "get" hit without `toLowerCase`.
 */
interface Entry {
  readonly spec: CommandSpec;
  readonly denyoom: boolean;
  readonly noAuth: boolean;
  readonly noMulti: boolean;
  /** EXEC DISCARD MULTI WATCH QUIT RESET: run at once inside MULTI, never queued. */
  readonly multiControl: boolean;
  readonly write: boolean;
  /** Has keys (a key range or a key finder): cluster mode routes it by their slot. */
  readonly keyed: boolean;
  readonly exec: boolean;
  /** Redis's `loading` flag: allowed while the AOF loads. */
  readonly loading: boolean;
  /** Stats of this command in the server they were last looked up for (one table serves one node). */
  stats: CommandStats | undefined;
  statsOwner: ServerState | undefined;
}

function entryOf(spec: CommandSpec): Entry {
  return {
    spec,
    denyoom: spec.flags.includes('denyoom'),
    noAuth: spec.flags.includes('no_auth'),
    noMulti: spec.flags.includes('no_multi'),
    multiControl: MULTI_CONTROL_COMMANDS.has(spec.name),
    write: spec.flags.includes('write'),
    keyed: spec.firstKey !== 0 || spec.keys !== undefined,
    exec: spec.name === 'exec',
    loading: spec.flags.includes('loading'),
    stats: undefined,
    statsOwner: undefined,
  };
}

const LOADING = 'LOADING Redis is loading the dataset in memory';

/**
 * Tells `touch` each key a write command may modify, before it runs (an AOF rewrite is in progress): its key
 * positions, and COPY's destination in another database (COPY src dst DB n).
 */
function touchKeys(touch: (db: number, key: string) => void, db: number, spec: CommandSpec, args: readonly string[]): void {
  const keys = commandKeys(spec, args);
  if (keys !== undefined) for (const i of keys) touch(db, args[i]!);
  if (spec.name === 'copy') {
    for (let i = 3; i + 1 < args.length; i++) {
      if (args[i]!.toLowerCase() === 'db') touch(Number(args[i + 1]), args[2]!);
    }
  }
}

function statsOf(entry: Entry, server: ServerState): CommandStats {
  if (entry.statsOwner !== server || entry.stats === undefined) {
    entry.stats = server.statsFor(entry.spec.name);
    entry.statsOwner = server;
  }
  return entry.stats;
}

/**
 * Latency is measured on one command in TIMING_SAMPLE (a power of two). Reading the clock twice costs about
 * 200 ns on this kind of VM, about 10% of a pipelined GET, so timing every command is too dear; a systematic
 * 1-in-8 sample keeps INFO commandstats `usec` and the latency histogram unbiased estimates, while `calls`
 * stay exact.
 */
const TIMING_SAMPLE = 8;
const TIMING_MASK = TIMING_SAMPLE - 1;

export class CommandTable {
  private tick = 0;
  /** Error replies written by the commands of the EXEC that just ran: counted by them, not by EXEC. */
  private queuedErrors = 0;
  private readonly byName = new Map<string, Entry>();
  private readonly specs: CommandSpec[] = [];
  /** Subcommand entries by "container|sub". */
  private readonly subEntries = new Map<string, Entry>();

  constructor(specs: Iterable<CommandSpec> = []) {
    for (const spec of specs) this.register(spec);
  }

  register(spec: CommandSpec): void {
    if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} registered twice`);
    const entry = entryOf(spec);
    this.byName.set(spec.name, entry);
    this.byName.set(spec.name.toUpperCase(), entry);
    this.specs.push(spec);
    for (const sub of spec.subcommands ?? []) this.subEntries.set(sub.name, entryOf(sub));
  }

  registerAll(specs: Iterable<CommandSpec>): void {
    for (const spec of specs) this.register(spec);
  }

  /** Case-insensitive lookup. */
  lookup(name: string): CommandSpec | undefined {
    return this.entryNamed(name)?.spec;
  }

  all(): IterableIterator<CommandSpec> {
    return this.specs.values();
  }

  get size(): number {
    return this.specs.length;
  }

  execute(ctx: CommandContext, args: string[]): void {
    const { reply, server } = ctx;
    let entry = this.entryNamed(args[0]);
    if (entry === undefined) {
      server.totalErrorReplies++;
      if (ctx.client.multi !== undefined) ctx.client.multi.aborted = true;
      // Redis checks auth before telling an unauthenticated client anything about the command table.
      reply.error(server.requirePass !== '' && !ctx.client.authenticated ? NOAUTH : unknownCommand(args));
      return;
    }
    if (entry.spec.subcommands !== undefined && args.length > 1) {
      const sub = this.subEntry(entry, args[1]);
      if (sub === undefined) {
        if (!isHelp(args[1])) {
          server.totalErrorReplies++;
          if (ctx.client.multi !== undefined) ctx.client.multi.aborted = true;
          statsOf(entry, server).rejectedCalls++;
          reply.error(unknownSubcommand(args[1], entry.spec.name));
          return;
        }
      } else {
        entry = sub;
      }
    }
    const spec = entry.spec;
    const stats = statsOf(entry, server);
    const arity = spec.arity;
    if ((arity > 0 && args.length !== arity) || args.length < -arity) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      if (ctx.client.multi !== undefined) ctx.client.multi.aborted = true;
      reply.error(WRONG_ARITY(spec.name));
      return;
    }
    if (server.requirePass !== '' && !ctx.client.authenticated && !entry.noAuth) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      if (ctx.client.multi !== undefined) ctx.client.multi.aborted = true;
      reply.error(NOAUTH);
      return;
    }
    if (server.loading && !entry.loading) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      if (ctx.client.multi !== undefined) ctx.client.multi.aborted = true;
      reply.error(LOADING);
      return;
    }
    const multi = ctx.client.multi;
    const cluster = server.cluster;
    if (cluster !== undefined && (entry.keyed || entry.exec)) {
      const readOnly = ctx.client.readOnly;
      const error = entry.exec ? this.checkTransaction(cluster, multi, readOnly) : cluster.check(spec, args, entry.write, readOnly);
      if (error !== undefined) {
        stats.rejectedCalls++;
        server.totalErrorReplies++;
        // As Redis: a refused EXEC discards the transaction, a refused command inside MULTI flags it.
        if (entry.exec) discardTransaction(ctx);
        else if (multi !== undefined) multi.aborted = true;
        reply.error(error);
        return;
      }
    }
    if (multi !== undefined && !entry.multiControl) {
      this.queue(ctx, entry, stats, multi, args);
      return;
    }
    const engine = ctx.engine;
    if (engine.maxmemory !== 0 && (entry.denyoom || engine.usedMemory() > engine.maxmemory)) {
      // As Redis's processCommand: evict before every command, so memory is back under the limit whatever runs
      // next (INFO included); only commands that may grow memory (denyoom) are refused when nothing can go.
      const rejectionsBefore = engine.stats.oomRejections;
      if (!engine.freeMemoryIfNeeded()) {
        if (entry.denyoom) {
          stats.rejectedCalls++;
          server.totalErrorReplies++;
          reply.error(OOM);
          return;
        }
        engine.stats.oomRejections = rejectionsBefore; // a read was not refused
      }
    }
    if (entry.write && server.persistenceError !== undefined) {
      const why = server.persistenceError();
      if (why !== undefined) {
        stats.rejectedCalls++;
        server.totalErrorReplies++;
        reply.error(`MISCONF Errors writing to the AOF file: ${why}`);
        return;
      }
    }
    if (ctx.client.pubsub !== undefined && refusedInSubscribedMode(ctx, spec.name)) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      return;
    }
    const errorsBefore = reply.errors;
    // Replication capture: a write whose run moved the store's dirty counter is propagated as received,
    // unless its handler propagated a rewrite (replication.ts).
    const capture = server.replication !== undefined;
    let dirtyBefore = 0;
    if (capture) {
      dirtyBefore = engine.keyspace.dirty;
      server.propagationRewritten = false;
    }
    if (entry.write && server.beforeWrite !== undefined) touchKeys(server.beforeWrite, ctx.client.db, spec, args);
    if ((++this.tick & TIMING_MASK) === 0) {
      const start = performance.now();
      spec.handler(ctx, args);
      const us = (performance.now() - start) * 1000;
      // One timed call stands for TIMING_SAMPLE calls: sums and counts stay unbiased estimates.
      stats.usec += us * TIMING_SAMPLE;
      server.latencySumUs += us * TIMING_SAMPLE;
      server.latencyBuckets[bucketOf(us)] += TIMING_SAMPLE;
    } else {
      spec.handler(ctx, args);
    }
    if (capture && engine.keyspace.dirty !== dirtyBefore) {
      if (entry.write && !server.propagationRewritten) server.propagate(ctx.client.db, args);
      // Something went into the stream for this client: WAIT waits for its end (Redis's c->woff).
      const hooks = server.replicationHooks;
      if (hooks !== undefined) {
        ctx.client.replOffset = hooks.offset;
        ctx.client.replSlot = hooks.lastWriteSlot;
      }
    }
    stats.calls++;
    server.totalCommandsProcessed++;
    if (reply.errors !== errorsBefore) {
      const queuedErrors = this.queuedErrors;
      this.queuedErrors = 0;
      if (reply.errors - errorsBefore > queuedErrors) {
        stats.failedCalls++;
        server.totalErrorReplies++;
      }
    }
    ctx.client.lastCommand = spec.name;
  }

  /**
   * Runs a command of a primary's replication stream, as Redis runs its master client's commands: no auth,
   * cluster routing or maxmemory refusal (the primary decided; refusing here would make the copy diverge),
   * one reply the caller discards. Writes are captured as usual: the sink keeps only those of slots this
   * node owns (a slot handed over to it, whose old owner's last writes still arrive).
   */
  applyFromPrimary(ctx: CommandContext, args: string[]): void {
    const entry = this.entryNamed(args[0]);
    if (entry === undefined) return;
    const arity = entry.spec.arity;
    if ((arity > 0 && args.length !== arity) || args.length < -arity) return;
    const { server, engine } = ctx;
    const capture = server.replication !== undefined;
    let dirtyBefore = 0;
    if (capture) {
      dirtyBefore = engine.keyspace.dirty;
      server.propagationRewritten = false;
    }
    if (entry.write && server.beforeWrite !== undefined) touchKeys(server.beforeWrite, ctx.client.db, entry.spec, args);
    entry.spec.handler(ctx, args);
    if (capture && entry.write && !server.propagationRewritten && engine.keyspace.dirty !== dirtyBefore) server.propagate(ctx.client.db, args);
    statsOf(entry, server).calls++;
    server.totalCommandsProcessed++;
  }

  /** EXEC: run the queued commands in order, each counted as its own call. */
  runQueued(ctx: CommandContext, queue: readonly string[][]): void {
    const before = ctx.reply.errors;
    for (const args of queue) this.execute(ctx, args);
    this.queuedErrors = ctx.reply.errors - before;
  }

  /** EXEC in cluster mode: the queued commands with keys, checked together. */
  private checkTransaction(cluster: ClusterGate, multi: MultiState | undefined, readOnly: boolean): string | undefined {
    if (multi === undefined) return undefined; // EXEC without MULTI replies its own error
    const queued: QueuedCommand[] = [];
    for (const args of multi.queue) {
      let entry = this.entryNamed(args[0]);
      if (entry?.spec.subcommands !== undefined && args.length > 1) entry = this.subEntry(entry, args[1]) ?? entry;
      if (entry !== undefined && entry.keyed) queued.push({ spec: entry.spec, args });
    }
    return queued.length === 0 ? undefined : cluster.checkTransaction(queued, readOnly);
  }

  /** Case-insensitive, without `toLowerCase` for names sent all lower or all upper case. */
  private entryNamed(name: string): Entry | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  private subEntry(container: Entry, sub: string): Entry | undefined {
    return this.subEntries.get(`${container.spec.name}|${sub.toLowerCase()}`);
  }

  /**
   * Inside MULTI: refuse what Redis refuses at queueing time (no_multi commands; any command while over
   * maxmemory with nothing to evict), flagging the transaction, else queue a copy of the arguments.
   */
  private queue(ctx: CommandContext, entry: Entry, stats: CommandStats, multi: MultiState, args: string[]): void {
    const { engine, reply, server } = ctx;
    let error: string | undefined;
    if (entry.noMulti) error = NOT_IN_MULTI;
    else if (engine.maxmemory !== 0 && !engine.freeMemoryIfNeeded()) error = OOM;
    ctx.client.lastCommand = entry.spec.name;
    if (error !== undefined) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      multi.aborted = true;
      reply.error(error);
      return;
    }
    multi.queue.push(args.slice());
    reply.simple('QUEUED');
  }
}

function bucketOf(us: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_US.length && us > LATENCY_BUCKETS_US[i]) i++;
  return i;
}

function isHelp(arg: string): boolean {
  return arg.length === 4 && arg.toLowerCase() === 'help';
}


/** A table with every command family registered, plus `extra` (the node adds CLUSTER from libs/cluster). */
export function createCommandTable(extra: Iterable<CommandSpec> = []): CommandTable {
  const table = new CommandTable();
  table.registerAll(connectionCommands);
  table.registerAll(stringCommands);
  table.registerAll(keyCommands);
  table.registerAll(listCommands);
  table.registerAll(hashCommands);
  table.registerAll(setCommands);
  table.registerAll(transactionCommands(table));
  table.registerAll(sortedSetCommands);
  table.registerAll(blockingSortedSetCommands);
  table.registerAll(sortCommands);
  table.registerAll(pubsubCommands);
  table.registerAll(memoryCommands);
  table.registerAll(infoCommands);
  table.registerAll(configCommands);
  table.registerAll(clientCommands);
  table.registerAll(clientReplicationCommands);
  table.registerAll(extra);
  table.registerAll(commandInfoCommands(table));
  return table;
}
