/**
 * Scenario 11: client-side routing against a proxy hop, on a 3-node ringcache cluster. The same workload
 * (SETs then GETs of random keys out of 10,000, 50 in flight; bench/routing/load.mjs) goes
 *   direct    through RingCacheClient, which sends each command to the slot's owner;
 *   nest-tcp  through ONE node's Nest TCP transport, which forwards keys it does not own to their owner
 *             (measured only when a probe of 200 random SETs succeeds, i.e. once the node forwards);
 *   resp      through a RESP pass-through proxy on one port (bench/routing/resp-proxy.mjs: slot table, one ioredis
 *             connection per owner): the hop alone, without the Nest transport's JSON framing.
 * Paths alternate per round; the load generator is its own process.
 * Then an open-loop phase compares latency at equal load: every path is offered the same fixed rate (default half
 * the proxied path's closed-loop throughput, the lower of SET and GET; RINGCACHE_BENCH_RATE overrides it) for
 * RINGCACHE_BENCH_OPEN_SECONDS (default 10) per operation, latency measured from each request's due time.
 */
import path from 'node:path';
import { freePortPair, startRingcacheCluster, waitClusterOk } from '../lib/clusters.mjs';
import { ROOT, runToCompletion, spawnTracked, stopChild } from '../lib/processes.mjs';
import { alternate } from '../lib/side-by-side.mjs';
import { medianOf, ratio, fmt } from '../lib/stats.mjs';

