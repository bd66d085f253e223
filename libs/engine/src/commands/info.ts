import os from 'node:os';
import { readFileSync } from 'node:fs';
import type { CommandContext, CommandSpec } from './command.js';
import { REDIS_COMPAT_VERSION, RINGCACHE_VERSION } from './connection.js';
import { primaryLagBytes, type ReplicationHooks } from './replication-hooks.js';

/**
 * INFO, with Redis 7's sections and field names (so redis-cli, redis_exporter and client libraries that
 * parse INFO keep working). Values come from plain counters; nothing here runs on the command hot path.
 */

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 7), 'modules', 'commandstats', 'errorstats', 'cluster', 'keyspace'];

type Section = (ctx: CommandContext) => Array<[string, string | number]>;

/** Human-readable bytes as Redis prints them (bytesToHuman): 1.50M, 512B. */
export function bytesToHuman(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${units[i]}`;
}

function rssBytes(): number {
  try {
    const status = readFileSync('/proc/self/statm', 'utf8');
    return Number(status.split(' ')[1]) * 4096;
  } catch {
    return process.memoryUsage.rss();
  }
}

let peakMemory = 0;

const sections: Record<string, Section> = {
  server: (ctx) => {
    const now = Date.now();
    const uptime = Math.floor((now - ctx.server.startedAt) / 1000);
    return [
      ['redis_version', REDIS_COMPAT_VERSION],
      ['ringcache_version', RINGCACHE_VERSION],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_mode', ctx.server.clusterEnabled ? 'cluster' : 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', 64],
      ['multiplexing_api', 'epoll'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', ctx.server.runId],
      ['tcp_port', ctx.server.ports.resp],
      ['server_time_usec', Math.floor((performance.timeOrigin + performance.now()) * 1000)],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', ctx.server.config.has('hz') ? ctx.server.config.get('hz') : 10],
      ['configured_hz', ctx.server.config.has('hz') ? ctx.server.config.get('hz') : 10],
      ['executable', ctx.server.executable],
      ['config_file', ctx.server.configFile],
      ['node_version', process.version],
    ];
  },
  clients: (ctx) => {
    let maxIn = 0;
    let maxOut = 0;
    for (const c of ctx.server.clients.values()) {
      maxIn = Math.max(maxIn, c.queryBytes());
      maxOut = Math.max(maxOut, c.outputBytes());
    }
    return [
      ['connected_clients', ctx.server.clients.size],
      ['cluster_connections', 0],
      ['maxclients', ctx.server.config.has('maxclients') ? ctx.server.config.get('maxclients') : 10000],
      ['client_recent_max_input_buffer', maxIn],
      ['client_recent_max_output_buffer', maxOut],
      ['blocked_clients', ctx.server.blocking.blockedClients],
      ['tracking_clients', 0],
      ['clients_in_timeout_table', ctx.server.blocking.clientsWithTimeout],
    ];
  },
  memory: (ctx) => {
    const used = ctx.engine.usedMemory();
    const dataset = ctx.engine.datasetMemory();
    peakMemory = Math.max(peakMemory, used);
    const rss = rssBytes();
    const heap = process.memoryUsage();
    const total = os.totalmem();
    const max = ctx.engine.maxmemory;
    return [
      ['used_memory', used],
      ['used_memory_human', bytesToHuman(used)],
      ['used_memory_rss', rss],
      ['used_memory_rss_human', bytesToHuman(rss)],
      ['used_memory_peak', peakMemory],
      ['used_memory_peak_human', bytesToHuman(peakMemory)],
      ['used_memory_peak_perc', `${peakMemory === 0 ? '0.00' : ((used / peakMemory) * 100).toFixed(2)}%`],
      ['used_memory_overhead', used - dataset],
      ['used_memory_dataset', dataset],
      ['used_memory_dataset_perc', `${used === 0 ? '0.00' : ((dataset / used) * 100).toFixed(2)}%`],
      ['used_memory_heap', heap.heapUsed],
      ['used_memory_heap_total', heap.heapTotal],
      ['used_memory_external', heap.external + heap.arrayBuffers],
      ['total_system_memory', total],
      ['total_system_memory_human', bytesToHuman(total)],
      ['maxmemory', max],
      ['maxmemory_human', bytesToHuman(max)],
      ['maxmemory_policy', ctx.engine.policy.name],
      ['mem_fragmentation_ratio', used === 0 ? '0.00' : (rss / used).toFixed(2)],
      ['mem_allocator', `v8-${process.versions.v8}`],
    ];
  },
  persistence: (ctx) => {
    const hooks = ctx.server.persistence;
    return [
      ['loading', ctx.server.loading ? 1 : 0],
      ['async_loading', 0],
      ['rdb_changes_since_last_save', 0],
      ['rdb_bgsave_in_progress', 0],
      ['rdb_last_save_time', Math.floor(ctx.server.startedAt / 1000)],
      ['rdb_last_bgsave_status', 'ok'],
      ...(hooks === undefined
        ? ([['aof_enabled', 0], ['aof_rewrite_in_progress', 0], ['aof_rewrite_scheduled', 0], ['aof_last_bgrewrite_status', 'ok'], ['aof_last_write_status', 'ok']] as [string, number | string][])
        : hooks.infoFields()),
      ...(ctx.server.loading && hooks !== undefined ? hooks.loadingFields() : []),
    ];
  },
  stats: (ctx) => {
    const s = ctx.server;
    const e = ctx.engine.stats;
    return [
      ['total_connections_received', s.totalConnectionsReceived],
      ['total_commands_processed', s.totalCommandsProcessed],
      ['instantaneous_ops_per_sec', s.instantaneousOpsPerSec()],
      ['total_net_input_bytes', s.netInputBytes],
      ['total_net_output_bytes', s.netOutputBytes],
      ['rejected_connections', s.rejectedConnections],
      ['sync_full', s.replicationHooks?.syncFull ?? 0],
      ['sync_partial_ok', s.replicationHooks?.syncPartialOk ?? 0],
      ['sync_partial_err', s.replicationHooks?.syncPartialErr ?? 0],
      ['expired_keys', e.expiredKeys],
      ['evicted_keys', e.evictedKeys],
      ['evicted_clients', 0],
      ['keyspace_hits', e.keyspaceHits],
      ['keyspace_misses', e.keyspaceMisses],
      ['pubsub_channels', s.pubsub.channelCount],
      ['pubsub_patterns', s.pubsub.patternCount],
      ['total_error_replies', s.totalErrorReplies],
      ['oom_rejected_commands', e.oomRejections],
    ];
  },
  replication: (ctx) => {
    const hooks = ctx.server.replicationHooks;
    if (hooks === undefined) {
      return [
        ['role', 'master'],
        ['connected_slaves', 0],
        ['master_replid', ctx.server.runId],
        ['master_repl_offset', 0],
      ];
    }
    return replicationLines(hooks, ctx.engine.clock.now());
  },
  cpu: () => {
    const u = process.cpuUsage();
    return [
      ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
      ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ];
  },
  modules: () => [],
  errorstats: () => [],
  cluster: (ctx) => [['cluster_enabled', ctx.server.clusterEnabled ? 1 : 0]],
  commandstats: (ctx) => {
    const out: Array<[string, string]> = [];
    for (const [name, st] of ctx.server.commandStats) {
      if (st.calls === 0 && st.rejectedCalls === 0 && st.failedCalls === 0) continue;
      const perCall = st.calls === 0 ? 0 : st.usec / st.calls;
      out.push([
        `cmdstat_${name}`,
        `calls=${st.calls},usec=${Math.round(st.usec)},usec_per_call=${perCall.toFixed(2)},rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`,
      ]);
    }
    return out;
  },
  keyspace: (ctx) => {
    const out: Array<[string, string]> = [];
    const ks = ctx.keyspace;
    for (let db = 0; db < ctx.engine.databases; db++) {
      const keys = ks.size(db);
      if (keys === 0) continue;
      out.push([`db${db}`, `keys=${keys},expires=${ks.volatileCount(db)},avg_ttl=${Math.round(ks.averageTtl(db))}`]);
    }
    return out;
  },
};

/**
 * INFO replication with replication on: Redis 7.0's primary fields in its order (this node's own stream and
 * the replicas reading it), then ringcache's replica side, one `primaryN` line per member this node
 * replicates from. Redis has master_* fields for its one master; a ringcache node replicates slots of
 * several primaries at once, so each link gets a line of its own instead.
 */
export function replicationLines(hooks: ReplicationHooks, now: number): Array<[string, string | number]> {
  const replicas = hooks.replicas();
  const lines: Array<[string, string | number]> = [['role', 'master'], ['connected_slaves', replicas.length]];
  replicas.forEach((r, i) => {
    const lag = Math.max(0, Math.floor((now - r.lastAckAt) / 1000));
    lines.push([`slave${i}`, `ip=${r.host},port=${r.port},state=${r.state},offset=${r.ackOffset},lag=${lag}`]);
  });
  lines.push(
    ['master_failover_state', 'no-failover'],
    ['master_replid', hooks.replId],
    ['master_replid2', hooks.replId2],
    ['master_repl_offset', hooks.offset],
    ['second_repl_offset', hooks.secondOffset],
    ['repl_backlog_active', 1],
    ['repl_backlog_size', hooks.backlogSize],
    ['repl_backlog_first_byte_offset', hooks.backlogFirstByteOffset],
    ['repl_backlog_histlen', hooks.backlogHistlen],
    ['ringcache_slot_sync_bytes_sent', hooks.snapshotBytesSent],
  );
  hooks.primaries().forEach((p, i) => {
    const lastIo = Math.max(0, Math.floor((now - p.lastIoAt) / 1000));
    lines.push([
      `primary${i}`,
      `id=${p.id},ip=${p.host},port=${p.port},link_status=${p.linkUp ? 'up' : 'down'},last_io_seconds_ago=${lastIo},` +
        `sync_in_progress=${p.syncInProgress ? 1 : 0},offset=${p.offset},lag_bytes=${primaryLagBytes(p)},slots=${p.slots},synced_slots=${p.syncedSlots},` +
        `full_syncs=${p.fullSyncs},partial_syncs=${p.partialSyncs}`,
    ]);
  });
  return lines;
}

const TITLES: Record<string, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', modules: 'Modules', errorstats: 'Errorstats', cluster: 'Cluster',
  commandstats: 'Commandstats', keyspace: 'Keyspace',
};

/** The INFO text for the given section arguments (none = default sections). */
export function renderInfo(ctx: CommandContext, args: readonly string[]): string {
  let names: string[];
  if (args.length === 0) names = DEFAULT_SECTIONS;
  else {
    const wanted = new Set<string>();
    for (const raw of args) {
      const a = raw.toLowerCase();
      if (a === 'all' || a === 'everything') ALL_SECTIONS.forEach((s) => wanted.add(s));
      else if (a === 'default') DEFAULT_SECTIONS.forEach((s) => wanted.add(s));
      else wanted.add(a);
    }
    names = ALL_SECTIONS.filter((s) => wanted.has(s));
  }
  const parts: string[] = [];
  for (const name of names) {
    const lines = sections[name](ctx);
    parts.push(`# ${TITLES[name]}\r\n` + lines.map(([k, v]) => `${k}:${v}\r\n`).join(''));
  }
  return parts.join('\r\n');
}

function info(ctx: CommandContext, args: string[]): void {
  ctx.reply.verbatim(renderInfo(ctx, args.slice(1)));
}

export const infoCommands: readonly CommandSpec[] = [
  { name: 'info', arity: -1, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, summary: 'Returns information and statistics about the server.', categories: ['slow', 'dangerous'], handler: info },
];
