/**
 * Scenarios 1 and 2: redis-benchmark SET/GET against a ringcache node and a redis-server, one connection per
 * client, without and with pipelining. Both servers stay up for all rounds of a scenario, and each gets one
 * unrecorded warm-up run first.
 */
import { startServer } from '../lib/processes.mjs';
import { redisBenchmark, sidesTable, summarizeSides } from '../lib/redis-benchmark.mjs';
import { alternate } from '../lib/side-by-side.mjs';

function throughputScenario({ name, title, args, targets }) {
  return {
    name,
    title,
    command: `redis-benchmark ${args.join(' ')}`,
    async run(ctx) {
      const servers = {};
      try {
        servers.ringcache = await startServer('ringcache', { subject: ctx.subject });
        servers.redis = await startServer('redis');
        // One unrecorded warm-up run per side, a tenth of the requests: V8 compiles the node's hot path
        // during its first ~100k commands, which would otherwise land in round 1 (a no-op for redis-server).
        const warmup = args.map((a, i) => (args[i - 1] === '-n' ? String(Math.ceil(Number(a) / 10)) : a));
        for (const side of ['ringcache', 'redis']) await redisBenchmark(servers[side].port, warmup);
        ctx.log?.(`  warm-up done (${warmup.join(' ')})`);
        const runs = await alternate(ctx.runs, (side) => redisBenchmark(servers[side].port, args), ctx.log);
        const summary = summarizeSides(runs);
        return { runs, summary, targets: targets(summary) };
      } finally {
        await Promise.all(Object.values(servers).map((s) => s.stop()));
      }
    },
    table: (result) => sidesTable(result.summary),
  };
}

export const throughput = throughputScenario({
  name: 'throughput',
  title: '1. SET/GET, 50 clients, no pipelining',
  args: ['-t', 'set,get', '-c', '50', '-n', '200000'],
  targets: (s) => [
    { target: 'SET ops/s ≥ 0.9× redis', value: s.SET.ratio, met: s.SET.ratio === undefined ? undefined : s.SET.ratio >= 0.9 },
    { target: 'GET ops/s ≥ 0.9× redis', value: s.GET.ratio, met: s.GET.ratio === undefined ? undefined : s.GET.ratio >= 0.9 },
    { target: 'SET p99 < 1 ms', value: s.SET.ringcache.p99, met: s.SET.ringcache.p99 === undefined ? undefined : s.SET.ringcache.p99 < 1 },
    { target: 'GET p99 < 1 ms', value: s.GET.ringcache.p99, met: s.GET.ringcache.p99 === undefined ? undefined : s.GET.ringcache.p99 < 1 },
  ],
});

export const pipelined = throughputScenario({
  name: 'pipelined',
  title: '2. SET/GET, 50 clients, pipeline 16',
  args: ['-t', 'set,get', '-c', '50', '-P', '16', '-n', '2000000'],
  targets: (s) => ['SET', 'GET'].flatMap((t) => [
    { target: `${t} ops/s ≥ 0.5× redis`, value: s[t].ratio, met: s[t].ratio === undefined ? undefined : s[t].ratio >= 0.5 },
    { target: `${t} ≥ 500,000 ops/s`, value: s[t].ringcache.rps, met: s[t].ringcache.rps === undefined ? undefined : s[t].ringcache.rps >= 500000 },
  ]),
});
