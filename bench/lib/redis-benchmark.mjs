/** Runs Debian's `redis-benchmark --csv` against a port, parses rps and latency percentiles per test, and tabulates two sides. */
import { runToCompletion } from './processes.mjs';
import { fmt, medianOf, ratio } from './stats.mjs';

/**
 * Returns { SET: { rps, avg, p50, p95, p99, max }, GET: {...} } keyed by redis-benchmark's test name.
 * `args` are the scenario's flags, e.g. ['-t', 'set,get', '-c', '50', '-n', '200000'].
 */
export async function redisBenchmark(port, args, timeoutMs = 900000) {
  const out = await runToCompletion('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '--csv', ...args], { timeoutMs });
  return parseCsv(out);
}

export function parseCsv(text) {
  const result = {};
  const lines = text.split(/\r?\n/).filter((l) => l.startsWith('"'));
  const header = lines.shift()?.split(',').map((h) => h.replace(/"/g, ''));
  if (!header || header[0] !== 'test') throw new Error(`unexpected redis-benchmark output:\n${text.slice(0, 2000)}`);
  for (const line of lines) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    result[row.test] = {
      rps: Number(row.rps),
      avg: Number(row.avg_latency_ms),
      p50: Number(row.p50_latency_ms),
      p95: Number(row.p95_latency_ms),
      p99: Number(row.p99_latency_ms),
      max: Number(row.max_latency_ms),
    };
  }
  return result;
}

/**
 * Medians per test over the rounds of two sides (`alternate`'s output): { SET: { ringcache: { rps, p50, p99,
 * runs }, redis: {...}, ratio }, ... }, ratio = ringcache ops/s / redis ops/s.
 */
export function summarizeSides(runs, tests = ['SET', 'GET']) {
  const summary = {};
  for (const test of tests) {
    const side = (s) => {
      const ok = runs[s].filter((r) => r[test]).map((r) => r[test]);
      return { rps: medianOf(ok, 'rps'), p50: medianOf(ok, 'p50'), p99: medianOf(ok, 'p99'), runs: ok.length };
    };
    const rc = side('ringcache');
    const rd = side('redis');
    summary[test] = { ringcache: rc, redis: rd, ratio: ratio(rc.rps, rd.rps) };
  }
  return summary;
}

/** The markdown table of a `summarizeSides` summary; `reference` names the redis side's column. */
export function sidesTable(summary, reference = 'redis') {
  const rows = [
    `| test | ringcache ops/s | ${reference} ops/s | ratio | ringcache p50 / p99 ms | ${reference} p50 / p99 ms |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const [test, s] of Object.entries(summary)) {
    rows.push(`| ${test} | ${fmt.int(s.ringcache.rps)} | ${fmt.int(s.redis.rps)} | ${fmt.ratio(s.ratio)} | ` +
      `${fmt.ms(s.ringcache.p50)} / ${fmt.ms(s.ringcache.p99)} | ${fmt.ms(s.redis.p50)} / ${fmt.ms(s.redis.p99)} |`);
  }
  return rows.join('\n');
}
