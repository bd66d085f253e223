import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { createCommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../../libs/engine/src/commands/params.js';
import { LATENCY_BUCKETS_US, ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { FakeClock } from '../../../../libs/engine/src/clock.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import type { ReplicationHooks } from '../../../../libs/engine/src/commands/replication-hooks.js';
import { registerNodeMetrics } from './node-metrics.js';

function setup() {
  const engine = new Engine({ clock: new FakeClock() });
  const server = new ServerState(new ConfigStore(NODE_PARAMS));
  const executor = new CommandExecutor(createCommandTable(), engine, server);
  const registry = new Registry();
  const unregister = registerNodeMetrics(registry, engine, server);
  return { engine, server, executor, registry, unregister };
}

describe('ringcache_ metrics', () => {
  it('reads the counters at scrape time', async () => {
    const { executor, registry, engine } = setup();
    executor.call(['SET', 'a', '1']);
    executor.call(['SET', 'b', '2', 'PX', '1000'], 3);
    executor.call(['GET', 'a']);
    executor.call(['GET', 'zz']);
    executor.call(['INCR', 'a']);
    executor.call(['INCR', 'b'], 3);
    executor.call(['NOSUCH']);
    engine.stats.evictedKeys = 7;
    const text = await registry.metrics();
    expect(text).toMatch(/^ringcache_commands_total\{cmd="set"\} 2$/m);
    expect(text).toMatch(/^ringcache_commands_total\{cmd="get"\} 2$/m);
    expect(text).toMatch(/^ringcache_keyspace_hits_total 1$/m);
    expect(text).toMatch(/^ringcache_keyspace_misses_total 1$/m);
    expect(text).toMatch(/^ringcache_evicted_keys_total 7$/m);
    expect(text).toMatch(/^ringcache_db_keys\{db="db0"\} 1$/m);
    expect(text).toMatch(/^ringcache_db_keys\{db="db3"\} 1$/m);
    expect(text).toMatch(/^ringcache_db_keys_expiring\{db="db3"\} 1$/m);
    expect(text).toMatch(/^ringcache_db_keys_expiring\{db="db0"\} 0$/m);
    expect(text).not.toMatch(/db="db1"/);
    expect(text).toMatch(/^ringcache_memory_used_bytes [1-9]\d*$/m);
    expect(text).toMatch(/^ringcache_memory_max_bytes 0$/m);
    expect(text).toMatch(/^ringcache_commands_processed_total [1-9]/m);
    expect(text).toMatch(/^# TYPE ringcache_commands_total counter$/m);
  });

  it('follows the counters between scrapes, and after CONFIG RESETSTAT', async () => {
    const { executor, registry } = setup();
    executor.call(['GET', 'x']);
    expect(await registry.metrics()).toMatch(/^ringcache_keyspace_misses_total 1$/m);
    executor.call(['GET', 'x']);
    expect(await registry.metrics()).toMatch(/^ringcache_keyspace_misses_total 2$/m);
    executor.call(['CONFIG', 'RESETSTAT']);
    expect(await registry.metrics()).toMatch(/^ringcache_keyspace_misses_total 0$/m);
  });

  it('renders command latency as a cumulative Prometheus histogram', async () => {
    const { server, registry } = setup();
    server.latencyBuckets.fill(0);
    server.latencyBuckets[0] = 3; // ≤ 10 µs
    server.latencyBuckets[2] = 2; // ≤ 50 µs
    server.latencyBuckets[LATENCY_BUCKETS_US.length] = 1; // > 100 ms
    server.latencySumUs = 200_100;
    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE ringcache_command_latency_seconds histogram$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="0.00001"\} 3$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="0.000025"\} 3$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="0.00005"\} 5$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="0.1"\} 5$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="\+Inf"\} 6$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_sum 0.2001$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_count 6$/m);
  });

  it('reads replication from the hooks at scrape time: offsets, lag per primary and per replica', async () => {
    const { server, engine, registry } = setup();
    const clock = engine.clock as FakeClock;
    expect(await registry.metrics()).toMatch(/^ringcache_connected_slaves 0$/m);
    expect(await registry.metrics()).not.toMatch(/^ringcache_replication_lag_bytes\{/m);
    const now = clock.now();
    const link = { id: 'b'.repeat(40), linkUp: true, syncInProgress: false, replId: 'c'.repeat(40), slots: 10, syncedSlots: 10, fullSyncs: 1, partialSyncs: 0 };
    const hooks: ReplicationHooks = {
      replicasPerSlot: 1, replId: 'a'.repeat(40), replId2: '0'.repeat(40), offset: 5000, secondOffset: -1,
      backlogSize: 1 << 20, backlogFirstByteOffset: 1, backlogHistlen: 5000, snapshotBytesSent: 0, syncFull: 0, syncPartialOk: 0, syncPartialErr: 0, lastWriteSlot: 0,
      replicas: () => [{ id: 'r', host: '10.0.0.2', port: 7001, state: 'online', ackOffset: 4200, lastAckAt: now, slots: 10 }],
      primaries: () => [
        { ...link, host: '10.0.0.3', port: 7003, lastIoAt: now - 2500, offset: 900, primaryOffset: 1000 },
        { ...link, host: '10.0.0.4', port: 7004, lastIoAt: now - 60_000, offset: 300, primaryOffset: 300 }, // idle, not behind
      ],
      ackedCount: () => 0, replicaCount: () => 1, requestAcks: () => undefined, onAck: () => () => undefined, replicates: () => false,
    };
    server.replicationHooks = hooks;
    const text = await registry.metrics();
    expect(text).toMatch(/^ringcache_connected_slaves 1$/m);
    expect(text).toMatch(/^ringcache_master_repl_offset 5000$/m);
    expect(text).toMatch(/^ringcache_replication_lag_bytes\{primary="10.0.0.3:7003"\} 100$/m);
    expect(text).toMatch(/^ringcache_replication_lag_bytes\{primary="10.0.0.4:7004"\} 0$/m);
    expect(text).toMatch(/^ringcache_replication_lag_seconds\{primary="10.0.0.3:7003"\} 2.5$/m);
    expect(text).toMatch(/^ringcache_replication_lag_seconds\{primary="10.0.0.4:7004"\} 0$/m);
    expect(text).toMatch(/^ringcache_replica_ack_lag_bytes\{replica="10.0.0.2:7001"\} 800$/m);
    clock.advance(1000);
    expect(await registry.metrics()).toMatch(/^ringcache_replication_lag_seconds\{primary="10.0.0.3:7003"\} 3.5$/m);
    server.replicationHooks = undefined;
    expect(await registry.metrics()).not.toMatch(/^ringcache_replica_ack_lag_bytes\{/m);
  });

  it('unregisters everything it registered', async () => {
    const { registry, unregister } = setup();
    unregister();
    expect(await registry.metrics()).toBe('\n');
  });
});
