/**
 * Scenario 12: gossip failure detection with real processes. A 5-node ringcache cluster (default
 * cluster-node-timeout); 10 times: `kill -9` one node, time until every survivor lists it as `fail` in CLUSTER
 * NODES (polled every 100 ms), restart it and wait until it has rejoined. Then `redis-benchmark --cluster` load
 * for `--duration` seconds while CLUSTER NODES and CLUSTER INFO of every node are polled every 250 ms: any
 * `fail?`/`fail` flag on a live node and any change of cluster_current_epoch is counted (should be none).
 */
import { startRingcacheCluster, clusterInfo, clusterNodes, waitClusterOk } from '../lib/clusters.mjs';
import { spawnTracked, stopChild } from '../lib/processes.mjs';
import { info } from '../lib/resp.mjs';
import { median, fmt } from '../lib/stats.mjs';

const NODES = 5;
const KILLS = 10;
/** CLUSTER NODES polling periods: while waiting for a kill to be detected, and while counting under load. */
const POLL_MS = { detect: 100, load: 250 };
const DEFAULT_DURATION_S = 60;
const DETECT_TIMEOUT_MS = 60000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sum of INFO stats total_commands_processed over the cluster (the polls themselves are a few hundred). */
async function commandsProcessed(ports) {
  const all = await Promise.all(ports.map((p) => info(p, 'stats')));
  return all.reduce((sum, i) => sum + Number(i.total_commands_processed ?? 0), 0);
}

/** Flags `port` carries in `observer`'s CLUSTER NODES (undefined if unknown or the poll failed). */
async function flagsSeenBy(observer, port) {
  try {
    const entry = (await clusterNodes(observer, 1000)).find((n) => n.port === port);
    return entry?.flags;
  } catch {
    return undefined;
  }
}

/** ms from the kill until the last survivor shows `fail` for the victim, and each survivor's own time. */
async function timeDetection(cluster, victim) {
  const survivors = cluster.nodes.filter((n) => n !== victim).map((n) => n.port);
  const seenAt = new Map();
  await victim.kill9();
  const killedAt = performance.now();
  while (seenAt.size < survivors.length) {
    if (performance.now() - killedAt > DETECT_TIMEOUT_MS) throw new Error(`node ${victim.port} not marked fail by all survivors within ${DETECT_TIMEOUT_MS} ms`);
    const pollAt = performance.now();
    await Promise.all(survivors.filter((p) => !seenAt.has(p)).map(async (p) => {
      const flags = await flagsSeenBy(p, victim.port);
      if (flags?.includes('fail')) seenAt.set(p, performance.now() - killedAt);
    }));
    await sleep(Math.max(0, POLL_MS.detect - (performance.now() - pollAt)));
  }
  return { detectMs: Math.max(...seenAt.values()), firstMs: Math.min(...seenAt.values()) };
}

/** Kill, detect, restart, rejoin: KILLS times, the victim rotating through the members. */
async function measureDetection(cluster, log) {
  const kills = [];
  for (let k = 0; k < KILLS; k++) {
    const victim = cluster.nodes[k % NODES];
    const { detectMs, firstMs } = await timeDetection(cluster, victim);
    const restartAt = performance.now();
    await victim.start();
    await waitClusterOk(cluster.ports, { members: NODES, timeoutMs: 60000, pollMs: POLL_MS.detect });
    const rejoinMs = performance.now() - restartAt;
    kills.push({ victim: victim.port, detectMs, firstMs, rejoinMs });
    log?.(`  kill ${k + 1}/${KILLS} (port ${victim.port}): all survivors see fail after ${(detectMs / 1000).toFixed(2)} s ` +
      `(first ${(firstMs / 1000).toFixed(2)} s), rejoined ${(rejoinMs / 1000).toFixed(2)} s after restart`);
  }
  return kills;
}

