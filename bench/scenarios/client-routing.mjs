/**
 * Scenario 11: client-side routing against a proxy hop, on a 3-node ringcache cluster. The same workload
 * (SETs then GETs of random keys out of 10,000, 50 in flight; bench/routing/load.mjs) goes
 *   direct    through RingCacheClient, which sends each command to the slot's owner;
 *   nest-tcp  through ONE node's Nest TCP transport, which forwards keys it does not own to their owner
 *             (measured only when a probe of 200 random SETs succeeds, i.e. once the node forwards);
 *   resp      through a RESP pass-through proxy on one port (bench/routing/resp-proxy.mjs: slot table, one ioredis
 *             connection per owner): the hop alone, without the Nest transport's JSON framing.
 * Paths alternate per round; the load generator is its own process.
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
const LOAD = path.join(ROOT, 'bench', 'routing', 'load.mjs');
const PROXY = path.join(ROOT, 'bench', 'routing', 'resp-proxy.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function load(mode, ports, requests, probe = false) {
  const args = [LOAD, mode, ports.join(','), String(requests), String(KEYS), String(CONCURRENCY)];
  if (probe) args.push('--probe');
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
    await load('nest-tcp', [tcpPort], 0, true);
    return { forwards: true };
  } catch (err) {
    const line = String(err.message).split('\n').find((l) => l.startsWith('{"client"'));
    return { forwards: false, reason: line ? JSON.parse(line).error : String(err.message).split('\n')[0] };
  }
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
      const summary = {};
      for (const side of sides) {
        const ok = runs[side].filter((r) => r.SET && r.GET);
        summary[side] = { client: ok[0]?.client, runs: ok.length };
        for (const test of ['SET', 'GET']) {
          const recs = ok.map((r) => r[test]);
          summary[side][test] = { rps: medianOf(recs, 'rps'), p50: medianOf(recs, 'p50'), p99: medianOf(recs, 'p99') };
        }
      }
      const targets = [];
      for (const side of sides.filter((s) => s !== 'direct')) {
        for (const test of ['SET', 'GET']) {
          const r = ratio(summary.direct[test].rps, summary[side][test].rps);
          summary[side][test].directRatio = r;
          targets.push({ target: `${test}: direct ≥ 1.5× ${side} throughput`, value: r, met: r === undefined ? undefined : r >= 1.5 });
          const d = summary.direct[test].p99;
          const p = summary[side][test].p99;
          targets.push({ target: `${test}: direct p99 < ${side} p99 (ms)`, value: d, met: d === undefined || p === undefined ? undefined : d < p });
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
    if (Number.isFinite(result.proxyRedirects)) rows.push('', `MOVED redirects the RESP proxy followed: ${result.proxyRedirects}; owner connections it saw close: ${result.proxyEvents?.filter((e) => e.endsWith('closed')).length ?? 0}.`);
    if (!result.nestForwarding?.forwards) rows.push('', `Nest TCP proxy hop not measured: the node replied \`${result.nestForwarding?.reason}\` for a key it does not own.`);
    return rows.join('\n');
  },
};
