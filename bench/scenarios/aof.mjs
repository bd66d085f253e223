/**
 * Append-only file scenarios (issue 6):
 * - `aof`: redis-benchmark -t set -c 50 -P 1 against a ringcache node and a redis-server 7, both with
 *   appendonly yes and appendfsync always / everysec / no, and both without AOF as the baseline. Every
 *   measurement gets a fresh server with a fresh --dir (removed afterwards) and an unrecorded warm-up run;
 *   each round runs every mode, the side going first alternating by round. INFO persistence aof_delayed_fsync
 *   is read at the end of each measurement.
 * - `aof-load`: restart time on a ~1 GB AOF (1,000,000 `SET key:<i> <1000-byte value>` in plain RESP, written
 *   once by this script, not through a server): from spawn until the server answers PING with PONG (not
 *   -LOADING), ringcache and redis-server alternating on the same file (hard-linked into a fresh --dir per
 *   start), DBSIZE and RSS after the load. redis-server 7 finds the old-style appendonly.aof in --dir with no
 *   appendonlydir and upgrades it (moves it into appendonlydir/ as the base file, adds a manifest): that is
 *   the path measured. RINGCACHE_BENCH_AOF_MB sets the file size in MB for quick runs.
 */
import { createWriteStream, linkSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { NODE_MAIN } from '../lib/clusters.mjs';
import { freePorts, rssBytes, spawnTracked, stopChild, tempDirectory, waitForPing } from '../lib/processes.mjs';
import { redisBenchmark, summarizeSides } from '../lib/redis-benchmark.mjs';
import { RespConnection, command, info } from '../lib/resp.mjs';
import { SIDES } from '../lib/side-by-side.mjs';
import { fmt, median, ratio } from '../lib/stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HEAP = '--max-old-space-size=8000';
const DEFAULT_REQUESTS = 200000;
const benchArgs = (requests) => ['-t', 'set', '-c', '50', '-n', String(requests), '-P', '1'];
/** undefined: appendonly no (the baseline). */
const MODES = [undefined, 'always', 'everysec', 'no'];
const modeName = (mode) => mode ?? 'off';
const seconds = (ms) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

/** The side that runs first in `round`: alternating, so slow drift favours neither. */
const orderOf = (round) => (round % 2 === 0 ? SIDES : [...SIDES].reverse());

/**
 * A fresh server of `side` with its own --dir (a new temp dir unless `dir` is given), not yet answering:
 * { port, child, dir, spawnedAt, stop() } — stop() also removes the dir. `fsync` undefined: appendonly no.
 * The ringcache node runs dist's main.js directly with a large heap (no launcher process in the timing).
 */
async function spawnServer(side, { subject, fsync, dir }) {
  const redis = side === 'redis' || subject === 'redis';
  const [port, tcpPort, httpPort] = await freePorts(3);
  dir ??= mkdtempSync(path.join(tempDirectory(), `${side}-`));
  const aof = fsync === undefined ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', fsync];
  const args = redis
    ? ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--aof-use-rdb-preamble', 'no', ...aof, '--dir', dir, '--daemonize', 'no']
    : [HEAP, NODE_MAIN, '--port', String(port), '--tcp-port', String(tcpPort), '--http-port', String(httpPort), '--loglevel', 'warning', ...aof, '--dir', dir];
  const spawnedAt = performance.now();
  const child = spawnTracked(redis ? 'redis-server' : process.execPath, args);
  return {
    port,
    child,
    dir,
    spawnedAt,
    stop: async () => {
      await stopChild(child, 10000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- aof: write throughput per appendfsync ----------------------------------------------------------------

async function measureWrites(ctx, side, fsync, requests) {
  const server = await spawnServer(side, { subject: ctx.subject, fsync });
  try {
    await waitForPing(server.port, server.child);
    await redisBenchmark(server.port, benchArgs(Math.ceil(requests / 10))); // warm-up, unrecorded
    const bench = await redisBenchmark(server.port, benchArgs(requests));
    const persistence = await info(server.port, 'persistence');
    return { ...bench, aofDelayedFsync: persistence.aof_delayed_fsync === undefined ? undefined : Number(persistence.aof_delayed_fsync), aofEnabled: persistence.aof_enabled };
  } finally {
    await server.stop();
  }
}

export const aof = {
  name: 'aof',
  title: '16. AOF write cost: SET, 50 clients, no pipelining, appendfsync always / everysec / no against no AOF',
  command: `redis-benchmark ${benchArgs(DEFAULT_REQUESTS).join(' ')}, both servers --appendonly yes --appendfsync <mode> (redis-server also --save '' --aof-use-rdb-preamble no)`,
  async run(ctx) {
    const requests = ctx.requests ?? DEFAULT_REQUESTS;
    const runs = Object.fromEntries(MODES.map((m) => [modeName(m), { ringcache: [], redis: [] }]));
    for (let round = 0; round < ctx.runs; round++) {
      for (const mode of MODES) {
        for (const side of orderOf(round)) {
          let record;
          try {
            record = await measureWrites(ctx, side, mode, requests);
            ctx.log?.(`  round ${round + 1}/${ctx.runs} appendfsync ${modeName(mode)} ${side}: ${Math.round(record.SET?.rps)} ops/s, p99 ${record.SET?.p99} ms, aof_delayed_fsync ${record.aofDelayedFsync ?? 'n/a'}`);
          } catch (err) {
            record = { error: String(err?.message ?? err) };
            ctx.log?.(`  round ${round + 1}/${ctx.runs} appendfsync ${modeName(mode)} ${side}: ERROR ${record.error.split('\n')[0]}`);
          }
          runs[modeName(mode)][side].push(record);
        }
      }
    }
    const summary = {};
    for (const mode of MODES) {
      const name = modeName(mode);
      const s = summarizeSides(runs[name], ['SET']).SET;
      const delayed = (side) => runs[name][side].map((r) => r.aofDelayedFsync).filter((v) => Number.isFinite(v));
      summary[name] = { ...s, delayedFsync: { ringcache: delayed('ringcache'), redis: delayed('redis') } };
    }
    const everysec = summary.everysec.ratio;
    const targets = [{ target: 'appendfsync everysec: ringcache / redis-server SET throughput ≥ 0.8×', value: everysec, met: Number.isFinite(everysec) ? everysec >= 0.8 : undefined }];
    return { command: `redis-benchmark ${benchArgs(requests).join(' ')}`, runs, summary, targets };
  },
  table: (r) => [
    '| appendfsync | ringcache ops/s | redis ops/s | ratio | ringcache p50 / p99 ms | redis p50 / p99 ms | aof_delayed_fsync ringcache / redis (per run) |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...Object.entries(r.summary).map(([mode, s]) => `| ${mode === 'off' ? 'no AOF (baseline)' : mode} | ${fmt.int(s.ringcache.rps)} | ${fmt.int(s.redis.rps)} | ${fmt.ratio(s.ratio)} | ` +
      `${fmt.ms(s.ringcache.p50)} / ${fmt.ms(s.ringcache.p99)} | ${fmt.ms(s.redis.p50)} / ${fmt.ms(s.redis.p99)} | ` +
      `${mode === 'off' ? 'n/a' : `${s.delayedFsync.ringcache.join(', ') || 'n/a'} / ${s.delayedFsync.redis.join(', ') || 'n/a'}`} |`),
  ].join('\n'),
};

// ---- aof-load: restart time on a ~1 GB file -----------------------------------------------------------------

const DEFAULT_LOAD_KEYS = 1_000_000;
const VALUE_BYTES = 1000;
/** Bytes of one `SET key:<6 digits> <value>` command, to turn a size in MB into a key count. */
const COMMAND_BYTES = `*3\r\n$3\r\nSET\r\n$10\r\nkey:000000\r\n$${VALUE_BYTES}\r\n\r\n`.length + VALUE_BYTES;
/** RSS the ringcache node may need per byte of file (measured ~2-3×; headroom for the page cache and redis). */
const MEMORY_PER_FILE_BYTE = 5;

/** The key count: RINGCACHE_BENCH_AOF_MB (file size in MB) if set, else 1,000,000; capped to what memory holds. */
function loadKeys(log) {
  const mb = Number(process.env.RINGCACHE_BENCH_AOF_MB);
  let keys = Number.isFinite(mb) && mb > 0 ? Math.max(1, Math.floor((mb * 2 ** 20) / COMMAND_BYTES)) : DEFAULT_LOAD_KEYS;
  const fits = Math.floor(os.freemem() / MEMORY_PER_FILE_BYTE / COMMAND_BYTES);
  if (keys > fits) {
    log?.(`  ${fmt.int(keys)} keys (${fmt.bytes(keys * COMMAND_BYTES)}) do not fit in ${fmt.bytes(os.freemem())} free memory; using ${fmt.int(fits)}`);
    keys = fits;
  }
  return keys;
}

/** Writes `keys` SET commands as plain RESP to `file` (one pseudo-random 1000-byte printable value, varied per key). */
async function writeAof(file, keys) {
  const value = Buffer.alloc(VALUE_BYTES);
  let seed = 12345;
  for (let i = 0; i < VALUE_BYTES; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    value[i] = 33 + (seed % 94);
  }
  const out = createWriteStream(file);
  const batch = 1000;
  for (let from = 0; from < keys; from += batch) {
    const parts = [];
    for (let i = from; i < Math.min(keys, from + batch); i++) {
      const key = `key:${i}`;
      value.write(String(i).padStart(8, '0'), 0, 'latin1'); // distinct values: nothing can share them
      parts.push(Buffer.from(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${VALUE_BYTES}\r\n`, 'latin1'), Buffer.from(value), Buffer.from('\r\n'));
    }
    if (!out.write(Buffer.concat(parts))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return statSync(file).size;
}

/** Milliseconds from `server.spawnedAt` until PING answers PONG (a -LOADING reply keeps it polling, every 10 ms). */
async function timeToPong(server, timeoutMs) {
  const deadline = server.spawnedAt + timeoutMs;
  while (performance.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null || server.child.spawnError) {
      throw new Error(`server exited while loading (code ${server.child.exitCode}, signal ${server.child.signalCode})\n${server.child.spawnError ?? ''}${server.child.output}`);
    }
    const conn = await RespConnection.connect(server.port, '127.0.0.1', 1000).catch(() => undefined);
    if (conn === undefined) {
      await sleep(10);
      continue;
    }
    try {
      while (performance.now() < deadline) {
        if (await conn.call('PING') === 'PONG') return performance.now() - server.spawnedAt;
        await sleep(10);
      }
    } catch { /* closed: connect again */ } finally {
      conn.close();
    }
  }
  throw new Error(`no PONG within ${timeoutMs} ms\n${server.child.output}`);
}

/** One start of `side` on `source` hard-linked into a fresh --dir (same bytes, no copy), or on an empty --dir. */
async function measureLoad(ctx, side, source) {
  const dir = mkdtempSync(path.join(tempDirectory(), `${side}-load-`));
  if (source !== undefined) linkSync(source, path.join(dir, 'appendonly.aof')); // redis-server renames its link away
  const before = source === undefined ? undefined : statSync(source);
  const server = await spawnServer(side, { subject: ctx.subject, fsync: 'everysec', dir });
  try {
    const loadMs = await timeToPong(server, 900000);
    const keys = Number(await command(server.port, 'DBSIZE'));
    const pid = Number((await info(server.port, 'server')).process_id) || server.child.pid;
    const upgraded = side === 'redis' && source !== undefined ? statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), { throwIfNoEntry: false }) !== undefined : undefined;
    return { loadMs, keys, rss: rssBytes(pid), ...(upgraded === undefined ? {} : { upgradedToManifest: upgraded }) };
  } finally {
    await server.stop();
    const after = source === undefined ? undefined : statSync(source);
    if (after !== undefined && (after.size !== before.size || after.mtimeMs !== before.mtimeMs)) throw new Error(`${side} changed the shared AOF (${before.size} -> ${after.size} bytes)`);
  }
}

export const aofLoad = {
  name: 'aof-load',
  title: '17. AOF load: restart on a ~1 GB append-only file (1,000,000 SETs of 1000-byte values), time until PING answers PONG',
  command: 'start with --appendonly yes --dir <dir holding appendonly.aof>; poll PING every 10 ms from spawn until PONG',
  async run(ctx) {
    const keys = loadKeys(ctx.log);
    const source = path.join(mkdtempSync(path.join(tempDirectory(), 'aof-source-')), 'appendonly.aof');
    const started = performance.now();
    const bytes = await writeAof(source, keys);
    ctx.log?.(`  wrote ${source}: ${fmt.int(keys)} SETs, ${fmt.bytes(bytes)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const runs = { ringcache: [], redis: [] };
    try {
      for (let round = 0; round < ctx.runs; round++) {
        for (const side of orderOf(round)) {
          let record;
          try {
            record = await measureLoad(ctx, side, source);
            record.emptyMs = (await measureLoad(ctx, side, undefined)).loadMs;
            ctx.log?.(`  round ${round + 1}/${ctx.runs} ${side}: PONG after ${record.loadMs.toFixed(0)} ms (${record.emptyMs.toFixed(0)} ms with no file), DBSIZE ${record.keys}, RSS ${fmt.bytes(record.rss)}`);
          } catch (err) {
            record = { error: String(err?.message ?? err) };
            ctx.log?.(`  round ${round + 1}/${ctx.runs} ${side}: ERROR ${record.error.split('\n')[0]}`);
          }
          runs[side].push(record);
        }
      }
    } finally {
      rmSync(path.dirname(source), { recursive: true, force: true });
    }
    const side = (s) => ({
      loadMs: median(runs[s].map((r) => r.loadMs)),
      emptyMs: median(runs[s].map((r) => r.emptyMs)),
      /** The load alone: time to PONG with the file minus without it, per run. */
      netMs: median(runs[s].map((r) => r.loadMs - r.emptyMs)),
      keys: [...new Set(runs[s].map((r) => r.keys).filter((k) => k !== undefined))],
      rss: median(runs[s].map((r) => r.rss)),
    });
    const summary = { file: { keys, bytes }, ringcache: side('ringcache'), redis: side('redis') };
    summary.ratio = ratio(summary.ringcache.loadMs, summary.redis.loadMs);
    summary.netRatio = ratio(summary.ringcache.netMs, summary.redis.netMs);
    const sameData = summary.ringcache.keys.length === 1 && summary.redis.keys.length === 1 && summary.ringcache.keys[0] === keys && summary.redis.keys[0] === keys;
    return {
      runs,
      summary,
      targets: [{ target: `both load every key (DBSIZE = ${fmt.int(keys)})`, value: summary.ringcache.keys[0], met: sameData }],
    };
  },
  table: (r) => [
    `File: ${fmt.int(r.summary.file.keys)} SETs, ${fmt.bytes(r.summary.file.bytes)}.`,
    '',
    '| | ringcache | redis-server | ratio (ringcache / redis) |',
    '|---|---:|---:|---:|',
    `| spawn to PONG, with the file | ${seconds(r.summary.ringcache.loadMs)} | ${seconds(r.summary.redis.loadMs)} | ${fmt.ratio(r.summary.ratio)} |`,
    `| spawn to PONG, empty --dir | ${seconds(r.summary.ringcache.emptyMs)} | ${seconds(r.summary.redis.emptyMs)} | |`,
    `| the load alone (difference) | ${seconds(r.summary.ringcache.netMs)} | ${seconds(r.summary.redis.netMs)} | ${fmt.ratio(r.summary.netRatio)} |`,
    `| DBSIZE after the load | ${r.summary.ringcache.keys.join(', ') || 'n/a'} | ${r.summary.redis.keys.join(', ') || 'n/a'} | |`,
    `| RSS after the load | ${fmt.bytes(r.summary.ringcache.rss)} | ${fmt.bytes(r.summary.redis.rss)} | |`,
    '',
    'redis-server 7.0.15 loads the plain appendonly.aof through its upgrade path (moved into appendonlydir/ as the base file, manifest written).',
  ].join('\n'),
};
