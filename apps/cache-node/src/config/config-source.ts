/**
 * Boot-time configuration sources, lowest to highest priority: defaults → config file (`--config path`,
 * redis.conf syntax) → `RINGCACHE_<NAME>` environment variables → command-line flags. Every value goes through
 * `ConfigStore.set(name, value, true)`, so a value is checked the same way whatever its source.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../../libs/engine/src/commands/params.js';

/** A setting that could not be applied at boot; `message` is the whole line printed before exit code 1. */
export class BootConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootConfigError';
  }
}

/** One `name value` pair and where it came from ("--maxmemory", "env RINGCACHE_PORT", "node.conf:12"). */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
  readonly source: string;
}

/** The parsed command line: settings in order, plus `--config` and `--help`. */
export interface ParsedFlags {
  readonly entries: ConfigEntry[];
  readonly configFile: string;
  readonly help: boolean;
}

/** `RINGCACHE_MAXMEMORY_POLICY` for `maxmemory-policy`. */
export function envName(param: string): string {
  return 'RINGCACHE_' + param.toUpperCase().replace(/-/g, '_');
}

/**
 * Parse flags: `--name value`, `--name=value`, `--config path`, `--help`/`-h`. Names are checked against the
 * known parameters here, so a typo fails before anything else is read.
 */
export function parseFlags(argv: readonly string[], store: ConfigStore): ParsedFlags {
  const entries: ConfigEntry[] = [];
  let configFile = '';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      throw new BootConfigError(`ringcache: unexpected argument "${arg}" (settings are given as --name value)`);
    }
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).toLowerCase();
    let value: string;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new BootConfigError(`ringcache: missing value for --${name}`);
      value = argv[++i];
    }
    if (name === 'config') {
      configFile = value;
      continue;
    }
    if (!store.has(name)) {
      throw new BootConfigError(`ringcache: unknown setting --${name} (ringcache node --help lists them)`);
    }
    entries.push({ name, value, source: `--${name}` });
  }
  return { entries, configFile, help };
}

/** Settings from `RINGCACHE_<NAME>` variables; other variables (even with the prefix) are left alone. */
export function envEntries(env: NodeJS.ProcessEnv, store: ConfigStore): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const spec of store.allSpecs()) {
    const key = envName(spec.name);
    const value = env[key];
    if (value !== undefined) entries.push({ name: spec.name, value, source: `env ${key}` });
  }
  return entries;
}

/**
 * Split one redis.conf line into arguments as Redis's sdssplitargs does: spaces separate, "double quotes" take
 * \n \r \t \\ \" and \xHH escapes, 'single quotes' take only \'. A closing quote must be followed by a space.
 */
export function splitConfigLine(line: string): string[] | undefined {
  const args: string[] = [];
  let i = 0;
  while (true) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) return args;
    let current = '';
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : '';
    for (;;) {
      if (i >= line.length) {
        if (quote) return undefined; // unterminated quotes
        break;
      }
      const c = line[i];
      if (!quote) {
        if (/\s/.test(c)) break;
        current += c;
        i++;
      } else if (c === quote) {
        i++;
        if (i < line.length && !/\s/.test(line[i])) return undefined; // closing quote must be followed by a space
        break;
      } else if (c === '\\' && i + 1 < line.length) {
        const n = line[i + 1];
        if (quote === "'") {
          current += n === "'" ? "'" : '\\' + n;
          i += 2;
        } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          current += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === 'b' ? '\b' : n === 'a' ? '\x07' : n;
          i += 2;
        }
      } else {
        current += c;
        i++;
      }
    }
    args.push(current);
  }
}

/**
 * Settings from a redis.conf-style file: `name value...` per line, `#` comments, blank lines. Several values on
 * one line (`save 3600 1 300 100`) are joined with single spaces, as CONFIG GET shows them.
 */
