/**
 * Clusters under test as real processes: an N-node ringcache cluster (cluster mode, UDP gossip) and an N-node
 * Redis Cluster (redis-server + `redis-cli --cluster create`), all masters, on random free loopback ports,
 * no persistence. Helpers to read CLUSTER INFO / CLUSTER NODES and to wait until a cluster has settled.
 * Every process goes through spawnTracked, so it is killed on exit, on errors and on Ctrl-C.
 */
import net from 'node:net';
import path from 'node:path';
import { ROOT, exited, runToCompletion, spawnTracked, stopChild, tempDirectory, waitForPing } from './processes.mjs';
import { RespConnection, parseInfo } from './resp.mjs';

/** The build the cluster scenarios run: dist/, or RINGCACHE_BENCH_DIST (a copy, while dist/ is being rebuilt). */
export const DIST = process.env.RINGCACHE_BENCH_DIST ?? path.join(ROOT, 'dist');
export const NODE_MAIN = path.join(DIST, 'apps', 'cache-node', 'src', 'main.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function canBind(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const taken = new Set();

/**
 * A port P in 10000-22767 such that P and P + `offset` (the cluster bus: Redis and ringcache default to
 * port + 10000) were both free a moment ago, and not handed out before in this process. Both stay below
 * Linux's ephemeral range (32768+), so an outgoing connection cannot take the port of a node that is down
 * for a restart.
 */
export async function freePortPair(offset = 10000) {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = 10000 + Math.floor(Math.random() * 12768);
    if (taken.has(port) || taken.has(port + offset)) continue;
    if (await canBind(port) && await canBind(port + offset)) {
      taken.add(port);
      taken.add(port + offset);
      return port;
    }
  }
  throw new Error('no free port pair found');
}

/** One command on a fresh connection, with a deadline; errors resolve as `{ error }`. */
export async function call(port, args, timeoutMs = 1000) {
  const conn = await RespConnection.connect(port, '127.0.0.1', timeoutMs);
  try {
    return await Promise.race([
      conn.call(...args),
      sleep(timeoutMs).then(() => { throw new Error(`${args.join(' ')} on ${port}: no reply in ${timeoutMs} ms`); }),
    ]);
  } finally {
    conn.close();
  }
}

/** CLUSTER INFO as { field: string }. */
export async function clusterInfo(port, timeoutMs) {
  const reply = await call(port, ['CLUSTER', 'INFO'], timeoutMs);
  if (reply?.error) throw new Error(`CLUSTER INFO on ${port}: ${reply.error}`);
  return parseInfo(reply);
}

/** CLUSTER NODES as [{ id, address, port, flags: string[], epoch, linkState, slots }]. */
export function parseClusterNodes(text) {
  return String(text).split('\n').filter((l) => l.trim()).map((line) => {
    const f = line.trim().split(' ');
    const address = f[1].split('@')[0];
    return {
      id: f[0],
      address,
      port: Number(address.slice(address.lastIndexOf(':') + 1)),
      flags: f[2].split(','),
      epoch: Number(f[6]),
      linkState: f[7],
      slots: f.slice(8),
    };
  });
}

export async function clusterNodes(port, timeoutMs) {
  const reply = await call(port, ['CLUSTER', 'NODES'], timeoutMs);
  if (reply?.error) throw new Error(`CLUSTER NODES on ${port}: ${reply.error}`);
  return parseClusterNodes(reply);
}

/**
 * Poll every port until each answers cluster_state:ok, knows `members` nodes, and (if `sameEpoch`) all report
 * the same cluster_current_epoch. Returns the last infos; throws after `timeoutMs` with what it saw.
 */
