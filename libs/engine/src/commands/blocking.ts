import type { CommandContext } from './command.js';
import type { Store } from '../store.js';
import { parseLongDouble } from './long-double.js';

/**
 * Clients parked by blocking commands (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP, ...), as Redis's blocked.c.
 *
 * A blocking command that finds nothing to serve calls `block`: the client is queued, in arrival order, on
 * each of its keys, and its connection stops running commands (it keeps reading, to notice a disconnect).
 * While anyone waits, the store reports every key it sets (created or replaced); a reported key with waiters
 * becomes "ready". After each top-level command (never in the middle of an EXEC) the transport calls
 * `serveReady`: for each ready key in the order they became ready, the clients waiting on it are served
 * first-come first-served while the key holds a non-empty value of the type they wait for; serving may make
 * other keys ready (BLMOVE pushes), which are served in the same call. A waiter is served from the key that
 * woke it, whatever its position among the waiter's keys.
 *
 * Timeouts use one timer per waiter; deadlines are absolute times on the engine's clock, re-checked when the
 * timer fires (timers cannot wait longer than about 24.8 days, so a far deadline re-arms).
 */

/** What serves a waiter: the kind of value it pops from. */
export type BlockedType = 'list' | 'zset';

/** One parked client. */
export interface BlockedClient {
  readonly ctx: CommandContext;
  readonly db: number;
  readonly keys: readonly string[];
  readonly type: BlockedType;
  /** Write the reply by serving from `key`, which holds a non-empty value of `type`. */
  readonly serve: (ctx: CommandContext, key: string) => void;
  /** Absolute deadline in ms on the engine clock; 0 = wait forever. */
  readonly deadline: number;
  timer: unknown;
  /** Writes the timeout reply (timer, CLIENT UNBLOCK TIMEOUT) in place of the nil array: WAIT replies its count. */
  timedOut?: (ctx: CommandContext) => void;
}

/** Timer functions, replaceable in tests. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (callback, ms) => {
    const t = setTimeout(callback, ms);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2147483647;
const LLONG_MAX = 9223372036854775807;

export const TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
export const TIMEOUT_NEGATIVE = 'ERR timeout is negative';
export const TIMEOUT_OUT_OF_RANGE = 'ERR timeout is out of range';
export const UNBLOCKED = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

/**
 * A blocking command's timeout in seconds (a long double, as Redis's getTimeoutFromObjectOrReply) as an
 * absolute deadline in ms (0 = forever), or the error to reply. Fractions of a millisecond round up, so any
 * positive timeout waits; conversions past the int64 range come out negative, as in C.
 */
export function parseTimeout(text: string, now: number): number | string {
  const ld = parseLongDouble(text);
  if (ld === undefined || ld.kind === 'nan') return TIMEOUT_NOT_FLOAT;
  if (ld.kind === 'inf') return TIMEOUT_NEGATIVE;
  const ms = Math.ceil((ld.neg ? -1 : 1) * Number(ld.mant) * 2 ** ld.exp * 1000);
  if (ms < 0 || ms >= LLONG_MAX) return TIMEOUT_NEGATIVE;
  if (ms === 0) return 0;
  if (ms > LLONG_MAX - now) return TIMEOUT_OUT_OF_RANGE;
  return now + ms;
}

/** parseTimeout for a command's timeout argument: the deadline, or undefined after replying the error. */
export function deadlineArg(ctx: CommandContext, text: string): number | undefined {
  const deadline = parseTimeout(text, ctx.engine.clock.now());
  if (typeof deadline === 'string') return void ctx.reply.error(deadline);
  return deadline;
}

export class BlockingRegistry {
  /** "db:key" → its waiters; a Set iterates in insertion order, so it is also the arrival queue. */
  private readonly waiting = new Map<string, Set<BlockedClient>>();
  private ready: string[] = [];
  private readonly readyIds = new Set<string>();
  /** The store whose key writes are watched while anyone waits. */
  private store: Store | undefined;
  /** INFO clients blocked_clients, and clients_in_timeout_table (those with a deadline). */
  blockedClients = 0;
  clientsWithTimeout = 0;
  /** Set when a key with waiters was written: the transport then calls serveReady. */
  hasReady = false;

  constructor(private readonly timers: Timers = realTimers) {}

  /** Clients waiting on `key` of `db` (for tests and CLIENT LIST). */
  waiters(db: number, key: string): number {
    return this.waiting.get(waitId(db, key))?.size ?? 0;
  }

