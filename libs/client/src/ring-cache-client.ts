/**
 * RingCacheClient: a typed cache client for a ringcache (or any Redis) cluster, on top of ioredis's Cluster,
 * which does the routing: slot table from CLUSTER SLOTS, commands sent straight to the slot's owner, MOVED/ASK
 * followed with a refresh, one connection per node, autopipelining. This class adds what a cache caller needs:
 * multi-key commands split by slot, topology push on `__ringcache__:topology`, and a readable slot table.
 */
import { Cluster, type NatMap } from 'ioredis';
import {
  resolveClientOptions,
  TOPOLOGY_CHANNEL,
  type ResolvedClientOptions,
  type RingCacheClientOptions,
} from './client-options.js';
import { groupBySlot } from './slot-groups.js';
import {
  parseTopologyMessage,
  rangesFromSlotArray,
  sameSlotTable,
  type SlotTableSnapshot,
} from './slot-table.js';

export interface SetOptions {
  /** Expire after this many milliseconds (SET ... PX). */
  ttlMs?: number;
  /** Only set if the key does not exist. */
  nx?: boolean;
  /** Only set if the key exists. */
  xx?: boolean;
}

export type TopologyListener = (table: SlotTableSnapshot) => void;

type ClientState = 'idle' | 'connecting' | 'ready' | 'closed';

const REDIRECT = /^(MOVED|ASK) /;

/** `"host:port"` as the node announces it, mapped through natMap like ioredis maps the addresses it routes to. */
function natAddress(natMap: NatMap | undefined, host: string, port: number): string {
  const announced = `${host}:${port}`;
  const mapped = typeof natMap === 'function' ? natMap(announced) : natMap?.[announced];
  return mapped ? `${mapped.host}:${mapped.port}` : announced;
}

export class RingCacheClient {
  readonly #options: ResolvedClientOptions;
  readonly #cluster: Cluster;
  readonly #prefix: string;
  readonly #listeners = new Set<TopologyListener>();
  /** Node id by routed address ("host:port" after natMap). */
  readonly #nodeIds = new Map<string, string>();
  #state: ClientState = 'idle';
  /** Highest cluster epoch seen (CLUSTER INFO or a push). */
  #epoch = 0;
  /** The table listeners were last told about. */
  #notified: SlotTableSnapshot = { epoch: 0, ranges: [] };
  /** A push arrived: tell listeners after the next refresh even if nothing changed. */
  #pushPending = false;
  /** Serializes metadata syncs (one CLUSTER SLOTS + INFO at a time). */
  #syncChain: Promise<void> = Promise.resolve();
  #lastError: Error | undefined;

