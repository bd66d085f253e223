/**
 * Scenario 4: bytes per key. Loads SET key:<i> <100 bytes> for i in 0..999,999 over one pipelined
 * connection (batches of 1000) into a fresh server, and divides the growth of INFO used_memory and of
 * process RSS by the number of keys.
 */
import { startServer, rssBytes } from '../lib/processes.mjs';
import { RespConnection, info, command, twoInFlight } from '../lib/resp.mjs';
import { alternate } from '../lib/side-by-side.mjs';
import { medianOf, ratio, fmt } from '../lib/stats.mjs';

const KEYS = 1_000_000;
const BATCH = 1000;
const VALUE = 'v'.repeat(100);

/** Pipeline `count` SETs, `BATCH` per round trip, keeping two batches in flight. */
async function load(port, count) {
  const conn = await RespConnection.connect(port);
  const valueFrame = `$${VALUE.length}\r\n${VALUE}\r\n`;
  let errors = 0;
  const batch = (from) => {
    let s = '';
    const to = Math.min(from + BATCH, count);
    for (let i = from; i < to; i++) {
      const key = `key:${i}`;
      s += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n${valueFrame}`;
    }
    return conn.pipeline(Buffer.from(s, 'latin1'), to - from).then((replies) => {
      for (const r of replies) if (r !== 'OK') errors++;
    });
  };
  try {
    const seconds = await twoInFlight(count, BATCH, batch);
    if (errors) throw new Error(`${errors} SETs did not reply OK`);
    return { loadSeconds: seconds };
  } finally {
    conn.close();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 2000));

async function measure(ctx, side) {
  const server = await startServer(side, { subject: ctx.subject });
  try {
    await settle();
    const before = Number((await info(server.port, 'memory')).used_memory);
    const rssBefore = rssBytes(server.pid);
    const { loadSeconds } = await load(server.port, KEYS);
    await settle();
    const after = Number((await info(server.port, 'memory')).used_memory);
    const rssAfter = rssBytes(server.pid);
    const dbsize = await command(server.port, 'DBSIZE');
    return {
      keys: dbsize,
      usedMemoryPerKey: (after - before) / KEYS,
      rssPerKey: rssAfter !== undefined && rssBefore !== undefined ? (rssAfter - rssBefore) / KEYS : undefined,
      usedMemoryBefore: before,
      usedMemoryAfter: after,
      rssBefore,
      rssAfter,
      loadOpsPerSec: KEYS / loadSeconds,
    };
  } finally {
    await server.stop();
  }
}

export const memoryPerKey = {
  name: 'memory',
  title: '4. Memory per key: 1,000,000 keys × 100-byte values',
  command: `SET key:<i> <100 bytes> for i < ${KEYS}, pipelined ${BATCH} per batch`,
  async run(ctx) {
    const runs = await alternate(ctx.runs, (side) => measure(ctx, side), ctx.log);
    const side = (s) => {
      const ok = runs[s].filter((r) => !r.error);
      return {
        keys: medianOf(ok, 'keys'),
        usedMemoryPerKey: medianOf(ok, 'usedMemoryPerKey'),
        rssPerKey: medianOf(ok, 'rssPerKey'),
        rssAfter: medianOf(ok, 'rssAfter'),
        loadOpsPerSec: medianOf(ok, 'loadOpsPerSec'),
        runs: ok.length,
      };
    };
    const summary = { ringcache: side('ringcache'), redis: side('redis') };
    summary.usedMemoryRatio = ratio(summary.ringcache.usedMemoryPerKey, summary.redis.usedMemoryPerKey);
    summary.rssRatio = ratio(summary.ringcache.rssPerKey, summary.redis.rssPerKey);
    const atMost = (v, limit) => (v === undefined ? undefined : v <= limit);
    return {
      runs,
      summary,
      targets: [
        { target: 'used_memory per key ≤ 1.5× redis', value: summary.usedMemoryRatio, met: atMost(summary.usedMemoryRatio, 1.5) },
        { target: 'RSS per key ≤ 1.5× redis', value: summary.rssRatio, met: atMost(summary.rssRatio, 1.5) },
      ],
    };
  },
  table(result) {
    const s = result.summary;
    const row = (name, x) => `| ${name} | ${fmt.int(x.keys)} | ${fmt.num(x.usedMemoryPerKey)} | ${fmt.num(x.rssPerKey)} | ${fmt.bytes(x.rssAfter)} | ${fmt.int(x.loadOpsPerSec)} |`;
    return [
      '| server | keys | used_memory bytes/key | RSS bytes/key | RSS after load | load SETs/s |',
      '|---|---:|---:|---:|---:|---:|',
      row('ringcache', s.ringcache),
      row('redis-server', s.redis),
      `| **ratio** | | ${fmt.ratio(s.usedMemoryRatio)} | ${fmt.ratio(s.rssRatio)} | | |`,
    ].join('\n');
  },
};