export async function waitClusterOk(ports, { members = ports.length, sameEpoch = true, timeoutMs = 60000, pollMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    try {
      last = await Promise.all(ports.map((p) => clusterInfo(p)));
      // cluster_size: members owning slots (a joining ringcache member copies its slots first, owning none).
      const ok = last.every((i) => i.cluster_state === 'ok' && Number(i.cluster_known_nodes) === members && Number(i.cluster_size) === members);
      const epochs = new Set(last.map((i) => i.cluster_current_epoch));
      if (ok && (!sameEpoch || epochs.size === 1)) return last;
    } catch { /* a node not up yet */ }
    await sleep(pollMs);
  }
  const seen = last.map((i, k) => `${ports[k]}: state=${i.cluster_state} known=${i.cluster_known_nodes} epoch=${i.cluster_current_epoch}`);
  throw new Error(`cluster on ${ports.join(',')} not settled within ${timeoutMs} ms (${seen.join('; ') || 'no answer'})`);
}

/**
 * Give each node (with `command` and `args` set) `start()` (spawn, wait for PING) and `kill9()`, start them
 * all, run `form(cluster)` until the cluster is ready; on any failure stop every node and rethrow.
 */
async function launch(kind, nodes, form) {
  for (const node of nodes) {
    node.start = async () => {
      node.child = spawnTracked(node.command, node.args);
      await waitForPing(node.port, node.child);
    };
    node.kill9 = async () => {
      try { node.child.kill('SIGKILL'); } catch { /* gone */ }
      await exited(node.child);
    };
  }
  const cluster = {
    kind,
    nodes,
    ports: nodes.map((x) => x.port),
    stop: () => Promise.all(nodes.map((x) => stopChild(x.child))),
  };
  try {
    await Promise.all(nodes.map((x) => x.start()));
    await form(cluster);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/**
 * Start an N-node ringcache cluster: `node dist/apps/cache-node/src/main.js --port P --tcp-port T --http-port H
 * --cluster-enabled yes --cluster-port B --seeds <every bus address>` (plus `extraArgs`), then wait for
 * cluster_state:ok with one epoch everywhere. Each node can be killed (`kill9`) and restarted (`start`).
 */
export async function startRingcacheCluster(n, { extraArgs = [], settleMs = 60000 } = {}) {
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const port = await freePortPair(10000);
    nodes.push({ port, busPort: port + 10000, tcpPort: await freePortPair(0), httpPort: await freePortPair(0) });
  }
  const seeds = nodes.map((x) => `127.0.0.1:${x.busPort}`).join(',');
  for (const node of nodes) {
    node.command = process.execPath;
    node.args = [
      NODE_MAIN, '--port', String(node.port), '--tcp-port', String(node.tcpPort), '--http-port', String(node.httpPort),
      '--cluster-enabled', 'yes', '--cluster-port', String(node.busPort), '--seeds', seeds, ...extraArgs,
    ];
  }
  return launch('ringcache', nodes, (cluster) => waitClusterOk(cluster.ports, { timeoutMs: settleMs }));
}

/**
 * Start an N-node Redis Cluster of masters: `redis-server --port P --cluster-enabled yes --cluster-config-file
 * F --save '' --appendonly no`, `redis-cli --cluster create ... --cluster-yes`, wait for cluster_state:ok.
 */
export async function startRedisCluster(n, { extraArgs = [], settleMs = 60000 } = {}) {
  const dir = tempDirectory();
  const nodes = [];
  for (let i = 0; i < n; i++) nodes.push({ port: await freePortPair(10000) });
  for (const node of nodes) {
    node.command = 'redis-server';
    node.args = [
      '--port', String(node.port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
      '--cluster-config-file', path.join(dir, `nodes-${node.port}-${Date.now()}.conf`),
      '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...extraArgs,
    ];
  }
  return launch('redis', nodes, async (cluster) => {
    await runToCompletion('redis-cli', ['--cluster', 'create', ...nodes.map((x) => `127.0.0.1:${x.port}`), '--cluster-yes'], { timeoutMs: 60000 });
    await waitClusterOk(cluster.ports, { sameEpoch: false, timeoutMs: settleMs });
  });
}

/** Start a cluster of `kind` ('ringcache' | 'redis'). */
export function startCluster(kind, n, options) {
  return kind === 'redis' ? startRedisCluster(n, options) : startRingcacheCluster(n, options);
}
