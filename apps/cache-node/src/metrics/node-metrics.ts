/**
 * The ringcache_* metrics, named as redis_exporter names them. Every value is read at scrape time from the
 * plain counters the hot path bumps (ServerState, EngineStats, the keyspace) through prom-client collect()
 * callbacks: nothing here runs per command. Never a key as a label.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import type { Engine } from '../../../../libs/engine/src/engine.js';
import { primaryLagBytes, primaryLagSeconds, type ReplicationHooks } from '../../../../libs/engine/src/commands/replication-hooks.js';
import { LatencyHistogram } from './latency-histogram.js';

export const METRIC_PREFIX = 'ringcache_';

/** Register every ringcache_ metric on `registry`; returns a function that removes them again. */
export function registerNodeMetrics(registry: Registry, engine: Engine, server: ServerState): () => void {
  const names: string[] = [];
  const registers = [registry];

  function gauge(name: string, help: string, read: () => number): void {
    names.push(METRIC_PREFIX + name);
    new Gauge({ name: METRIC_PREFIX + name, help, registers, collect() { this.set(read()); } });
  }
  function counter(name: string, help: string, read: () => number): void {
    names.push(METRIC_PREFIX + name);
    new Counter({ name: METRIC_PREFIX + name, help, registers, collect() { this.reset(); this.inc(read()); } });
  }
  /** One series per command name from INFO commandstats. */
  function perCommand(name: string, help: string, read: (s: { calls: number; usec: number; rejectedCalls: number; failedCalls: number }) => number): void {
    names.push(METRIC_PREFIX + name);
    new Counter({
      name: METRIC_PREFIX + name, help, labelNames: ['cmd'], registers,
      collect() {
        this.reset();
        for (const [cmd, stats] of server.commandStats) this.labels(cmd).inc(read(stats));
      },
    });
  }
  /** One series per non-empty database, db0 always (as INFO keyspace lists them). */
  function perDb(name: string, help: string, read: (db: number) => number): void {
    names.push(METRIC_PREFIX + name);
    new Gauge({
      name: METRIC_PREFIX + name, help, labelNames: ['db'], registers,
      collect() {
        this.reset();
        for (let db = 0; db < engine.databases; db++) {
          const size = engine.keyspace.size(db);
          if (size > 0 || db === 0) this.labels(`db${db}`).set(read(db));
        }
      },
    });
  }

  /**
   * One series per replication link, labelled `label`="host:port" of the node at its other end; none while
   * replication is off (the hooks are read at each scrape: the runtime may start after registration).
   */
  function perLink<T extends { readonly host: string; readonly port: number }>(
    name: string, help: string, label: string, links: (hooks: ReplicationHooks) => readonly T[], read: (link: T, hooks: ReplicationHooks) => number,
  ): void {
    names.push(METRIC_PREFIX + name);
    new Gauge({
      name: METRIC_PREFIX + name, help, labelNames: [label], registers,
      collect() {
        this.reset();
        const hooks = server.replicationHooks;
        if (hooks === undefined) return;
        for (const link of links(hooks)) this.labels(`${link.host}:${link.port}`).set(read(link, hooks));
      },
    });
  }

  perCommand('commands_total', 'Calls per command', (s) => s.calls);
  perCommand('commands_duration_seconds_total', 'Time spent per command, in seconds', (s) => s.usec / 1e6);
  perCommand('commands_failed_calls_total', 'Calls per command that ran and replied with an error', (s) => s.failedCalls);
  perCommand('commands_rejected_calls_total', 'Calls per command refused before running (arity, auth, OOM)', (s) => s.rejectedCalls);
  counter('commands_processed_total', 'Commands processed', () => server.totalCommandsProcessed);
  counter('keyspace_hits_total', 'Successful key lookups', () => engine.stats.keyspaceHits);
  counter('keyspace_misses_total', 'Failed key lookups', () => engine.stats.keyspaceMisses);
  counter('expired_keys_total', 'Keys deleted because their TTL passed', () => engine.stats.expiredKeys);
  counter('evicted_keys_total', 'Keys evicted to stay under maxmemory', () => engine.stats.evictedKeys);
  counter('connections_received_total', 'RESP connections accepted', () => server.totalConnectionsReceived);
  counter('rejected_connections_total', 'RESP connections refused (maxclients)', () => server.rejectedConnections);
  counter('errors_total', 'Error replies', () => server.totalErrorReplies);
  counter('net_input_bytes_total', 'Bytes read from RESP clients', () => server.netInputBytes);
  counter('net_output_bytes_total', 'Bytes written to RESP clients', () => server.netOutputBytes);
  perDb('db_keys', 'Keys per database', (db) => engine.keyspace.size(db));
  perDb('db_keys_expiring', 'Keys with a TTL per database', (db) => engine.keyspace.volatileCount(db));
  gauge('memory_used_bytes', 'Memory used by the dataset and client buffers, as INFO used_memory', () => engine.usedMemory());
  gauge('memory_max_bytes', 'maxmemory (0 = no limit)', () => engine.maxmemory);
  gauge('connected_clients', 'Connected RESP clients', () => server.clients.size);
  gauge('uptime_in_seconds', 'Seconds since the node started', () => Math.floor((Date.now() - server.startedAt) / 1000));
  gauge('start_time_seconds', 'Unix time the node started, in seconds', () => server.startedAt / 1000);
  gauge('connected_slaves', 'Replicas reading this node\'s replication stream, as INFO connected_slaves', () => server.replicationHooks?.replicas().length ?? 0);
  gauge('master_repl_offset', 'Bytes written to this node\'s replication stream, as INFO master_repl_offset', () => server.replicationHooks?.offset ?? 0);
  perLink('replication_lag_bytes', 'Bytes a primary has sent or announced that this node has not applied yet', 'primary', (h) => h.primaries(), (link) => primaryLagBytes(link));
  perLink(
    'replication_lag_seconds',
    'Seconds since the last byte from a primary while this node is behind it (lag bytes > 0), else 0',
    'primary', (h) => h.primaries(), (link) => primaryLagSeconds(link, engine.clock.now()),
  );
  // The append-only file, from its INFO persistence fields (read at scrape time).
  const aof = (field: string): number => {
    const value = server.persistence?.infoFields().find(([name]) => name === field)?.[1];
    return value === 'ok' ? 1 : value === 'err' ? 0 : Number(value ?? 0);
  };
  gauge('loading_dump_file', 'Whether the node is loading its append-only file (1) or not (0)', () => (server.loading ? 1 : 0));
  gauge('aof_enabled', 'Whether the append-only file is on, as INFO aof_enabled', () => aof('aof_enabled'));
  gauge('aof_rewrite_in_progress', 'Whether an AOF rewrite is running, as INFO aof_rewrite_in_progress', () => aof('aof_rewrite_in_progress'));
  gauge('aof_last_write_status', 'Last AOF write: 1 ok, 0 failed (writes are then refused with MISCONF)', () => aof('aof_last_write_status'));
  gauge('aof_last_bgrewrite_status', 'Last AOF rewrite: 1 ok, 0 failed', () => aof('aof_last_bgrewrite_status'));
  gauge('aof_current_size_bytes', 'Size of the append-only file, as INFO aof_current_size', () => aof('aof_current_size'));
  gauge('aof_buffer_length_bytes', 'Bytes of writes buffered for the AOF, as INFO aof_buffer_length', () => aof('aof_buffer_length'));
  counter('aof_rewrites_total', 'AOF rewrites completed, as INFO aof_rewrites', () => aof('aof_rewrites'));
  counter('aof_delayed_fsync_total', 'everysec fsyncs that waited for a previous one over 2 s, then blocked, as INFO aof_delayed_fsync', () => aof('aof_delayed_fsync'));
  perLink('replica_ack_lag_bytes', 'This node\'s replication offset minus what a replica last acknowledged', 'replica', (h) => h.replicas(), (r, h) => h.offset - r.ackOffset);

  const latency = new LatencyHistogram(METRIC_PREFIX + 'command_latency_seconds', server);
  latency.register(registry);
  names.push(latency.name);

  return () => {
    for (const name of names) registry.removeSingleMetric(name);
  };
}
