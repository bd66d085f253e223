/** Runs Debian's `redis-benchmark --csv` against a port and parses rps and latency percentiles per test. */
import { runToCompletion } from './processes.mjs';

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
