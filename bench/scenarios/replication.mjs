/**
 * Replication scenarios (issue 5):
 * - `replication`: redis-benchmark --cluster -t set,get -c 50 against a 3-node ringcache cluster with
 *   --replicas 1 and one with --replicas 0, both up, alternating per round; then one more run on the
 *   replicas-1 cluster while a probe on one primary runs SET + WAIT 1 0 in a loop, whose WAIT time is the
 *   replication lag under that load (the replica applied and acknowledged the write).
 * - `failover`: 3 nodes, --replicas 1, light write load; kill -9 a node, time until a write to one of its
 *   slots succeeds again (through its replica, promoted), restart it, time until it serves again; 10 kills.
 * - `full-sync`: one node loaded with ~1 GB (1,000,000 SETs of 1 KB values), then a second node joins and
 *   copies it all (half as the new owner, half as the replica of the rest); against a redis-server loaded the
 *   same way and a redis-server replica started with --replicaof: time until the copy is complete.
 */
import { call, clusterNodes, startRingcacheCluster, waitClusterOk, freePortPair, NODE_MAIN } from '../lib/clusters.mjs';
import { spawnTracked, stopChild, tempDirectory, waitForPing, runToCompletion } from '../lib/processes.mjs';
import { redisBenchmark } from '../lib/redis-benchmark.mjs';
import { RespConnection, parseInfo } from '../lib/resp.mjs';
import { median, ratio, fmt } from '../lib/stats.mjs';
import { alternate } from '../lib/side-by-side.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NODES = 3;
const DEFAULT_REQUESTS = 200000;
const benchArgs = (requests) => ['--cluster', '-t', 'set,get', '-c', '50', '-n', String(requests)];

function percentile(values, p) {
  const xs = [...values].sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  return xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
}

/** The port of the node owning `slot`, from CLUSTER SLOTS on `port`. */
async function ownerOfSlot(port, slot) {
  const slots = await call(port, ['CLUSTER', 'SLOTS'], 2000);
  for (const range of slots) if (range[0] <= slot && slot <= range[1]) return range[2][1];
  return undefined;
}

/** A key (with a {tag}) whose slot `port` owns in the table `ownerPort` answers. */
async function keyOwnedBy(tablePort, port) {
  const slots = await call(tablePort, ['CLUSTER', 'SLOTS'], 2000);
  for (let i = 0; ; i++) {
    const key = `probe:{${i}}`;
    const slot = Number(await call(tablePort, ['CLUSTER', 'KEYSLOT', key]));
    const range = slots.find((r) => r[0] <= slot && slot <= r[1]);
    if (range?.[2][1] === port) return { key, slot };
  }
}

/** SET + WAIT 1 0 on `port` until `stop()`; the WAIT times in ms. */
async function waitProbe(port, stop) {
  const { key } = await keyOwnedBy(port, port);
  const conn = await RespConnection.connect(port);
  const waits = [];
  try {
    for (let i = 0; !stop(); i++) {
      await conn.call('SET', key, String(i));
      const t0 = performance.now();
      const acked = await conn.call('WAIT', '1', '0');
      if (acked === 1) waits.push(performance.now() - t0);
      await sleep(5);
    }
  } finally {
    conn.close();
  }
  return waits;
}

export const replication = {
  name: 'replication',
  title: '13. Replication cost: SET/GET through redis-benchmark --cluster, 3 nodes, --replicas 1 against --replicas 0; WAIT 1 lag',
  command: `redis-benchmark -h 127.0.0.1 -p P ${benchArgs(DEFAULT_REQUESTS).join(' ')} (and SET + WAIT 1 0 probe on one primary)`,
  async run(ctx) {
    const requests = ctx.requests ?? DEFAULT_REQUESTS;
    const args = benchArgs(requests);
    const clusters = {};
    const sides = ['r1', 'r0'];
    try {
      clusters.r1 = await startRingcacheCluster(NODES, { extraArgs: ['--replicas', '1'] });
      clusters.r0 = await startRingcacheCluster(NODES, { extraArgs: ['--replicas', '0'] });
      for (const side of sides) await redisBenchmark(clusters[side].ports[0], benchArgs(Math.ceil(requests / 10)));
      // Throughput first, both sides alone; then one more replicas-1 run with the WAIT probe for the lag.
      const runs = await alternate(ctx.runs, (side, round) => redisBenchmark(clusters[side].ports[round % NODES], args), ctx.log, sides);
      let done = false;
      const probe = waitProbe(clusters.r1.ports[1], () => done);
      const loaded = await redisBenchmark(clusters.r1.ports[0], args).finally(() => {
        done = true;
      });
      const lags = await probe;
      ctx.log?.(`  lag run: ${JSON.stringify(loaded.SET)}`);
      const side = (s, test) => median(runs[s].filter((r) => r[test]).map((r) => r[test].rps));
      const summary = {};
      for (const test of ['SET', 'GET']) summary[test] = { r1: side('r1', test), r0: side('r0', test), ratio: ratio(side('r1', test), side('r0', test)) };
      const lag = { samples: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: percentile(lags, 100) };
      return {
        command: `redis-benchmark -h 127.0.0.1 -p P ${args.join(' ')}`,
        runs,
        summary,
        lag,
        targets: [{ target: 'SET ops/s with replicas 1 ≥ 0.75× replicas 0', value: summary.SET.ratio, met: summary.SET.ratio === undefined ? undefined : summary.SET.ratio >= 0.75 }],
      };
    } finally {
      await Promise.all(Object.values(clusters).map((c) => c.stop()));
    }
  },
  table: (r) => [
    '| test | replicas 1 ops/s | replicas 0 ops/s | ratio |',
    '|---|---:|---:|---:|',
    ...Object.entries(r.summary).map(([t, s]) => `| ${t} | ${fmt.int(s.r1)} | ${fmt.int(s.r0)} | ${fmt.ratio(s.ratio)} |`),
    '',
    `WAIT 1 0 after a SET on one primary under that load (replica applied and acknowledged), ${r.lag.samples} samples: p50 ${fmt.ms(r.lag.p50)} ms, p99 ${fmt.ms(r.lag.p99)} ms, max ${fmt.ms(r.lag.max)} ms`,
  ].join('\n'),
};