export function parseConfigFile(text: string, path: string, store: ConfigStore): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${path}:${n + 1}`;
    const args = splitConfigLine(line);
    if (args === undefined) throw new BootConfigError(`ringcache: ${where}: unbalanced quotes in configuration line`);
    const name = args[0].toLowerCase();
    if (!store.has(name)) throw new BootConfigError(`ringcache: ${where}: unknown setting "${args[0]}"`);
    if (args.length < 2) throw new BootConfigError(`ringcache: ${where}: missing value for ${name}`);
    entries.push({ name, value: args.slice(1).join(' '), source: where });
  }
  return entries;
}

/** Apply entries in order; the first bad value stops the boot with a message naming setting, value and source. */
export function applyEntries(store: ConfigStore, entries: readonly ConfigEntry[]): void {
  for (const entry of entries) {
    try {
      store.set(entry.name, entry.value, true);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const shown = store.spec(entry.name)?.sensitive ? '(hidden)' : JSON.stringify(entry.value);
      throw new BootConfigError(`ringcache: invalid value for ${entry.name} (${shown}) from ${entry.source}: ${err.message}`);
    }
  }
}

export interface LoadedConfig {
  readonly store: ConfigStore;
  /** Absolute or as-given path of the config file, "" if none. */
  readonly configFile: string;
  /** `--help` was given: print `formatHelp()` and exit 0 instead of booting. */
  readonly help: boolean;
}

/** Build the node's ConfigStore from all sources. Throws BootConfigError; `readFile` is injectable for tests. */
export function loadNodeConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): LoadedConfig {
  const store = new ConfigStore(NODE_PARAMS);
  const flags = parseFlags(argv, store);
  if (flags.help) return { store, configFile: flags.configFile, help: true };
  if (flags.configFile) {
    let text: string;
    try {
      text = readFile(flags.configFile);
    } catch (err) {
      throw new BootConfigError(`ringcache: cannot read config file ${flags.configFile}: ${(err as Error).message}`);
    }
    applyEntries(store, parseConfigFile(text, flags.configFile, store));
  }
  applyEntries(store, envEntries(env, store));
  applyEntries(store, flags.entries);
  checkPorts(store);
  return { store, configFile: flags.configFile, help: false };
}

/** The ports the node listens on; derived ports (tcp-port/http-port 0) follow the RESP port. */
export interface NodePorts {
  /** 0: RESP is off (as Redis's `port 0`). */
  readonly resp: number;
  /** -1 when the transport is disabled; 0 = a port the OS chooses. */
  readonly tcp: number;
  readonly http: number;
  /** Cluster bus (UDP); -1 outside cluster mode. */
  readonly bus: number;
}

export const TCP_PORT_OFFSET = 1000;
export const HTTP_PORT_OFFSET = 2000;
/** As Redis: the cluster bus listens on the RESP port + 10000 unless cluster-port says otherwise. */
export const BUS_PORT_OFFSET = 10000;

/**
 * Resolve `tcp-port`/`http-port` 0 to RESP port + 1000 / + 2000 (6379 → 7379, 8379). With `port 0` (RESP off)
 * there is nothing to derive from, and 0 means a port the OS chooses (the startup banner prints it).
 */
export function resolvePorts(store: ConfigStore): NodePorts {
  const resp = store.getNumber('port');
  const derive = (name: string, offset: number): number => {
    const explicit = store.getNumber(name);
    return explicit !== 0 ? explicit : resp === 0 ? 0 : resp + offset;
  };
  return {
    resp,
    tcp: store.getBool('tcp-enabled') ? derive('tcp-port', TCP_PORT_OFFSET) : -1,
    http: store.getBool('http-enabled') ? derive('http-port', HTTP_PORT_OFFSET) : -1,
    bus: store.getBool('cluster-enabled') ? derive('cluster-port', BUS_PORT_OFFSET) : -1,
  };
}

function checkPorts(store: ConfigStore): void {
  const ports = resolvePorts(store);
  if (ports.bus >= 0 && ports.resp === 0) throw new BootConfigError('ringcache: cluster mode needs a RESP port (port must not be 0 with cluster-enabled yes)');
  const named: Array<[string, number]> = [['port', ports.resp], ['tcp-port', ports.tcp], ['http-port', ports.http], ['cluster-port', ports.bus]];
  for (const [name, port] of named) {
    if (port > 65535) throw new BootConfigError(`ringcache: ${name} would be ${port} (derived from port ${ports.resp}); set --${name} explicitly`);
  }
  for (let a = 0; a < named.length; a++) {
    for (let b = a + 1; b < named.length; b++) {
      if (named[a][1] > 0 && named[a][1] === named[b][1]) {
        throw new BootConfigError(`ringcache: ${named[a][0]} and ${named[b][0]} are both ${named[a][1]}; each listener needs its own port`);
      }
    }
  }
}

/** `ringcache node --help`: every parameter with its default, from NODE_PARAMS. */
export function formatHelp(): string {
  const lines = [
    'Usage: ringcache node [--config FILE] [--NAME VALUE | --NAME=VALUE]...',
    '',
    'Settings (lowest to highest priority): defaults, the config file (redis.conf syntax),',
    'RINGCACHE_<NAME> environment variables (RINGCACHE_MAXMEMORY_POLICY), flags.',
    'Memory values accept bytes or units: 100mb, 1gb, 64m, 512kb.',
    '',
  ];
  const width = Math.max(...NODE_PARAMS.map((p) => p.name.length)) + 2;
  for (const p of NODE_PARAMS) {
    const def = p.sensitive || p.default === '' ? '' : ` (default ${p.default})`;
    const values = p.values ? ` [${p.values.join('|')}]` : '';
    lines.push(`  --${p.name.padEnd(width)}${p.help}${values}${def}`);
  }
  return lines.join('\n');
}
