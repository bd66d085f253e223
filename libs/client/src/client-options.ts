/** Options of RingCacheClient, each documented here, and their validation into the ioredis Cluster options they map to. */
import type { ClusterOptions, NatMap } from 'ioredis';

/** A RESP address: `"host:port"` (IPv6 as `"[::1]:7001"`) or `{ host, port }`. */
export type SeedAddress = string | { host: string; port: number };

export interface RingCacheClientOptions {
  /** RESP addresses of some cluster nodes (not bus ports); any one that answers is enough to load the slot table. */
  seeds: readonly SeedAddress[];
  /** Sent with AUTH on every node connection. */
  password?: string;
  /** Sent with AUTH (ACL user) together with `password`. */
  username?: string;
  /** How long `connect()` waits for some seed to answer with a usable slot table. Default 5000. */
  connectTimeoutMs?: number;
  /** A command that gets no reply within this many ms rejects with a timeout error. Default: no timeout. */
  commandTimeoutMs?: number;
  /** How many MOVED/ASK redirections one command may follow before it fails. Default 16, as Redis clients. */
  maxRedirections?: number;
  /** Period of the background slot-table refresh (CLUSTER SLOTS); 0 turns it off. Default 5000. */
  topologyRefreshMs?: number;
  /** Subscribe to `__ringcache__:topology` and refresh as soon as a node announces a new epoch. Default true. */
  subscribeTopology?: boolean;
  /** Prepended to every key (slots are computed on the prefixed key, as the server sees it). */
  keyPrefix?: string;
  /** Maps the addresses nodes announce to ones this client can reach (ioredis `natMap`: `"host:port"` → address). */
  natMap?: NatMap;
}

/** The pub/sub channel on which ringcache nodes publish each new slot table (libs/cluster's topology push). */
export { TOPOLOGY_CHANNEL } from '../../cluster/src/topology-push.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_TOPOLOGY_REFRESH_MS = 5000;
export const DEFAULT_MAX_REDIRECTIONS = 16;

/** Validated options: seeds parsed, defaults filled in. */
export interface ResolvedClientOptions {
  readonly seeds: readonly { host: string; port: number }[];
  readonly connectTimeoutMs: number;
  readonly subscribeTopology: boolean;
  /** What the ioredis Cluster is built with. */
  readonly cluster: ClusterOptions;
}

function fail(message: string): never {
  throw new TypeError(`RingCacheClient options: ${message}`);
}

function checkPort(port: unknown, seed: string): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) fail(`seed ${seed}: port must be an integer in 1..65535`);
  return port;
}

/** Parses `"host:port"`, `"[ipv6]:port"` or `{ host, port }`. */
export function parseSeed(seed: SeedAddress): { host: string; port: number } {
  if (typeof seed === 'object' && seed !== null) {
    if (typeof seed.host !== 'string' || seed.host === '') fail(`seed ${JSON.stringify(seed)}: host must be a non-empty string`);
    return { host: seed.host, port: checkPort(seed.port, JSON.stringify(seed)) };
  }
  if (typeof seed !== 'string') fail(`seed ${String(seed)}: expected "host:port" or { host, port }`);
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(seed);
  if (!match) fail(`seed "${seed}": expected "host:port"`);
  return { host: (match[1] ?? match[2])!, port: checkPort(Number(match[3]), `"${seed}"`) };
}

function optionalMs(name: string, value: number | undefined, fallback: number | undefined, allowZero: boolean): number | undefined {
  if (value === undefined) return fallback;
  const min = allowZero ? 0 : 1;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(`${name} must be a number >= ${min} (ms), got ${String(value)}`);
  return value;
}

/** Checks every option (throws a TypeError naming the bad one) and maps them onto ioredis Cluster options. */
export function resolveClientOptions(options: RingCacheClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) fail('expected an object');
  if (!Array.isArray(options.seeds) || options.seeds.length === 0) fail('seeds must be a non-empty array of "host:port" addresses');
  const seeds = options.seeds.map(parseSeed);
  const connectTimeoutMs = optionalMs('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, false)!;
  const commandTimeoutMs = optionalMs('commandTimeoutMs', options.commandTimeoutMs, undefined, false);
  const topologyRefreshMs = optionalMs('topologyRefreshMs', options.topologyRefreshMs, DEFAULT_TOPOLOGY_REFRESH_MS, true)!;
  const maxRedirections = options.maxRedirections ?? DEFAULT_MAX_REDIRECTIONS;
  if (!Number.isInteger(maxRedirections) || maxRedirections < 0) fail(`maxRedirections must be an integer >= 0, got ${String(maxRedirections)}`);
  if (options.subscribeTopology !== undefined && typeof options.subscribeTopology !== 'boolean') fail('subscribeTopology must be a boolean');
  for (const name of ['password', 'username', 'keyPrefix'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') fail(`${name} must be a string`);
  }
  if (options.natMap !== undefined && typeof options.natMap !== 'object' && typeof options.natMap !== 'function') fail('natMap must be an object or a function');
  return {
    seeds,
    connectTimeoutMs,
    subscribeTopology: options.subscribeTopology ?? true,
    cluster: {
      lazyConnect: true,
      enableAutoPipelining: true,
      maxRedirections,
      // ioredis treats 0 as "no timer"; a negative interval would spin.
      slotsRefreshInterval: topologyRefreshMs,
      slotsRefreshTimeout: Math.min(connectTimeoutMs, 2000),
      keyPrefix: options.keyPrefix,
      natMap: options.natMap,
      redisOptions: {
        password: options.password,
        username: options.username,
        connectTimeout: connectTimeoutMs,
        // How long a closing socket may linger before it is destroyed (ioredis default 2000).
        disconnectTimeout: Math.min(connectTimeoutMs, 2000),
        commandTimeout: commandTimeoutMs,
      },
    },
  };
}
