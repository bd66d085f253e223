/**
 * Admin API settings, lowest to highest priority: defaults → env → flags. Flags: `--seeds host:port,...`
 * (`--nodes` is an alias), `--port 8080`, `--bind 127.0.0.1`, `--admin-token T`, `--timeout-ms 1000`
 * (`--ping-timeout-ms` is an alias). Env: RINGCACHE_ADMIN_<NAME> (RINGCACHE_ADMIN_SEEDS, RINGCACHE_ADMIN_PORT, ...),
 * except the token, read from RINGCACHE_ADMIN_TOKEN.
 */
import { parseHostPort } from '../../../libs/cluster/src/address.js';

export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

export interface AdminConfig {
  /** RESP addresses of any cluster nodes; the others are discovered from the cluster. */
  readonly seeds: readonly NodeAddress[];
  readonly port: number;
  readonly bind: string;
  /** Bearer token every route but health requires; empty: no authentication. */
  readonly adminToken: string;
  /** How long one command to a node may take before the node counts as unreachable. */
  readonly timeoutMs: number;
  readonly help: boolean;
}

export class AdminConfigError extends Error {}

export const ADMIN_HELP = `Usage: ringcache admin --seeds HOST:PORT,... [--port 8080] [--bind 127.0.0.1] [--admin-token T] [--timeout-ms 1000]
Seeds are RESP addresses of any cluster nodes (--nodes is an alias); the admin API discovers the others from the
cluster. Each setting is also read from RINGCACHE_ADMIN_<NAME> (RINGCACHE_ADMIN_SEEDS); the token from
RINGCACHE_ADMIN_TOKEN. With a token, every route but /health/* and /cluster/health needs "Authorization: Bearer T".
Routes: GET /cluster, /cluster/health, /health/live, /health/ready, /keys, /keys/:key, GET/PUT/DELETE /cache/:key,
/metrics, /docs (OpenAPI at /docs/openapi.json).`;

const NAMES = ['seeds', 'port', 'bind', 'admin-token', 'timeout-ms'] as const;
type Name = (typeof NAMES)[number];
const ALIASES: Record<string, Name> = { nodes: 'seeds', 'ping-timeout-ms': 'timeout-ms' };
const ENV_NAMES: Record<Name, readonly string[]> = {
  seeds: ['RINGCACHE_ADMIN_NODES', 'RINGCACHE_ADMIN_SEEDS'],
  port: ['RINGCACHE_ADMIN_PORT'],
  bind: ['RINGCACHE_ADMIN_BIND'],
  'admin-token': ['RINGCACHE_ADMIN_TOKEN'],
  'timeout-ms': ['RINGCACHE_ADMIN_PING_TIMEOUT_MS', 'RINGCACHE_ADMIN_TIMEOUT_MS'],
};

export function parseAddresses(text: string, source: string): NodeAddress[] {
  const addresses = text.split(',').map((s) => s.trim()).filter(Boolean).map((addr) => {
    const address = parseHostPort(addr);
    if (address === undefined) throw new AdminConfigError(`ringcache admin: invalid node address "${addr}" from ${source} (want host:port)`);
    return address;
  });
  if (addresses.length === 0) throw new AdminConfigError(`ringcache admin: no seed address in ${source}`);
  return addresses;
}

function parseInteger(name: string, text: string, source: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new AdminConfigError(`ringcache admin: invalid value for ${name} ("${text}") from ${source}: must be an integer between ${min} and ${max}`);
  }
  return n;
}

export function loadAdminConfig(argv: readonly string[], env: NodeJS.ProcessEnv): AdminConfig {
  const raw = new Map<Name, [string, string]>([
    ['seeds', ['127.0.0.1:6379', 'default']],
    ['port', ['8080', 'default']],
    ['bind', ['127.0.0.1', 'default']],
    ['admin-token', ['', 'default']],
    ['timeout-ms', ['1000', 'default']],
  ]);
  for (const name of NAMES) {
    for (const key of ENV_NAMES[name]) if (env[key] !== undefined) raw.set(name, [env[key]!, `env ${key}`]);
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const given = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).toLowerCase();
    const name = ALIASES[given] ?? (given as Name);
    if (!arg.startsWith('--') || !NAMES.includes(name)) throw new AdminConfigError(`ringcache admin: unknown argument "${arg}"`);
    if (eq < 0 && i + 1 >= argv.length) throw new AdminConfigError(`ringcache admin: missing value for --${given}`);
    raw.set(name, [eq < 0 ? argv[++i] : arg.slice(eq + 1), `--${given}`]);
  }
  const [seeds, seedsSource] = raw.get('seeds')!;
  const [port, portSource] = raw.get('port')!;
  const [timeout, timeoutSource] = raw.get('timeout-ms')!;
  return {
    seeds: parseAddresses(seeds, seedsSource),
    port: parseInteger('port', port, portSource, 0, 65535),
    bind: raw.get('bind')![0],
    adminToken: raw.get('admin-token')![0],
    timeoutMs: parseInteger('timeout-ms', timeout, timeoutSource, 1, 60_000),
    help,
  };
}

/** Nest injection token of the AdminConfig. */
export const ADMIN_CONFIG = Symbol('ADMIN_CONFIG');
