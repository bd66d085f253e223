/**
 * Scenario 5: the engine alone (no network) against lru-cache v11 doing the same work. Each measurement is
 * a fresh worker process (bench/workers/engine-worker.mjs) so neither implementation's JIT state or heap
 * affects the other; each worker warms up, then reports the median of 5 timed passes.
 */
import path from 'node:path';
import { ROOT, runToCompletion } from '../lib/processes.mjs';
import { alternate } from '../lib/side-by-side.mjs';
import { median, ratio, fmt } from '../lib/stats.mjs';

const WORKER = path.join(ROOT, 'bench', 'workers', 'engine-worker.mjs');
const DISTRIBUTIONS = ['uniform', 'zipf'];
const SIDES = ['ringcache', 'lru-cache'];

async function measure(impl, distribution) {
  const out = await runToCompletion(process.execPath, ['--expose-gc', WORKER, impl, distribution], { timeoutMs: 300000 });
  return JSON.parse(out.trim().split('\n').pop());
}

export const engine = {
  name: 'engine',
  title: '5. Engine alone vs lru-cache: 90% GET / 10% SET with eviction',
  command: 'node --expose-gc bench/workers/engine-worker.mjs <ringcache|lru-cache> <uniform|zipf>',
  async run(ctx) {
    const runs = {};
    const summary = {};
    for (const distribution of DISTRIBUTIONS) {
      ctx.log(` distribution ${distribution}`);
      runs[distribution] = await alternate(ctx.runs, (impl) => measure(impl, distribution), ctx.log, SIDES);
      const side = (s) => {
        const ok = runs[distribution][s].filter((r) => !r.error);
        return { opsPerSec: median(ok.map((r) => r.median)), hitRate: median(ok.map((r) => r.hitRate)), runs: ok.length };
      };
      const rc = side('ringcache');
      const lru = side('lru-cache');
      summary[distribution] = { ringcache: rc, lruCache: lru, ratio: ratio(rc.opsPerSec, lru.opsPerSec) };
    }
    return {
      runs,
      summary,
      targets: DISTRIBUTIONS.map((d) => ({
        target: `${d}: ops/s ≥ 1.0× lru-cache`,
        value: summary[d].ratio,
        met: summary[d].ratio === undefined ? undefined : summary[d].ratio >= 1.0,
      })),
    };
  },
  table(result) {
    const rows = [
      '| key distribution | ringcache engine ops/s | lru-cache ops/s | ratio | hit rate (engine / lru-cache) |',
      '|---|---:|---:|---:|---:|',
    ];
    for (const [d, s] of Object.entries(result.summary)) {
      rows.push(`| ${d} | ${fmt.int(s.ringcache.opsPerSec)} | ${fmt.int(s.lruCache.opsPerSec)} | ${fmt.ratio(s.ratio)} | ` +
        `${fmt.num(s.ringcache.hitRate, 3)} / ${fmt.num(s.lruCache.hitRate, 3)} |`);
    }
    return rows.join('\n');
  },
};
