#!/usr/bin/env node
/**
 * Slot distribution on the ring (issue 4): for 3, 10, 100 and 500 members with random 40-hex ids (as Redis
 * node ids) from seeded generators, averaged over 5 seeds, the largest member's share over the mean, and the
 * fraction of the 16384 slots that change owner when one member joins (ideal 1/(N+1)) or leaves (ideal 1/N),
 * with the bounded-load rule and without it (plain ring). Uses the build in dist/.
 *
 *   npm run build && node bench/ring-distribution.mjs [--seeds 5] [--sizes 3,10,100,500]
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLUSTER = pathToFileURL(path.join(ROOT, 'dist/libs/cluster/src/index.js')).href;
const SLOT_COUNT = 16384;

export const SIZES = [3, 10, 100, 500];
export const SEEDS = 5;

/** mulberry32: the seeded generator behind the member ids. */
function generator(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nodeIds(count, seed) {
  const random = generator(seed);
  return Array.from({ length: count }, () => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join(''));
}

function ownerIds(ring) {
  return Array.from(ring.owners, (member) => ring.members[member]);
}

function movedFraction(before, after) {
  const a = ownerIds(before);
  const b = ownerIds(after);
  let moved = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) if (a[slot] !== b[slot]) moved++;
  return moved / SLOT_COUNT;
}

const average = (xs) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

/** One row per (size, rule): averages over seeds. */
export async function measureRing({ sizes = SIZES, seeds = SEEDS } = {}) {
  const { HashRing } = await import(CLUSTER);
  const rows = [];
  for (const size of sizes) {
    for (const bounded of [true, false]) {
      const samples = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const ids = nodeIds(size + 1, seed * 7919 + size);
        const started = performance.now();
        const ring = new HashRing(ids.slice(0, size), { bounded });
        const buildMs = performance.now() - started;
        const joined = new HashRing(ids, { bounded });
        const left = new HashRing(ids.slice(1, size), { bounded });
        samples.push({
          maxShare: Math.max(...ring.loads) / (SLOT_COUNT / size),
          join: movedFraction(ring, joined),
          leave: movedFraction(ring, left),
          buildMs,
        });
      }
      const join = average(samples.map((s) => s.join));
      const leave = average(samples.map((s) => s.leave));
      rows.push({
        size, bounded,
        maxShare: average(samples.map((s) => s.maxShare)),
        worstMaxShare: Math.max(...samples.map((s) => s.maxShare)),
        join, joinOverIdeal: join * (size + 1),
        leave, leaveOverIdeal: leave * size,
        buildMs: average(samples.map((s) => s.buildMs)),
      });
    }
  }
  return rows;
}

export function ringTable(rows) {
  const lines = [
    '| members | rule | max share / mean (worst seed) | moved on join (÷ ideal 1/(N+1)) | moved on leave (÷ ideal 1/N) | table build ms |',
    '|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.size} | ${r.bounded ? 'bounded ε=0.05' : 'plain ring'} | ${r.maxShare.toFixed(3)} (${r.worstMaxShare.toFixed(3)}) | ` +
      `${(r.join * 100).toFixed(2)}% (${r.joinOverIdeal.toFixed(2)}×) | ${(r.leave * 100).toFixed(2)}% (${r.leaveOverIdeal.toFixed(2)}×) | ${r.buildMs.toFixed(1)} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const option = (name) => { const i = args.indexOf(name); return i === -1 ? undefined : args[i + 1]; };
  const seeds = Number(option('--seeds') ?? SEEDS);
  const sizes = (option('--sizes') ?? SIZES.join(',')).split(',').map(Number);
  process.stdout.write(`${ringTable(await measureRing({ sizes, seeds }))}\n`);
}
