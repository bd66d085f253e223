/**
 * Scenario 10: `redis-benchmark --cluster -t set,get -c 50` against a 3-node ringcache cluster and a 3-node
 * Redis Cluster on the same machine, both up for the whole scenario, sides alternating per round, each with one
 * unrecorded warm-up run first.
 */
import { startCluster } from '../lib/clusters.mjs';
import { redisBenchmark, sidesTable, summarizeSides } from '../lib/redis-benchmark.mjs';
import { alternate, SIDES } from '../lib/side-by-side.mjs';

const NODES = 3;
const DEFAULT_REQUESTS = 200000;

const benchArgs = (requests) => ['--cluster', '-t', 'set,get', '-c', '50', '-n', String(requests)];

export const cluster = {
  name: 'cluster',
  title: '10. Cluster: SET/GET through redis-benchmark --cluster, 3 masters, 50 clients',
  command: `redis-benchmark -h 127.0.0.1 -p P ${benchArgs(DEFAULT_REQUESTS).join(' ')}`,
  async run(ctx) {
    const requests = ctx.requests ?? DEFAULT_REQUESTS;
    const args = benchArgs(requests);
    const clusters = {};
    try {
      for (const side of SIDES) {
        clusters[side] = await startCluster(side, NODES);
        ctx.log?.(`  ${side} cluster up on ${clusters[side].ports.join(', ')}`);
      }
      const warmup = benchArgs(Math.ceil(requests / 10));
      for (const side of SIDES) await redisBenchmark(clusters[side].ports[0], warmup);
      ctx.log?.(`  warm-up done (${warmup.join(' ')})`);
      // Each round enters through a different node, so no single node is always the one redis-benchmark
      // fetched the slot table from.
      const runs = await alternate(ctx.runs, (side, round) => redisBenchmark(clusters[side].ports[round % NODES], args), ctx.log);
      const summary = summarizeSides(runs);
      return {
        command: `redis-benchmark -h 127.0.0.1 -p P ${args.join(' ')}`,
        runs,
        summary,
        targets: ['SET', 'GET'].map((t) => ({
          target: `${t} ops/s ≥ 0.9× Redis Cluster`,
          value: summary[t].ratio,
          met: summary[t].ratio === undefined ? undefined : summary[t].ratio >= 0.9,
        })),
      };
    } finally {
      await Promise.all(Object.values(clusters).map((c) => c.stop()));
    }
  },
  table: (result) => sidesTable(result.summary, 'Redis Cluster'),
};
