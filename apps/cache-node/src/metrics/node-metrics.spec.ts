import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { createCommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../../libs/engine/src/commands/params.js';
import { LATENCY_BUCKETS_US, ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { FakeClock } from '../../../../libs/engine/src/clock.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
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

  it('unregisters everything it registered', async () => {
    const { registry, unregister } = setup();
    unregister();
    expect(await registry.metrics()).toBe('\n');
  });
});
