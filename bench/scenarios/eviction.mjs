/**
 * Scenario 3: random-key 200-byte SETs far past a 64 MB maxmemory with allkeys-lru, on fresh servers each
 * round. Afterwards INFO must show used_memory within maxmemory; evictions and process RSS are recorded.
 */
import { startServer, rssBytes } from '../lib/processes.mjs';
import { redisBenchmark } from '../lib/redis-benchmark.mjs';
import { info } from '../lib/resp.mjs';
import { alternate } from '../lib/side-by-side.mjs';
import { medianOf, ratio, fmt } from '../lib/stats.mjs';

const MAXMEMORY = '64mb';
const MAXMEMORY_BYTES = 64 * 1024 * 1024;
const ARGS = ['-t', 'set', '-r', '10000000', '-d', '200', '-n', '1000000', '-c', '50'];

async function measure(ctx, side) {
  const server = await startServer(side, { maxmemory: MAXMEMORY, policy: 'allkeys-lru', subject: ctx.subject });
  try {
    const bench = await redisBenchmark(server.port, ARGS);
    const stats = await info(server.port);
    const usedMemory = Number(stats.used_memory);
    const maxmemory = Number(stats.maxmemory);
    return {
      rps: bench.SET?.rps,
      p50: bench.SET?.p50,
      p99: bench.SET?.p99,
      usedMemory,
      maxmemory,
      withinLimit: usedMemory <= (maxmemory || MAXMEMORY_BYTES),
      evictedKeys: Number(stats.evicted_keys),
      keys: Number(/keys=(\d+)/.exec(stats.db0 ?? '')?.[1] ?? 0),
      rss: rssBytes(server.pid),
    };
  } finally {
    await server.stop();
  }
}

export const eviction = {
  name: 'eviction',
  title: '3. SET past maxmemory 64mb, allkeys-lru',
  command: `--maxmemory ${MAXMEMORY} --maxmemory-policy allkeys-lru; redis-benchmark ${ARGS.join(' ')}`,
  async run(ctx) {
    const runs = await alternate(ctx.runs, (side) => measure(ctx, side), ctx.log);
    const side = (s) => {
      const ok = runs[s].filter((r) => !r.error);
      return {
        rps: medianOf(ok, 'rps'),
        p50: medianOf(ok, 'p50'),
        p99: medianOf(ok, 'p99'),
        usedMemory: medianOf(ok, 'usedMemory'),
        maxUsedMemory: ok.length ? Math.max(...ok.map((r) => r.usedMemory)) : undefined,
        allWithinLimit: ok.length ? ok.every((r) => r.withinLimit) : undefined,
        evictedKeys: medianOf(ok, 'evictedKeys'),
        keys: medianOf(ok, 'keys'),
        rss: medianOf(ok, 'rss'),
        runs: ok.length,
      };
    };
    const summary = { ringcache: side('ringcache'), redis: side('redis') };
    summary.ratio = ratio(summary.ringcache.rps, summary.redis.rps);
    return {
      runs,
      summary,
      targets: [
        { target: 'ringcache used_memory ≤ maxmemory (every run)', value: summary.ringcache.maxUsedMemory, met: summary.ringcache.allWithinLimit },
        { target: 'redis used_memory ≤ maxmemory (every run)', value: summary.redis.maxUsedMemory, met: summary.redis.allWithinLimit },
        { target: 'evictions counted', value: summary.ringcache.evictedKeys, met: summary.ringcache.evictedKeys === undefined ? undefined : summary.ringcache.evictedKeys > 0 },
        { target: 'throughput ratio (reported)', value: summary.ratio, met: undefined },
      ],
    };
  },
  table(result) {
    const s = result.summary;
    const row = (name, x) => `| ${name} | ${fmt.int(x.rps)} | ${fmt.ms(x.p50)} / ${fmt.ms(x.p99)} | ${fmt.bytes(x.usedMemory)} | ${fmt.met(x.allWithinLimit)} | ${fmt.int(x.evictedKeys)} | ${fmt.int(x.keys)} | ${fmt.bytes(x.rss)} |`;
    return [
      '| server | SET ops/s | p50 / p99 ms | used_memory | ≤ maxmemory | evicted_keys | keys left | RSS |',
      '|---|---:|---:|---:|:---:|---:|---:|---:|',
      row('ringcache', s.ringcache),
      row('redis-server', s.redis),
      `| **ratio** | ${fmt.ratio(s.ratio)} | | ${fmt.ratio(ratio(s.ringcache.usedMemory, s.redis.usedMemory))} | | | | ${fmt.ratio(ratio(s.ringcache.rss, s.redis.rss))} |`,
    ].join('\n');
  },
};