const NODES = 3;
const KEYS = 10000;
const CONCURRENCY = 50;
const DEFAULT_REQUESTS = 200000;
const DEFAULT_OPEN_SECONDS = 10;
/** The fraction of the proxied path's closed-loop throughput offered to every path in the open-loop phase. */
const OPEN_LOAD_FRACTION = 0.5;
const LOAD = path.join(ROOT, 'bench', 'routing', 'load.mjs');
const PROXY = path.join(ROOT, 'bench', 'routing', 'resp-proxy.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function load(mode, ports, requests, { probe = false, rate, seconds } = {}) {
  const args = [LOAD, mode, ports.join(','), String(requests), String(KEYS), String(CONCURRENCY)];
  if (probe) args.push('--probe');
  if (rate !== undefined) args.push('--rate', String(rate), '--seconds', String(seconds));
  const out = await runToCompletion(process.execPath, args, { timeoutMs: 600000 });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Start the RESP pass-through proxy in front of the cluster; resolves once it listens. */
async function startProxy(clusterPorts) {
  const port = await freePortPair(0);
  const child = spawnTracked(process.execPath, [PROXY, String(port), clusterPorts.join(',')]);
  const deadline = Date.now() + 20000;
  while (!child.output.includes('listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`RESP proxy did not start\n${child.output}`);
    }
    await sleep(50);
  }
  return { port, child };
}

/** Whether the Nest TCP transport of one node takes keys of every slot (forwarding), and why not if not. */
async function probeNestForwarding(tcpPort) {
  try {
    await load('nest-tcp', [tcpPort], 0, { probe: true });
    return { forwards: true };
  } catch (err) {
    const line = String(err.message).split('\n').find((l) => l.startsWith('{"client"'));
    return { forwards: false, reason: line ? JSON.parse(line).error : String(err.message).split('\n')[0] };
  }
}

/** Per side: { client, runs, SET: { field: median }, GET } over the rounds that measured both operations. */
function summarize(runs, sides, fields) {
  const summary = {};
  for (const side of sides) {
    const ok = runs[side].filter((r) => r.SET && r.GET);
    summary[side] = { client: ok[0]?.client, runs: ok.length };
    for (const test of ['SET', 'GET']) {
      const recs = ok.map((r) => r[test]);
      summary[side][test] = Object.fromEntries(fields.map((f) => [f, medianOf(recs, f)]));
    }
  }
  return summary;
}

/**
 * The open-loop phase: each path offered the same rate, rounds alternating like the closed-loop phase.
 * Returns { rate, rateSource, seconds, runs, summary: { side: { client, runs, SET: { achieved, p50, p99, p999 }, GET } } }.
 */
async function openLoop(ctx, sides, target, closed) {
  const proxied = sides.includes('nest-tcp') ? 'nest-tcp' : 'resp';
  const override = Number(ctx.rate ?? process.env.RINGCACHE_BENCH_RATE);
  const base = Math.min(closed[proxied].SET.rps ?? Infinity, closed[proxied].GET.rps ?? Infinity);
  const rate = override > 0 ? override : Math.round(OPEN_LOAD_FRACTION * base);
  const rateSource = override > 0 ? 'RINGCACHE_BENCH_RATE' : `${OPEN_LOAD_FRACTION * 100}% of ${proxied}'s closed-loop ops/s`;
  const seconds = Number(ctx.openSeconds ?? process.env.RINGCACHE_BENCH_OPEN_SECONDS ?? DEFAULT_OPEN_SECONDS);
  if (!Number.isFinite(rate) || rate <= 0) return { rate: undefined, rateSource, seconds, runs: {}, summary: {} };
  ctx.log?.(`  open loop: ${fmt.int(rate)} requests/s (${rateSource}), ${seconds} s per path per operation`);
  const runs = await alternate(ctx.runs, (side) => load(side, target[side], 0, { rate, seconds }), ctx.log, sides);
  const summary = summarize(runs, sides, ['achieved', 'p50', 'p99', 'p999', 'max', 'sendLagP99', 'cpuPercent']);
  return { rate, rateSource, seconds, runs, summary };
}

function openTable(open) {
  if (open.rate === undefined) return `Open-loop phase not run: no closed-loop throughput to base the rate on (${open.rateSource}).`;
  const rows = [
    `Open loop, every path offered ${fmt.int(open.rate)} requests/s (${open.rateSource}) for ${open.seconds} s per operation; ` +
      'latency from each request\'s due time (ms):',
    '',
    '| path | SET achieved/s | SET p50 / p99 / p99.9 | GET achieved/s | GET p50 / p99 / p99.9 | send lag p99 SET / GET | generator CPU SET / GET |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const cell = (t) => `${fmt.ms(t.p50)} / ${fmt.ms(t.p99)} / ${fmt.ms(t.p999)}`;
  for (const [side, s] of Object.entries(open.summary)) {
    rows.push(`| ${side} | ${fmt.int(s.SET.achieved)} | ${cell(s.SET)} | ${fmt.int(s.GET.achieved)} | ${cell(s.GET)} | ` +
      `${fmt.num(s.SET.sendLagP99)} / ${fmt.num(s.GET.sendLagP99)} | ${fmt.num(s.SET.cpuPercent, 0)}% / ${fmt.num(s.GET.cpuPercent, 0)}% |`);
  }
  return rows.join('\n');
}

export const clientRouting = {
  name: 'client-routing',
  title: '11. Cluster: client-side routing vs a proxy hop, 3 nodes, 50 in flight',
  command: `npm run bench -- --only client-routing --requests ${DEFAULT_REQUESTS}`,
  async run(ctx) {
    const requests = ctx.requests ?? DEFAULT_REQUESTS;
    const cluster = await startRingcacheCluster(NODES);
    let proxy;
    try {
      ctx.log?.(`  ringcache cluster up on ${cluster.ports.join(', ')}`);
      const nest = await probeNestForwarding(cluster.nodes[0].tcpPort);
      const entry = cluster.nodes[0];
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) {
        // The probe took the node down: say so, bring it back, and measure the rest on a whole cluster.
        const tail = entry.child.output.split('\n').find((l) => /Error/.test(l))?.trim() ?? 'no error line';
        nest.forwards = false;
        nest.reason = `${nest.reason}; the node exited (code ${entry.child.exitCode}): ${tail}`;
        await entry.start();
        await waitClusterOk(cluster.ports, { timeoutMs: 60000 });
      }
      ctx.log?.(nest.forwards ? '  Nest TCP forwards to the owner: measuring it' : `  Nest TCP does not forward (${nest.reason}): not measured`);
      proxy = await startProxy(cluster.ports);
      const target = { direct: cluster.ports, 'nest-tcp': [cluster.nodes[0].tcpPort], resp: [proxy.port] };
      const sides = nest.forwards ? ['direct', 'nest-tcp', 'resp'] : ['direct', 'resp'];
      const runs = await alternate(ctx.runs, (side) => load(side, target[side], requests), ctx.log, sides);
      const summary = summarize(runs, sides, ['rps', 'p50', 'p99']);
      const open = await openLoop(ctx, sides, target, summary);
      const targets = [];
      for (const side of sides.filter((s) => s !== 'direct')) {
        for (const test of ['SET', 'GET']) {
          const r = ratio(summary.direct[test].rps, summary[side][test].rps);
          summary[side][test].directRatio = r;
          targets.push({ target: `${test}: direct ≥ 1.5× ${side} throughput`, value: r, met: r === undefined ? undefined : r >= 1.5 });
          const d = summary.direct[test].p99;
          const p = summary[side][test].p99;
          targets.push({ target: `${test}: direct p99 < ${side} p99 (ms)`, value: d, met: d === undefined || p === undefined ? undefined : d < p });
          const od = open.summary.direct?.[test]?.p99;
          const op = open.summary[side]?.[test]?.p99;
          targets.push({
            target: `${test}: direct p99 < ${side} p99 (ms), open loop at ${fmt.int(open.rate)}/s`,
            value: od,
            met: od === undefined || op === undefined ? undefined : od < op,
          });
        }
      }
      await stopChild(proxy.child);
      const proxyRedirects = Number(/redirects (\d+)/.exec(proxy.child.output)?.[1]);
      const proxyEvents = proxy.child.output.split('\n').filter((l) => l.startsWith('owner '));
      if (proxyEvents.length) ctx.log?.(`  RESP proxy owner-connection events:\n    ${proxyEvents.slice(0, 20).join('\n    ')}`);
      return {
        command: `npm run bench -- --only client-routing --requests ${requests} --runs ${ctx.runs}`,
        nestForwarding: nest,
        proxyRedirects,
        proxyEvents,
        runs,
        summary,
        open,
        targets,
      };
    } finally {
      if (proxy) await stopChild(proxy.child);
      await cluster.stop();
    }
  },
  table(result) {
    const rows = [
      '| path | client | SET ops/s | SET p50 / p99 ms | GET ops/s | GET p50 / p99 ms | direct ÷ this (SET / GET) |',
      '|---|---|---:|---:|---:|---:|---:|',
    ];
    for (const [side, s] of Object.entries(result.summary)) {
      const ratios = side === 'direct' ? '—' : `${fmt.ratio(s.SET.directRatio)} / ${fmt.ratio(s.GET.directRatio)}`;
      rows.push(`| ${side} | ${s.client ?? 'n/a'} | ${fmt.int(s.SET.rps)} | ${fmt.ms(s.SET.p50)} / ${fmt.ms(s.SET.p99)} | ` +
        `${fmt.int(s.GET.rps)} | ${fmt.ms(s.GET.p50)} / ${fmt.ms(s.GET.p99)} | ${ratios} |`);
    }
    if (result.open) rows.push('', openTable(result.open));
    if (Number.isFinite(result.proxyRedirects)) rows.push('', `MOVED redirects the RESP proxy followed: ${result.proxyRedirects}; owner connections it saw close: ${result.proxyEvents?.filter((e) => e.endsWith('closed')).length ?? 0}.`);
    if (!result.nestForwarding?.forwards) rows.push('', `Nest TCP proxy hop not measured: the node replied \`${result.nestForwarding?.reason}\` for a key it does not own.`);
    return rows.join('\n');
  },
};