  /**
   * Park `ctx`'s client on `keys` until `serve` can run or `deadline` (0 = never) passes. A client that may not
   * block (not a RESP client, or inside EXEC) gets the nil reply at once instead: a nil bulk with `nilBulk`
   * (BLMOVE, BRPOPLPUSH), else a nil array, as Redis.
   */
  block(ctx: CommandContext, keys: readonly string[], deadline: number, type: BlockedType, serve: BlockedClient['serve'], nilBulk = false): void {
    if (ctx.client.kind !== 'resp' || ctx.server.execDepth !== 0) return nilBulk ? ctx.reply.nil() : ctx.reply.nilArray();
    const db = ctx.client.db;
    const waiter: BlockedClient = { ctx, db, keys, type, serve, deadline, timer: undefined };
    for (const key of keys) {
      const id = waitId(db, key);
      let set = this.waiting.get(id);
      if (set === undefined) {
        set = new Set();
        this.waiting.set(id, set);
      }
      set.add(waiter);
    }
    if (this.store === undefined) {
      this.store = ctx.engine.keyspace;
      this.store.setKeyListener(this.keySet);
    }
    this.blockedClients++;
    ctx.client.blocked = waiter;
    if (deadline !== 0) {
      this.clientsWithTimeout++;
      this.armTimer(waiter);
    }
  }

  /** The store's listener: a key was set while someone waits. */
  private readonly keySet = (db: number, key: string): void => {
    const id = waitId(db, key);
    if (!this.waiting.has(id) || this.readyIds.has(id)) return;
    this.readyIds.add(id);
    this.ready.push(id);
    this.hasReady = true;
  };

  /** Serve the waiters of every ready key, as handleClientsBlockedOnKeys; call after each top-level command. */
  serveReady(): void {
    while (this.ready.length !== 0) {
      const batch = this.ready;
      this.ready = [];
      for (const id of batch) {
        this.readyIds.delete(id);
        this.serveKey(id);
      }
    }
    this.hasReady = false;
  }

  private serveKey(id: string): void {
    const waiters = this.waiting.get(id);
    if (waiters === undefined || this.store === undefined) return;
    const { db, key } = splitId(id);
    for (const waiter of waiters) {
      const value = this.store.peek(db, key);
      if (value === undefined || typeof value === 'string') return;
      if (value.type !== waiter.type) continue;
      this.release(waiter);
      waiter.ctx.server.beforeWrite?.(db, key);
      waiter.serve(waiter.ctx, key);
      waiter.ctx.client.unblocked();
    }
  }

  /** CLIENT UNBLOCK: end the wait with the timeout reply or, with `error`, an UNBLOCKED error. */
  unblock(waiter: BlockedClient, error: boolean): void {
    this.release(waiter);
    if (error) waiter.ctx.reply.error(UNBLOCKED);
    else if (waiter.timedOut !== undefined) waiter.timedOut(waiter.ctx);
    else waiter.ctx.reply.nilArray();
    waiter.ctx.client.unblocked();
  }

  /** The client disconnected: forget it without a reply. */
  forget(waiter: BlockedClient): void {
    this.release(waiter);
  }

  /** Take `waiter` off every queue and its timer. */
  private release(waiter: BlockedClient): void {
    if (waiter.ctx.client.blocked !== waiter) return;
    waiter.ctx.client.blocked = undefined;
    this.blockedClients--;
    if (waiter.deadline !== 0) this.clientsWithTimeout--;
    if (waiter.timer !== undefined) this.timers.clear(waiter.timer);
    waiter.timer = undefined;
    for (const key of waiter.keys) {
      const id = waitId(waiter.db, key);
      const set = this.waiting.get(id);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.waiting.delete(id);
    }
    if (this.waiting.size === 0 && this.store !== undefined) {
      this.store.setKeyListener(null);
      this.store = undefined;
    }
  }

  private armTimer(waiter: BlockedClient): void {
    const left = waiter.deadline - waiter.ctx.engine.clock.now();
    waiter.timer = this.timers.set(() => {
      waiter.timer = undefined;
      if (waiter.ctx.client.blocked !== waiter) return;
      if (waiter.ctx.engine.clock.now() < waiter.deadline) this.armTimer(waiter);
      else this.unblock(waiter, false);
    }, Math.min(Math.max(left, 0), MAX_TIMER_MS));
  }
}

/** "db:key": unambiguous since the number has no ':'. */
function waitId(db: number, key: string): string {
  return `${db}:${key}`;
}

function splitId(id: string): { db: number; key: string } {
  const colon = id.indexOf(':');
  return { db: Number(id.slice(0, colon)), key: id.slice(colon + 1) };
}
