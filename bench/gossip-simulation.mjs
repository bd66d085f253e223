#!/usr/bin/env node
/**
 * Gossip failure detection, simulated (issue 4): 100 Membership instances with default options on a fake clock and
 * an in-memory network (1-20 ms per-message delay, delivered in time order, and 1% random loss). All join through
 * one seed (convergence time: all see every member alive and one epoch); then 10 members are killed one after
 * another, each after the survivors re-converge (detection time: kill → the last survivor marks it failed); then
 * 5 minutes of steady state. False suspicions (a live member entering `suspect` in some view) and false failures
 * (a live member marked `failed`) are counted over the whole run. Simulated time only; uses the build in dist/.
 *
 *   npm run build && node bench/gossip-simulation.mjs [--nodes 100] [--kills 10] [--loss 0.01] [--steady-s 300] [--seed 1]
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIM = pathToFileURL(path.join(ROOT, 'dist/libs/cluster/src/sim-network.js')).href;

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    kills: { type: 'string', default: '10' },
    loss: { type: 'string', default: '0.01' },
    'steady-s': { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
  },
});
const NODES = Number(values.nodes);
const KILLS = Number(values.kills);
const LOSS = Number(values.loss);
const STEADY_MS = Number(values['steady-s']) * 1000;
const SEED = Number(values.seed);

const { SimNetwork, seededRandom } = await import(SIM);
const realStart = performance.now();
const net = new SimNetwork({ seed: SEED, minDelayMs: 1, maxDelayMs: 20, loss: LOSS });
const indexOf = (id) => Number(id.slice('node-'.length));

/** Distinct (viewer, member, incarnation) suspicions and failures of members that were not dead at the time. */
const falseSuspicions = new Set();
const falseFailures = new Set();
for (let i = 0; i < NODES; i++) {
  const node = net.start(i);
  node.onChange((members) => {
    if (net.isDown(i)) return;
    for (const m of members) {
      if ((m.state === 'suspect' || m.state === 'failed') && !net.isDown(indexOf(m.id))) {
        (m.state === 'suspect' ? falseSuspicions : falseFailures).add(`${i}|${m.id}|${m.incarnation}`);
      }
    }
  });
}
for (let i = 1; i < NODES; i++) net.node(i).join([SimNetwork.address(0)]);

const joinMs = net.run(300_000, () => net.converged());
if (!net.converged()) throw new Error(`no convergence within ${joinMs} ms`);

const pick = seededRandom(SEED * 31 + 7);
const detections = [];
const reconvergences = [];
for (let k = 0; k < KILLS; k++) {
  const live = net.live().filter((i) => i !== 0);
  const victim = live[Math.floor(pick() * live.length)];
  net.kill(victim);
  const killedAt = net.clock.time;
  let last = 0;
  net.run(60_000, () => {
    const pending = net.live().filter((v) => net.stateOf(v, victim) !== 'failed');
    if (pending.length === 0) last = net.clock.time - killedAt;
    return pending.length === 0;
  });
  if (last === 0) throw new Error(`kill ${k + 1} (node-${victim}) not detected by all within 60 s`);
  detections.push(last);
  const settled = net.run(120_000, () => net.converged());
  reconvergences.push(last + settled);
}

const steadyStart = net.clock.time;
const falseBeforeSteady = [falseSuspicions.size, falseFailures.size];
net.run(STEADY_MS);
const steadyMs = net.clock.time - steadyStart;

const sorted = [...detections].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

console.log(`| Measure (${NODES} nodes, default options, 1-20 ms delay, ${(LOSS * 100).toFixed(0)}% loss, seed ${SEED}) | Value |`);
console.log('|---|---|');
console.log(`| Convergence after ${NODES - 1} members join one seed at once (all alive, one epoch) | ${s(joinMs)} |`);
console.log(`| Detection, kill → last survivor marks failed: median / max over ${KILLS} kills | ${s(median)} / ${s(sorted.at(-1))} |`);
console.log(`| Detection, each kill | ${detections.map((d) => (d / 1000).toFixed(1)).join(', ')} s |`);
console.log(`| Re-convergence after a kill (one epoch, no suspects), max | ${s(Math.max(...reconvergences))} |`);
console.log(`| False suspicions (live member → suspect in some view): join + kills / ${s(steadyMs)} steady | ${falseBeforeSteady[0]} / ${falseSuspicions.size - falseBeforeSteady[0]} |`);
console.log(`| False failures (live member → failed in some view): join + kills / ${s(steadyMs)} steady | ${falseBeforeSteady[1]} / ${falseFailures.size - falseBeforeSteady[1]} |`);
console.log(`| Messages sent / lost | ${net.sentCount} / ${net.lostCount} |`);
console.log(`\nSimulated ${s(net.clock.time)} in ${((performance.now() - realStart) / 1000).toFixed(1)} s real.`);