/** `seconds` of redis-benchmark --cluster load, counting suspicion flags and epoch changes seen by polls. */
async function measureFalseSuspicions(cluster, seconds, log) {
  const load = spawnTracked('redis-benchmark', [
    '--cluster', '-h', '127.0.0.1', '-p', String(cluster.ports[0]), '-t', 'set,get', '-c', '50', '-r', '10000', '-l', '-q',
  ]);
  const counts = { polls: 0, pollFailures: 0, suspectSightings: 0, failSightings: 0, epochChanges: 0, stateNotOk: 0 };
  const flagged = new Set(); // "observer>target:flag" seen at least once
  const epochs = new Map();
  let loadOpsPerSec;
  try {
    await sleep(1000); // let the load connect before the clock starts counting
    const before = await commandsProcessed(cluster.ports);
    const startedAt = performance.now();
    const deadline = startedAt + seconds * 1000;
    while (performance.now() < deadline) {
      if (load.exitCode !== null) throw new Error(`redis-benchmark load exited early (code ${load.exitCode})\n${load.output}`);
      const pollAt = performance.now();
      await Promise.all(cluster.ports.map(async (p) => {
        counts.polls++;
        try {
          const [nodes, info] = await Promise.all([clusterNodes(p, 2000), clusterInfo(p, 2000)]);
          for (const n of nodes) {
            if (n.flags.includes('fail?')) { counts.suspectSightings++; flagged.add(`${p}>${n.port}:fail?`); }
            if (n.flags.includes('fail')) { counts.failSightings++; flagged.add(`${p}>${n.port}:fail`); }
          }
          if (info.cluster_state !== 'ok') counts.stateNotOk++;
          const epoch = info.cluster_current_epoch;
          if (epochs.has(p) && epochs.get(p) !== epoch) counts.epochChanges++;
          epochs.set(p, epoch);
        } catch {
          counts.pollFailures++;
        }
      }));
      await sleep(Math.max(0, POLL_MS.load - (performance.now() - pollAt)));
    }
    loadOpsPerSec = (await commandsProcessed(cluster.ports) - before) / ((performance.now() - startedAt) / 1000);
  } finally {
    await stopChild(load);
  }
  log?.(`  ${seconds} s under load (${Math.round(loadOpsPerSec)} commands/s): ${JSON.stringify(counts)}${flagged.size ? ` flagged: ${[...flagged].join(' ')}` : ''}`);
  return { seconds, loadOpsPerSec, ...counts, flagged: [...flagged], epochs: Object.fromEntries(epochs) };
}

export const gossip = {
  name: 'gossip',
  title: '12. Cluster: gossip failure detection, 5 real nodes',
  command: `npm run bench -- --only gossip --duration ${DEFAULT_DURATION_S}`,
  async run(ctx) {
    const seconds = ctx.duration ?? DEFAULT_DURATION_S;
    const cluster = await startRingcacheCluster(NODES);
    ctx.log?.(`  ringcache cluster up on ${cluster.ports.join(', ')}`);
    try {
      const kills = await measureDetection(cluster, ctx.log);
      const detect = kills.map((k) => k.detectMs);
      const load = await measureFalseSuspicions(cluster, seconds, ctx.log);
      const summary = {
        detectMedianMs: median(detect),
        detectMaxMs: Math.max(...detect),
        rejoinMedianMs: median(kills.map((k) => k.rejoinMs)),
        rejoinMaxMs: Math.max(...kills.map((k) => k.rejoinMs)),
      };
      const falseFlags = load.suspectSightings + load.failSightings;
      return {
        command: `npm run bench -- --only gossip --duration ${seconds}`,
        kills,
        load,
        summary,
        targets: [
          { target: 'kill -9 detected by every survivor ≤ 10 s (max of 10)', value: summary.detectMaxMs / 1000, met: summary.detectMaxMs <= 10000 },
          { target: `false fail?/fail sightings under load (${seconds} s) = 0`, value: falseFlags, met: falseFlags === 0 },
          { target: `epoch changes under load (${seconds} s) = 0`, value: load.epochChanges, met: load.epochChanges === 0 },
        ],
      };
    } finally {
      await cluster.stop();
    }
  },
  table(result) {
    const s = result.summary;
    const l = result.load;
    const sec = (ms) => `${fmt.num(ms / 1000, 2)} s`;
    return [
      '| measure (5 nodes, cluster-node-timeout 5000) | value |',
      '|---|---|',
      `| kill -9 → every survivor shows \`fail\`: median / max over ${result.kills.length} kills | ${sec(s.detectMedianMs)} / ${sec(s.detectMaxMs)} |`,
      `| each kill | ${result.kills.map((k) => fmt.num(k.detectMs / 1000, 1)).join(', ')} s |`,
      `| restart → cluster_state:ok, 5 known, one epoch everywhere: median / max | ${sec(s.rejoinMedianMs)} / ${sec(s.rejoinMaxMs)} |`,
      `| load: redis-benchmark --cluster -t set,get -c 50 -r 10000 -l, commands/s over the cluster | ${fmt.int(l.loadOpsPerSec)} |`,
      `| under load (${l.seconds} s): \`fail?\` / \`fail\` sightings on live nodes | ${l.suspectSightings} / ${l.failSightings} |`,
      `| under load: cluster_current_epoch changes / polls with cluster_state ≠ ok | ${l.epochChanges} / ${l.stateNotOk} |`,
      `| under load: polls (every 250 ms × 5 nodes) / polls unanswered within 2 s | ${l.polls} / ${l.pollFailures} |`,
    ].join('\n');
  },
};
