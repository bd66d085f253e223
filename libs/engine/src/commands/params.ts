import { parseHostPort } from '../../../cluster/src/address.js';
import type { ParamSpec } from './config-store.js';
import type { EvictionPolicyName } from '../eviction/policy.js';

/** The policies in the order Redis lists them in its CONFIG SET error, so the message matches byte for byte. */
const POLICIES_IN_REDIS_ORDER: readonly EvictionPolicyName[] = [
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
];

/** `seeds`: comma-separated host:port pairs. */
function validateSeeds(value: string): string | undefined {
  if (value === '') return undefined;
  for (const seed of value.split(',')) {
    if (parseHostPort(seed) === undefined) return `seed "${seed}" is not host:port`;
  }
  return undefined;
}

/** Every parameter a node understands, named as redis.conf names it. docs/configuration.md mirrors this list. */
export const NODE_PARAMS: readonly ParamSpec[] = [
  { name: 'port', kind: 'integer', default: '6379', mutable: false, min: 0, max: 65535, help: 'RESP port (0 disables RESP)' },
  { name: 'bind', kind: 'string', default: '127.0.0.1', mutable: false, help: 'Address the RESP, TCP and HTTP listeners bind to' },
  { name: 'tcp-port', kind: 'integer', default: '0', mutable: false, min: 0, max: 65535, help: 'Nest TCP microservice port (0: RESP port + 1000, -1 is not allowed; use tcp-enabled no to turn it off)' },
  { name: 'tcp-enabled', kind: 'bool', default: 'yes', mutable: false, help: 'Serve the Nest TCP microservice transport' },
  { name: 'http-port', kind: 'integer', default: '0', mutable: false, min: 0, max: 65535, help: 'HTTP port for /cache, /health and /metrics (0: RESP port + 2000)' },
  { name: 'http-enabled', kind: 'bool', default: 'yes', mutable: false, help: 'Serve the HTTP API' },
  { name: 'databases', kind: 'integer', default: '16', mutable: false, min: 1, max: 256, help: 'Number of databases (SELECT 0..N-1)' },
  { name: 'maxmemory', kind: 'memory', default: '0', mutable: true, help: 'Memory limit for the dataset (bytes, or 100mb, 1gb); 0 = no limit' },
  { name: 'maxmemory-policy', kind: 'enum', default: 'noeviction', mutable: true, values: POLICIES_IN_REDIS_ORDER, help: 'What to do when maxmemory is reached' },
  { name: 'maxmemory-samples', kind: 'integer', default: '5', mutable: true, min: 1, max: 64, help: 'Keys sampled per eviction by the sampled policies (LFU, volatile-ttl)' },
  { name: 'lfu-log-factor', kind: 'integer', default: '10', mutable: true, min: 0, max: 1000000, help: 'LFU counter logarithm factor' },
  { name: 'lfu-decay-time', kind: 'integer', default: '1', mutable: true, min: 0, max: 1000000, help: 'Minutes of idleness that take one point off a key\'s LFU counter' },
  { name: 'requirepass', kind: 'string', default: '', mutable: true, sensitive: true, help: 'Password clients must AUTH with ("" = none)' },
  { name: 'maxclients', kind: 'integer', default: '10000', mutable: true, min: 1, max: 1000000, help: 'Maximum connected RESP clients' },
  { name: 'timeout', kind: 'integer', default: '0', mutable: true, min: 0, max: 2147483647, help: 'Close a RESP client idle this many seconds (0 = never)' },
  { name: 'proto-max-bulk-len', kind: 'memory', default: '536870912', mutable: true, help: 'Largest bulk string a client may send' },
  { name: 'client-query-buffer-limit', kind: 'memory', default: '1073741824', mutable: true, help: 'Largest unparsed input buffered per client' },
  { name: 'client-output-buffer-limit', kind: 'string', default: 'normal 0 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60', mutable: true, help: 'Output buffer limits per client class: normal (hard limit bytes, 0 = none) and pubsub (hard, soft bytes and soft seconds); replica is kept for later' },
  { name: 'hz', kind: 'integer', default: '10', mutable: true, min: 1, max: 500, help: 'Background task frequency (active expiry runs hz times a second)' },
  { name: 'active-expire-effort', kind: 'integer', default: '1', mutable: true, min: 1, max: 10, help: 'Effort of the active expiry cycle' },
  { name: 'appendonly', kind: 'bool', default: 'no', mutable: true, help: 'Append-only file: log every write to <dir>/<appendfilename> and replay it at start (CONFIG SET yes writes the file from the current keyspace first)' },
  { name: 'appendfsync', kind: 'enum', default: 'everysec', mutable: true, values: ['always', 'everysec', 'no'], help: 'AOF fsync: always (before each reply), everysec (in the background once a second), no (left to the OS); every mode writes before replying' },
  { name: 'appendfilename', kind: 'string', default: 'appendonly.aof', mutable: false, help: 'Name of the append-only file in dir', validate: (v) => (v === '' || v.includes('/') ? 'appendfilename must be a file name, without a path' : undefined) },
  { name: 'auto-aof-rewrite-percentage', kind: 'integer', default: '100', mutable: true, min: 0, max: 2147483647, help: 'Rewrite the AOF when it has grown by this percentage over its size after the last rewrite (0 = never)' },
  { name: 'auto-aof-rewrite-min-size', kind: 'memory', default: '67108864', mutable: true, help: 'No automatic AOF rewrite below this file size' },
  { name: 'aof-load-truncated', kind: 'bool', default: 'yes', mutable: true, help: 'Load an AOF whose last command was cut by a crash (dropping and truncating it); no = refuse to start' },
  { name: 'save', kind: 'save', default: '', mutable: true, help: 'RDB snapshot points: ringcache has no RDB snapshots, so only "" is accepted', validate: (v) => (v === '' ? undefined : 'ringcache has no RDB snapshots; save must be ""') },
  { name: 'dir', kind: 'string', default: '.', mutable: false, help: 'Working directory for persistence files (the append-only file, its rewrite\'s temp file, the cluster config file)' },
  { name: 'loglevel', kind: 'enum', default: 'notice', mutable: true, values: ['debug', 'verbose', 'notice', 'warning', 'nothing'], help: 'Log verbosity' },
  { name: 'cluster-enabled', kind: 'bool', default: 'no', mutable: false, help: 'Cluster mode: hash slots on a consistent-hash ring, gossip membership, MOVED redirects (database 0 only)' },
  { name: 'cluster-port', kind: 'integer', default: '0', mutable: false, min: 0, max: 65535, help: 'Cluster bus (UDP gossip) port (0: RESP port + 10000, as Redis)' },
  { name: 'seeds', kind: 'string', default: '', mutable: false, help: 'Cluster bus addresses of members to join through: host:busport,host:busport ("" = start a new cluster)', validate: validateSeeds },
  { name: 'cluster-announce-ip', kind: 'string', default: '', mutable: false, help: 'Host other members and clients reach this node at (MOVED, CLUSTER SLOTS); "" = bind, or 127.0.0.1 when bind is 0.0.0.0' },
  { name: 'cluster-node-timeout', kind: 'integer', default: '5000', mutable: false, min: 2000, max: 600000, help: 'About how long (ms) after a member stops answering it is declared failed and loses its slots: suspected at its first missed probe, failed if that is not refuted within this minus 1 s' },
  { name: 'cluster-config-file', kind: 'string', default: 'nodes.conf', mutable: false, help: 'File in dir where a cluster member with appendonly yes saves the ring it belongs to (members, epoch) at each change, for a whole-cluster restart from the members\' append-only files', validate: (v) => (v === '' || v.includes('/') ? 'cluster-config-file must be a file name, without a path' : undefined) },
  { name: 'cluster-restore-timeout', kind: 'integer', default: '30000', mutable: false, min: 0, max: 3600000, help: 'At a whole-cluster restart, how long (ms) a member restoring its slots from its append-only file waits for the other members of its saved ring before it serves without them' },
  { name: 'cluster-allow-reads-when-down', kind: 'bool', default: 'no', mutable: false, help: 'Serve reads while this node cannot reach a majority (writes are refused with CLUSTERDOWN either way)' },
  { name: 'cluster-virtual-points', kind: 'integer', default: '160', mutable: false, min: 150, max: 4096, help: 'Virtual points per member on the hash ring; must be equal on every member' },
  { name: 'replicas', kind: 'integer', default: '1', mutable: false, min: 0, max: 2, help: 'Copies of each slot on other members (cluster mode): the next members on the ring, promoted when the primary fails; must be equal on every member' },
  { name: 'repl-backlog-size', kind: 'memory', default: '1mb', mutable: true, min: 16384, max: 1099511627776, help: 'Bytes of recent writes kept so a replica that lost its link resumes (partial resync) instead of copying its slots again' },
  { name: 'repl-timeout', kind: 'integer', default: '60', mutable: true, min: 1, max: 3600, help: 'Seconds without a word on a replication link (no ACK at the primary, no byte at the replica) before it is dropped; the replica then resyncs' },
  { name: 'slot-sync-paused', kind: 'bool', default: 'no', mutable: true, help: 'Pause sending slot snapshots to replicas and joining members (rebalancing); the writes of slots already copied still stream' },
  { name: 'slot-sync-rate', kind: 'memory', default: '0', mutable: true, help: 'Most bytes per second of slot snapshots this node sends (rebalancing and replica syncs), 0 = no limit' },
];
