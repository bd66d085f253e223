/**
 * Scenario 5 worker: one cache implementation in its own process, driven by a precomputed 90% GET / 10% SET
 * sequence over a key range twice the capacity, so every pass evicts. Prints one JSON line:
 * { impl, distribution, capacity, passes: [ops/s...], median, hitRate }.
 *
 *   node --expose-gc bench/workers/engine-worker.mjs <ringcache|lru-cache> <uniform|zipf> [ops] [capacity]
 *
 * `uniform`: keys drawn uniformly; about half the GETs miss and the 10% SETs keep the cache full and evicting.
 * `zipf`: keys drawn Zipf(0.99) and used cache-aside: a GET miss is followed by a SET of that key (counted
 * as one more operation), so the cache fills and evicts as a read-through cache does; without that, the
 * SETs alone would touch fewer distinct keys than the capacity and nothing would be evicted.
 *
 * Both sides see the same keys, values and operations (seeded PRNG). The ringcache side calls what the
 * GET and SET commands call: keyspace.lookupRead for a read; engine.freeMemoryIfNeeded then keyspace.set
 * for a write. Capacity for the engine is a maxmemory sized to hold `capacity` entries by its own accounting.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [impl, distribution = 'zipf', opsArg, capacityArg] = process.argv.slice(2);
const OPS = Number(opsArg ?? 2_000_000);
const CAPACITY = Number(capacityArg ?? 100_000);
const KEY_RANGE = CAPACITY * 2;
const PASSES = 5;
const DB = 0;

/** mulberry32: small seeded PRNG so both implementations get the identical sequence. */
function prng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Key indices: uniform, or Zipf(s = 0.99) by inverse CDF over a shuffled rank order. */
function buildSequence() {
  const rnd = prng(0x5eed);
  const keys = new Array(KEY_RANGE);
  for (let i = 0; i < KEY_RANGE; i++) keys[i] = `key:${String(i).padStart(12, '0')}`; // 16 bytes
  const idx = new Int32Array(OPS);
  const isSet = new Uint8Array(OPS);
  let pick;
  if (distribution === 'uniform') {
    pick = () => Math.floor(rnd() * KEY_RANGE);
  } else {
    const cdf = new Float64Array(KEY_RANGE);
    let sum = 0;
    for (let r = 0; r < KEY_RANGE; r++) { sum += 1 / Math.pow(r + 1, 0.99); cdf[r] = sum; }
    const perm = new Int32Array(KEY_RANGE).map((_, i) => i);
    for (let i = KEY_RANGE - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
    pick = () => {
      const u = rnd() * sum;
      let lo = 0, hi = KEY_RANGE - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
      return perm[lo];
    };
  }
  for (let i = 0; i < OPS; i++) { idx[i] = pick(); isSet[i] = rnd() < 0.1 ? 1 : 0; }
  return { keys, idx, isSet };
}

async function loadEngineModule() {
  for (const rel of ['dist/libs/engine/src/engine.js', 'dist/libs/engine/src/index.js']) {
    const file = path.join(ROOT, rel);
    if (existsSync(file)) {
      const mod = await import(pathToFileURL(file).href);
      if (mod.Engine) return mod;
    }
  }
  throw new Error('Engine not found in dist/libs/engine/src/{engine,index}.js (run npm run build)');
}

/** A driver is { get(key), set(key, value) } over one cache. */
async function makeDriver() {
  if (impl === 'lru-cache') {
    const { LRUCache } = await import('lru-cache');
    const cache = new LRUCache({ max: CAPACITY });
    return { get: (k) => cache.get(k), set: (k, v) => { cache.set(k, v); }, size: () => cache.size, note: {} };
  }
  const { Engine } = await loadEngineModule();
  // Size maxmemory by the engine's own accounting so it holds CAPACITY entries like lru-cache's max.
  const probe = new Engine();
  const base = probe.usedMemory();
  const sample = 1000;
  for (let i = 0; i < sample; i++) probe.keyspace.set(DB, `key:${String(i).padStart(12, '0')}`, VALUE);
  const perEntry = (probe.usedMemory() - base) / sample;
  const maxmemory = Math.round(base + perEntry * CAPACITY);
  const engine = new Engine({ maxmemory, maxmemoryPolicy: 'allkeys-lru' });
  const keyspace = engine.keyspace;
  return {
    get: (k) => keyspace.lookupRead(DB, k),
    set: (k, v) => { engine.freeMemoryIfNeeded(); keyspace.set(DB, k, v); },
    size: () => keyspace.size(DB),
    note: { accountedBytesPerEntry: perEntry, maxmemory },
  };
}

const VALUE = 'v'.repeat(64);
const FILL_ON_MISS = distribution === 'zipf';

function pass(driver, seq) {
  const { keys, idx, isSet } = seq;
  let hits = 0;
  let fills = 0;
  const t0 = process.hrtime.bigint();
  if (FILL_ON_MISS) {
    for (let i = 0; i < OPS; i++) {
      const key = keys[idx[i]];
      if (isSet[i] === 1) driver.set(key, VALUE);
      else if (driver.get(key) !== undefined) hits++;
      else { driver.set(key, VALUE); fills++; }
    }
  } else {
    for (let i = 0; i < OPS; i++) {
      const key = keys[idx[i]];
      if (isSet[i] === 1) driver.set(key, VALUE);
      else if (driver.get(key) !== undefined) hits++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { opsPerSec: (OPS + fills) / seconds, hits };
}

const seq = buildSequence();
const driver = await makeDriver();
const gets = OPS - seq.isSet.reduce((a, b) => a + b, 0);
pass(driver, seq); // warm-up: fills the cache to capacity and lets the JIT settle
const passes = [];
let hits = 0;
for (let p = 0; p < PASSES; p++) {
  globalThis.gc?.();
  const r = pass(driver, seq);
  passes.push(r.opsPerSec);
  hits = r.hits;
}
const sorted = [...passes].sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  impl, distribution, capacity: CAPACITY, keyRange: KEY_RANGE, ops: OPS,
  passes, median: sorted[sorted.length >> 1], hitRate: hits / gets, sizeAfter: driver.size(), ...driver.note,
}) + '\n');
