/**
 * Transactions with Redis 7.0 semantics: MULTI EXEC DISCARD WATCH UNWATCH.
 *
 * While a client is in MULTI the command table checks each command (unknown, arity, no_multi, OOM) and
 * queues it, replying +QUEUED; a refused command flags the transaction so EXEC answers EXECABORT. EXEC runs
 * the queue in one go on the single thread, so nothing interleaves, and replies one array of the replies.
 *
 * WATCH registers the client's WatchState with the store for each key; any modification of a watched key
 * (a write by anyone, expiry, eviction, FLUSHDB/FLUSHALL of an existing key) marks it dirty, and EXEC then
 * replies a nil array without running anything. EXEC also applies lazy expiry to each watched key first: a
 * key whose TTL passed since WATCH counts as modified, as Redis 7.0's isWatchedKeyExpired.
 */
import type { CommandContext, CommandSpec, ClientSession } from './command.js';
import type { CommandTable } from './command-table.js';
import type { KeyWatcher, Store } from '../store.js';

export const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
export const NOT_IN_MULTI = 'ERR Command not allowed inside a transaction';

/** A client inside MULTI: the commands queued so far, and whether one was refused. */
export class MultiState {
  /** Each entry is a copy of the command's argument array (transports may reuse theirs). */
  readonly queue: string[][] = [];
  /** A queued command was refused: EXEC must discard the transaction. */
  aborted = false;
}

/** The keys a client WATCHes, as registered with the store. */
export class WatchState implements KeyWatcher {
  dirty = false;
  /** Watched keys by database. */
  readonly keys: { db: number; key: string }[] = [];
}

/** Names the command table runs at once even inside MULTI (Redis's processCommand exceptions). */
export const MULTI_CONTROL_COMMANDS: ReadonlySet<string> = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Forget every watched key of `client` (UNWATCH, EXEC, DISCARD, disconnect). */
export function unwatchAll(store: Store, client: ClientSession): void {
  const watch = client.watch;
  if (watch === undefined) return;
  for (const { db, key } of watch.keys) store.unwatchKey(db, key, watch);
  client.watch = undefined;
}

function multi(ctx: CommandContext): void {
  if (ctx.client.multi !== undefined) return ctx.reply.error('ERR MULTI calls can not be nested');
  ctx.client.multi = new MultiState();
  ctx.reply.ok();
}

/** Drop the client's transaction and its watched keys (DISCARD; an EXEC refused in cluster mode). */
export function discardTransaction(ctx: CommandContext): void {
  ctx.client.multi = undefined;
  unwatchAll(ctx.engine.keyspace, ctx.client);
}

function discard(ctx: CommandContext): void {
  if (ctx.client.multi === undefined) return ctx.reply.error('ERR DISCARD without MULTI');
  discardTransaction(ctx);
  ctx.reply.ok();
}

function watch(ctx: CommandContext, args: string[]): void {
  const { client } = ctx;
  if (client.multi !== undefined) return ctx.reply.error('ERR WATCH inside MULTI is not allowed');
  let state = client.watch;
  if (state === undefined) state = client.watch = new WatchState();
  // As Redis: no point watching more once a watched key was touched.
  if (!state.dirty) {
    const store = ctx.engine.keyspace;
    const db = client.db;
    for (let i = 1; i < args.length; i++) {
      const key = args[i];
      if (state.keys.some((w) => w.db === db && w.key === key)) continue;
      // A key already past its TTL is deleted now, so it is not "modified" later by its lazy expiry.
      store.has(db, key);
      store.watchKey(db, key, state);
      state.keys.push({ db, key });
    }
  }
  ctx.reply.ok();
}

function unwatch(ctx: CommandContext): void {
  unwatchAll(ctx.engine.keyspace, ctx.client);
  ctx.reply.ok();
}

function execWith(table: CommandTable) {
  return (ctx: CommandContext): void => {
    const { client, reply } = ctx;
    const state = client.multi;
    if (state === undefined) return reply.error('ERR EXEC without MULTI');
    client.multi = undefined;
    const store = ctx.engine.keyspace;
    const watched = client.watch;
    if (watched !== undefined && !watched.dirty) {
      // Lazy expiry of each watched key marks the state dirty if its TTL has passed since WATCH.
      for (const { db, key } of watched.keys) store.has(db, key);
    }
    const touched = watched !== undefined && watched.dirty;
    unwatchAll(store, client);
    if (state.aborted) return reply.error(EXECABORT);
    if (touched) return reply.nilArray();
    reply.array(state.queue.length);
    ctx.server.execDepth++;
    try {
      table.runQueued(ctx, state.queue);
    } finally {
      if (--ctx.server.execDepth === 0) ctx.server.closePropagatedTransaction();
    }
  };
}

type Flags = CommandSpec['flags'];
const CONTROL: Flags = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

/** The transaction commands; EXEC runs its queue through `table`. */
export function transactionCommands(table: CommandTable): CommandSpec[] {
  return [
    { name: 'multi', arity: 1, flags: CONTROL, firstKey: 0, lastKey: 0, step: 0, categories: ['fast', 'transaction'], summary: 'Start a transaction block', handler: multi },
    { name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], firstKey: 0, lastKey: 0, step: 0, categories: ['slow', 'transaction'], summary: 'Execute all commands issued after MULTI', handler: execWith(table) },
    { name: 'discard', arity: 1, flags: CONTROL, firstKey: 0, lastKey: 0, step: 0, categories: ['fast', 'transaction'], summary: 'Discard all commands issued after MULTI', handler: discard },
    { name: 'watch', arity: -2, flags: CONTROL, firstKey: 1, lastKey: -1, step: 1, categories: ['fast', 'transaction'], summary: 'Watch the given keys to determine execution of the MULTI/EXEC block', handler: watch },
    { name: 'unwatch', arity: 1, flags: CONTROL, firstKey: 0, lastKey: 0, step: 0, categories: ['fast', 'transaction'], summary: 'Forget about all watched keys', handler: unwatch },
  ];
}
