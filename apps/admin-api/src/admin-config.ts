/**
 * Admin API settings, lowest to highest priority: defaults → RINGCACHE_ADMIN_<NAME> env → flags
 * (`--nodes 127.0.0.1:6379,127.0.0.1:6380`, `--port 8080`, `--bind`, `--ping-timeout-ms`).
 */
export interface AdminConfig {
  /** RESP addresses of the nodes to watch. */
  readonly nodes: ReadonlyArray<{ host: string; port: number }>;
  readonly port: number;
  readonly bind: string;
  readonly pingTimeoutMs: number;
  readonly help: boolean;
}

export class AdminConfigError extends Error {}

export const ADMIN_HELP = `Usage: ringcache admin [--nodes HOST:PORT,...] [--port 8080] [--bind 127.0.0.1] [--ping-timeout-ms 1000]
Each setting is also read from RINGCACHE_ADMIN_<NAME> (RINGCACHE_ADMIN_NODES). Serves GET /cluster/health
(200 if every node answers PING on its RESP port, 503 otherwise) and GET /metrics.`;

const NAMES = ['nodes', 'port', 'bind', 'ping-timeout-ms'] as const;
type Name = (typeof NAMES)[number];

function parseNodes(text: string, source: string): Array<{ host: string; port: number }> {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((addr) => {
    const colon = addr.lastIndexOf(':');
    const port = Number(addr.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new AdminConfigError(`ringcache admin: invalid node address "${addr}" from ${source} (want host:port)`);
    }
    return { host: addr.slice(0, colon), port };
  });
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
    ['nodes', ['127.0.0.1:6379', 'default']],
    ['port', ['8080', 'default']],
    ['bind', ['127.0.0.1', 'default']],
    ['ping-timeout-ms', ['1000', 'default']],
  ]);
  for (const name of NAMES) {
    const key = 'RINGCACHE_ADMIN_' + name.toUpperCase().replace(/-/g, '_');
    if (env[key] !== undefined) raw.set(name, [env[key]!, `env ${key}`]);
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).toLowerCase() as Name;
    if (!arg.startsWith('--') || !NAMES.includes(name)) throw new AdminConfigError(`ringcache admin: unknown argument "${arg}"`);
    if (eq < 0 && i + 1 >= argv.length) throw new AdminConfigError(`ringcache admin: missing value for --${name}`);
    raw.set(name, [eq < 0 ? argv[++i] : arg.slice(eq + 1), `--${name}`]);
  }
  const [nodes, nodesSource] = raw.get('nodes')!;
  const [port, portSource] = raw.get('port')!;
  const [timeout, timeoutSource] = raw.get('ping-timeout-ms')!;
  return {
    nodes: parseNodes(nodes, nodesSource),
    port: parseInteger('port', port, portSource, 0, 65535),
    bind: raw.get('bind')![0],
    pingTimeoutMs: parseInteger('ping-timeout-ms', timeout, timeoutSource, 1, 60_000),
    help,
  };
}