export const failover = {
  name: 'failover',
  title: '14. Failover: kill -9 a node of 3 (--replicas 1, cluster-node-timeout 5000), time until its slots take writes again',
  command: 'kill -9 <node>; SET on a key of one of its slots every 50 ms until OK; restart it; wait until it owns slots',
  async run(ctx) {
    const kills = ctx.runs >= 10 ? ctx.runs : 10;
    const cluster = await startRingcacheCluster(NODES, { extraArgs: ['--replicas', '1'] });
    const results = [];
    try {
      for (let k = 0; k < kills; k++) {
        const victimIndex = k % NODES;
        const victim = cluster.nodes[victimIndex];
        const other = cluster.nodes[(victimIndex + 1) % NODES];
        const { key, slot } = await keyOwnedBy(other.port, victim.port);
        await call(victim.port, ['SET', key, 'before']);
        const killedAt = performance.now();
        await victim.kill9();
        let writableAfter;
        for (;;) {
          const owner = await ownerOfSlot(other.port, slot).catch(() => undefined);
          if (owner !== undefined && owner !== victim.port) {
            const reply = await call(owner, ['SET', key, 'after'], 1000).catch((e) => ({ error: String(e) }));
            if (reply === 'OK') {
              writableAfter = performance.now() - killedAt;
              break;
            }
          }
          if (performance.now() - killedAt > 30000) break;
          await sleep(50);
        }
        const restartAt = performance.now();
        await victim.start();
        await waitClusterOk(cluster.ports, { timeoutMs: 60000 });
        const servingAfter = performance.now() - restartAt;
        results.push({ writableAfterMs: writableAfter, rejoinedAfterMs: servingAfter });
        ctx.log?.(`  kill ${k + 1}/${kills}: writes to its slot resumed after ${writableAfter?.toFixed(0)} ms; restarted node serving after ${servingAfter.toFixed(0)} ms`);
      }
    } finally {
      await cluster.stop();
    }
    const writable = results.map((r) => r.writableAfterMs).filter((v) => v !== undefined);
    const summary = { kills, medianMs: median(writable), maxMs: Math.max(...writable), rejoinMedianMs: median(results.map((r) => r.rejoinedAfterMs)) };
    return { runs: results, summary, targets: [{ target: 'writes resume ≤ 10 s after kill -9 (max)', value: summary.maxMs, met: summary.maxMs <= 10000 }] };
  },
  table: (r) => `| kills | writes resume, median | max | restarted node serving again, median |\n|---:|---:|---:|---:|\n| ${r.summary.kills} | ${fmt.num(r.summary.medianMs / 1000)} s | ${fmt.num(r.summary.maxMs / 1000)} s | ${fmt.num(r.summary.rejoinMedianMs / 1000)} s |`,
};

const LOAD_KEYS = 1_000_000;
const VALUE_BYTES = 1024;
/** The loader: one node owns every slot then, so plain redis-benchmark (no --cluster) loads both sides alike. */
const loadArgs = () => ['-t', 'set', '-d', String(VALUE_BYTES), '-n', String(LOAD_KEYS), '-r', '100000000', '-P', '32', '-c', '20', '-q'];

async function replicationInfo(port) {
  return parseInfo(await call(port, ['INFO', 'replication'], 5000));
}