  constructor(options: RingCacheClientOptions) {
    this.#options = resolveClientOptions(options);
    this.#prefix = options.keyPrefix ?? '';
    const timeoutMs = this.#options.connectTimeoutMs;
    this.#cluster = new Cluster([...this.#options.seeds], {
      ...this.#options.cluster,
      clusterRetryStrategy: (times) => Math.min(50 * times, 1000, timeoutMs),
    });
    // Errors reach callers through the rejected commands; an unheard 'error' event would crash the process.
    this.#cluster.on('error', (err: Error) => (this.#lastError = err));
    this.#cluster.on('node error', (err: Error) => (this.#lastError = err));
  }

  /** The underlying ioredis Cluster, for commands this class does not wrap (routing and redirects still apply). */
  get redis(): Cluster {
    return this.#cluster;
  }

  /**
   * Connects through the seeds and loads the slot table; subscribes to topology pushes when enabled. Rejects if
   * no seed answers with a usable cluster within connectTimeoutMs (the client is then closed).
   */
  async connect(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`RingCacheClient: connect() called on a ${this.#state} client`);
    this.#state = 'connecting';
    const cluster = this.#cluster;
    const { connectTimeoutMs, seeds } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve) => cluster.once('ready', resolve));
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = this.#lastError ? `: ${this.#lastError.message}` : '';
        const list = seeds.map((s) => `${s.host}:${s.port}`).join(', ');
        reject(new Error(`RingCacheClient: no seed answered with a ready cluster within ${connectTimeoutMs} ms (seeds: ${list})${cause}`));
      }, connectTimeoutMs);
    });
    // ioredis rejects connect() when every seed fails but keeps retrying (clusterRetryStrategy) until 'ready'.
    cluster.connect().catch((err: Error) => (this.#lastError = err));
    try {
      await Promise.race([ready, timedOut]);
    } catch (err) {
      this.#state = 'closed';
      cluster.disconnect();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    cluster.on('refresh', () => this.#sync());
    if (this.#options.subscribeTopology) await this.#subscribe();
    await this.#sync();
    this.#state = 'ready';
  }

  /** Quits every node connection (pending commands finish first). Safe to call twice or before connect(). */
  async quit(): Promise<void> {
    if (this.#state === 'closed' && this.#cluster.status === 'end') return;
    this.#state = 'closed';
    this.#listeners.clear();
    try {
      await this.#cluster.quit();
    } catch {
      this.#cluster.disconnect();
    }
    await this.#syncChain;
  }

  // ---- typed commands -------------------------------------------------------------------------------------------

  async get(key: string): Promise<string | null> {
    return this.#routed((redis) => redis.get(key));
  }

  async getBuffer(key: string): Promise<Buffer | null> {
    return this.#routed((redis) => redis.getBuffer(key));
  }

  /** SET with optional PX / NX / XX; true if the value was stored (false when NX or XX said no). */
  async set(key: string, value: string | Buffer, options: SetOptions = {}): Promise<boolean> {
    const args: (string | number | Buffer)[] = [key, value];
    const { ttlMs, nx, xx } = options;
    if (ttlMs !== undefined) {
      if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new TypeError(`RingCacheClient.set: ttlMs must be a positive integer, got ${ttlMs}`);
      args.push('PX', ttlMs);
    }
    if (nx && xx) throw new TypeError('RingCacheClient.set: nx and xx are mutually exclusive');
    if (nx) args.push('NX');
    if (xx) args.push('XX');
    return (await this.#routed((redis) => redis.call('SET', ...args))) === 'OK';
  }

  /** Deletes keys in any slots (one DEL per slot, concurrently; not atomic across slots); returns how many existed. */
  async del(...keys: string[]): Promise<number> {
    const counts = await Promise.all(this.#slotGroups(keys).map((group) => this.#routed((redis) => redis.del(...group.map((i) => keys[i]!)))));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Values of keys in any slots, in the caller's order (one MGET per slot, concurrently; not a snapshot across slots). */
  async mget(keys: readonly string[]): Promise<(string | null)[]> {
    const values = new Array<string | null>(keys.length);
    await Promise.all(
      this.#slotGroups(keys).map(async (group) => {
        const got = await this.#routed((redis) => redis.mget(group.map((i) => keys[i]!)));
        for (let j = 0; j < group.length; j++) values[group[j]!] = got[j] ?? null;
      }),
    );
    return values;
  }

  /** Sets keys in any slots (one MSET per slot, concurrently; not atomic across slots: on error some may be set). */
  async mset(entries: Record<string, string> | Iterable<readonly [string, string]>): Promise<void> {
    const pairs: (readonly [string, string])[] = Symbol.iterator in entries ? Array.from(entries as Iterable<readonly [string, string]>) : Object.entries(entries);
    const keys = pairs.map(([key]) => key);
    await Promise.all(
      this.#slotGroups(keys).map((group) => this.#routed((redis) => redis.mset(group.flatMap((i) => [pairs[i]![0], pairs[i]![1]])))),
    );
  }

  /** Sets a TTL in seconds; false if the key does not exist. */
  async expire(key: string, seconds: number): Promise<boolean> {
    return (await this.#routed((redis) => redis.expire(key, seconds))) === 1;
  }

  /** Remaining TTL in seconds: -1 if the key has none, -2 if it does not exist (as Redis). */
  async ttl(key: string): Promise<number> {
    return this.#routed((redis) => redis.ttl(key));
  }

  /** INCR, or INCRBY when `by` is not 1; the new value. */
  async incr(key: string, by = 1): Promise<number> {
    return this.#routed((redis) => (by === 1 ? redis.incr(key) : redis.incrby(key, by)));
  }

  /** Any command, routed by its key(s) as ioredis does; replies as ioredis decodes them. */
  async call(command: string, ...args: (string | number | Buffer)[]): Promise<unknown> {
    return this.#routed((redis) => redis.call(command, ...args));
  }

  // ---- topology ---------------------------------------------------------------------------------------------------

  /** The slot table this client routes by: ranges of slots with their owning node, and the epoch last seen. */
  slotTable(): SlotTableSnapshot {
    const ranges = rangesFromSlotArray(this.#cluster.slots, (address) => this.#nodeIds.get(address) ?? '');
    return { epoch: this.#epoch, ranges };
  }

  /**
   * Calls `listener` with the new table whenever a refresh (periodic, after MOVED, or after a push) changes the
   * routing or the epoch, and after every topology push. Returns a function that unsubscribes.
   */
  onTopology(listener: TopologyListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- internals --------------------------------------------------------------------------------------------------

  #redis(): Cluster {
    if (this.#state === 'idle' || this.#state === 'connecting') throw new Error('RingCacheClient: call connect() and wait for it first');
    return this.#cluster;
  }

  /**
   * Runs `send`, and again after a slot refresh when it fails with a redirect, up to maxRedirections times.
   * ioredis follows MOVED/ASK itself, except inside an auto-pipeline whose replies are not all the same
   * redirect (seen when slots change hands under load): it then hands the MOVED to the caller.
   */
  async #routed<T>(send: (redis: Cluster) => Promise<T>): Promise<T> {
    const redis = this.#redis();
    for (let redirects = 0; ; redirects++) {
      try {
        return await send(redis);
      } catch (err) {
        if (redirects >= this.#options.cluster.maxRedirections! || !REDIRECT.test((err as Error).message)) throw err;
        await new Promise<void>((resolve) => redis.refreshSlotsCache(() => resolve()));
      }
    }
  }

  #slotGroups(keys: readonly string[]): number[][] {
    return [...groupBySlot(keys, this.#prefix).values()];
  }

  /** Subscribes to the topology channel; a server without pub/sub only loses the push (periodic refresh remains). */
  async #subscribe(): Promise<void> {
    this.#cluster.on('message', (channel: string, message: string) => {
      if (channel === TOPOLOGY_CHANNEL) this.#onTopologyPush(message);
    });
    try {
      await this.#cluster.subscribe(TOPOLOGY_CHANNEL);
    } catch (err) {
      this.#lastError = err as Error;
    }
  }

  /** A node announced a new table: learn its epoch and node ids, then re-read CLUSTER SLOTS (ioredis applies it). */
  #onTopologyPush(text: string): void {
    const pushed = parseTopologyMessage(text);
    if (!pushed || this.#state === 'closed') return;
    this.#epoch = Math.max(this.#epoch, pushed.epoch);
    for (const { node } of pushed.ranges) {
      if (node.id) this.#nodeIds.set(natAddress(this.#options.cluster.natMap, node.host, node.port), node.id);
    }
    this.#pushPending = true;
    this.#cluster.refreshSlotsCache();
  }

  /** After ioredis refreshed its slots: learn node ids and the epoch, and tell listeners if anything changed. */
  #sync(): Promise<void> {
    this.#syncChain = this.#syncChain.then(async () => {
      if (this.#cluster.status !== 'ready') return;
      await this.#readClusterMetadata();
      const table = this.slotTable();
      if (!this.#pushPending && sameSlotTable(table, this.#notified)) return;
      this.#pushPending = false;
      this.#notified = table;
      if (this.#state !== 'ready') return;
      for (const listener of [...this.#listeners]) {
        try {
          listener(table);
        } catch (err) {
          process.emitWarning(`RingCacheClient topology listener threw: ${(err as Error).message}`);
        }
      }
    }).catch((err: Error) => {
      this.#lastError = err;
    });
    return this.#syncChain;
  }

  /** Node ids from CLUSTER SLOTS and the epoch from CLUSTER INFO, asked of the first master that answers. */
  async #readClusterMetadata(): Promise<void> {
    for (const node of this.#cluster.nodes('master')) {
      try {
        const [slots, info] = await Promise.all([node.call('CLUSTER', 'SLOTS'), node.call('CLUSTER', 'INFO')]);
        for (const range of slots as unknown[][]) {
          for (const owner of range.slice(2) as [string, number, string?][]) {
            if (owner[2]) this.#nodeIds.set(natAddress(this.#options.cluster.natMap, owner[0], owner[1]), owner[2]);
          }
        }
        const epoch = /cluster_current_epoch:(\d+)/.exec(String(info));
        if (epoch) this.#epoch = Math.max(this.#epoch, Number(epoch[1]));
        return;
      } catch (err) {
        this.#lastError = err as Error;
      }
    }
  }
}