export const fullSync = {
  name: 'full-sync',
  title: '15. Full sync of ~1 GB: a joining ringcache node copying a loaded one, against a redis-server replica (--replicaof)',
  command: `redis-benchmark ${loadArgs().join(' ')} to load; then start the second node / replica`,
  async run(ctx) {
    const rounds = Math.max(1, Math.min(ctx.runs, 3));
    const out = { ringcache: [], redis: [] };
    for (let round = 0; round < rounds; round++) {
      out.ringcache.push(await ringcacheFullSync(ctx));
      out.redis.push(await redisFullSync(ctx));
      ctx.log?.(`  round ${round + 1}/${rounds}: ringcache ${JSON.stringify(out.ringcache.at(-1))}, redis ${JSON.stringify(out.redis.at(-1))}`);
    }
    const rc = median(out.ringcache.map((r) => r.syncMs));
    const rd = median(out.redis.map((r) => r.syncMs));
    return { runs: out, summary: { ringcacheMs: rc, redisMs: rd, ratio: ratio(rc, rd), dbsize: out.ringcache[0]?.dbsize }, targets: [] };
  },
  table: (r) => `| keys | ringcache copy | redis-server replica | time ratio (ringcache / redis) |\n|---:|---:|---:|---:|\n| ${fmt.int(r.summary.dbsize)} × ${VALUE_BYTES} B | ${fmt.num(r.summary.ringcacheMs / 1000)} s | ${fmt.num(r.summary.redisMs / 1000)} s | ${fmt.ratio(r.summary.ratio)} |`,
};

async function ringcacheFullSync(ctx) {
  const a = { port: await freePortPair(10000) };
  const b = { port: await freePortPair(10000) };
  const heap = ['--max-old-space-size=8000'];
  const common = (node) => [...heap, NODE_MAIN, '--port', String(node.port), '--tcp-port', '0', '--http-port', '0', '--cluster-enabled', 'yes', '--cluster-port', String(node.port + 10000), '--replicas', '1', '--loglevel', 'warning'];
  const children = [];
  try {
    const childA = spawnTracked(process.execPath, common(a));
    children.push(childA);
    await waitForPing(a.port, childA);
    await waitClusterOk([a.port], { timeoutMs: 30000 });
    await runToCompletion('redis-benchmark', ['-p', String(a.port), ...loadArgs()], { timeoutMs: 900000 });
    const dbsize = Number(await call(a.port, ['DBSIZE']));
    ctx.log?.(`  ringcache loaded: ${dbsize} keys`);
    const start = performance.now();
    const childB = spawnTracked(process.execPath, [...common(b), '--seeds', `127.0.0.1:${a.port + 10000}`]);
    children.push(childB);
    await waitForPing(b.port, childB);
    for (;;) {
      const nodes = await clusterNodes(b.port, 5000).catch(() => []);
      const info = await replicationInfo(b.port).catch(() => ({}));
      const links = Object.keys(info).filter((k) => k.startsWith('primary')).map((k) => info[k]);
      const serving = nodes.length === 2 && nodes.every((n) => !n.flags.includes('syncing') && n.slots.length > 0);
      if (serving && links.length > 0 && links.every((l) => l.includes('sync_in_progress=0'))) break;
      if (performance.now() - start > 900000) throw new Error('full sync did not finish in 15 minutes');
      await sleep(200);
    }
    const syncMs = performance.now() - start;
    const sizes = [Number(await call(a.port, ['DBSIZE'])), Number(await call(b.port, ['DBSIZE']))];
    return { syncMs, dbsize, copies: sizes };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
  }
}

async function redisFullSync(ctx) {
  const dir = tempDirectory();
  const a = { port: await freePortPair(0) };
  const b = { port: await freePortPair(0) };
  const args = (node) => ['--port', String(node.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', `dump-${node.port}.rdb`];
  const children = [];
  try {
    const childA = spawnTracked('redis-server', args(a));
    children.push(childA);
    await waitForPing(a.port, childA);
    await runToCompletion('redis-benchmark', ['-p', String(a.port), ...loadArgs()], { timeoutMs: 900000 });
    const dbsize = Number(await call(a.port, ['DBSIZE']));
    ctx.log?.(`  redis loaded: ${dbsize} keys`);
    const start = performance.now();
    const childB = spawnTracked('redis-server', [...args(b), '--replicaof', '127.0.0.1', String(a.port)]);
    children.push(childB);
    await waitForPing(b.port, childB);
    for (;;) {
      const info = await replicationInfo(b.port).catch(() => ({}));
      if (info.master_link_status === 'up' && info.master_sync_in_progress === '0') break;
      if (performance.now() - start > 900000) throw new Error('redis full sync did not finish in 15 minutes');
      await sleep(200);
    }
    return { syncMs: performance.now() - start, dbsize, copies: [dbsize, Number(await call(b.port, ['DBSIZE']))] };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
  }
}
