/**
 * Fault: kill -9 of a standalone node around a BGREWRITEAOF (docs/persistence.md). 20 runs, each on a fresh
 * directory: a node with --appendonly yes loads a 50k-key AOF (strings, lists, hashes), writers run with every
 * acknowledged write recorded, BGREWRITEAOF starts, and 0-300 ms later the node is killed -9 (INFO
 * aof_rewrite_in_progress just before says whether the kill landed during the rewrite). The node must start
 * again (no corruption: the rename of the rewritten file is the only switch) with every base key and every
 * acknowledged write at its acknowledged value.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { aofClient as client, bootLoaded, infoFields as info, kill9, type BootedNode } from '../support/aof-nodes.js';
import { emit, sleep } from './fault-kit.js';

const RUNS = 20;
const STRINGS = 40_000;
const LISTS = 5_000;
const HASHES = 5_000;
/** Elements per list and fields per hash of the base keyspace. */
const WIDTH = 20;
const WRITERS = 3;

const work = mkdtempSync(path.join(tmpdir(), 'ringcache-aof-faults-'));
const outcomes: { run: number; killAfterMs: number; duringRewrite: boolean; acked: number }[] = [];

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  const during = outcomes.filter((o) => o.duringRewrite).length;
  emit('aof-rewrite-kill', { runs: outcomes.length, killedDuringRewrite: during, killedOutsideRewrite: outcomes.length - during, outcomes });
});

const resp = (args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** The base keyspace as an AOF (written straight to the file: replaying it is faster than sending it). */
function baseAof(): Buffer {
  const parts: string[] = [];
  const pad = 'p'.repeat(80);
  for (let i = 0; i < STRINGS; i++) parts.push(resp(['SET', `base:s:${i}`, `${i}-${pad}`]));
  const items = Array.from({ length: WIDTH }, (_, j) => `item-${j}`);
  for (let i = 0; i < LISTS; i++) parts.push(resp(['RPUSH', `base:l:${i}`, ...items]));
  const fields = items.flatMap((item, j) => [`f${j}`, item]);
  for (let i = 0; i < HASHES; i++) parts.push(resp(['HSET', `base:h:${i}`, ...fields]));
  return Buffer.from(parts.join(''), 'latin1');
}

/** Starts a node (launcher + node process) and waits until its AOF is loaded. */
function boot(dir: string): Promise<BootedNode> {
  return bootLoaded(dir, ['--appendonly', 'yes', '--auto-aof-rewrite-percentage', '0'], 60_000);
}

/**
 * One writer's acknowledged state: overwritten string keys (a rewrite must keep the last value), a counter and
 * a list (INCR / RPUSH counts), and the key of the write in flight when the node died, which may or may not
 * have landed.
 */
interface Writer {
  readonly id: number;
  readonly strings: Map<string, string>;
  counter: number;
  listLength: number;
  pending: string | undefined;
}

async function write(redis: Redis, w: Writer, running: () => boolean): Promise<void> {
  const counter = `w:${w.id}:ctr`;
  const list = `w:${w.id}:list`;
  try {
    for (let i = 0; running(); i++) {
      const key = `w:${w.id}:s:${i % 500}`; // overwrites: the rewrite sees keys change under its walk
      w.pending = key;
      expect(await redis.set(key, `v${i}`)).toBe('OK');
      w.strings.set(key, `v${i}`);
      w.pending = counter;
      expect(await redis.incr(counter)).toBe(w.counter + 1);
      w.counter++;
      w.pending = list;
      expect(await redis.rpush(list, String(i))).toBe(w.listLength + 1);
      w.listLength++;
      w.pending = undefined;
    }
  } catch (err) {
    if (running()) throw err;
  }
}

async function expectBase(redis: Redis): Promise<void> {
  expect(await redis.dbsize()).toBeGreaterThanOrEqual(STRINGS + LISTS + HASHES);
  const pad = 'p'.repeat(80);
  for (let from = 0; from < STRINGS; from += 10_000) {
    const keys = Array.from({ length: 10_000 }, (_, j) => `base:s:${from + j}`);
    const values = await redis.mget(keys);
    const wrong = keys.filter((key, j) => values[j] !== `${from + j}-${pad}`);
    expect(wrong.slice(0, 5)).toEqual([]);
  }
  const pipe = redis.pipeline();
  for (let i = 0; i < LISTS; i++) pipe.llen(`base:l:${i}`);
  for (let i = 0; i < HASHES; i++) pipe.hlen(`base:h:${i}`);
  const lengths = (await pipe.exec())!.map(([err, n]) => (err ? -1 : Number(n)));
  expect(lengths.filter((n) => n !== WIDTH).length).toBe(0);
  expect(await redis.lrange('base:l:0', 0, -1)).toEqual(Array.from({ length: WIDTH }, (_, j) => `item-${j}`));
  expect(await redis.hget(`base:h:${HASHES - 1}`, `f${WIDTH - 1}`)).toBe(`item-${WIDTH - 1}`);
}

async function expectWriters(redis: Redis, writers: Writer[]): Promise<void> {
  for (const w of writers) {
    const keys = [...w.strings.keys()];
    const values = keys.length > 0 ? await redis.mget(keys) : [];
    keys.forEach((key, j) => {
      const expected = w.strings.get(key)!;
      if (key === w.pending && values[j] !== expected) return; // its in-flight overwrite may have landed
      expect({ key, value: values[j] }).toEqual({ key, value: expected });
    });
    const counter = Number((await redis.get(`w:${w.id}:ctr`)) ?? 0);
    expect(counter - w.counter).toBeGreaterThanOrEqual(0);
    expect(counter - w.counter).toBeLessThanOrEqual(w.pending === `w:${w.id}:ctr` ? 1 : 0);
    const list = await redis.lrange(`w:${w.id}:list`, 0, -1);
    expect(list.length - w.listLength).toBeGreaterThanOrEqual(0);
    expect(list.length - w.listLength).toBeLessThanOrEqual(w.pending === `w:${w.id}:list` ? 1 : 0);
    expect(list.slice(0, w.listLength)).toEqual(Array.from({ length: w.listLength }, (_, i) => String(i)));
  }
}

describe('AOF: kill -9 around a BGREWRITEAOF under write load', () => {
  const base = baseAof();

  for (let run = 0; run < RUNS; run++) {
    it(`run ${run + 1}/${RUNS}: the node restarts with every acknowledged write`, async () => {
      const dir = path.join(work, `run-${run}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'appendonly.aof'), base);
      const first = await boot(dir);

      let running = true;
      const writers: Writer[] = Array.from({ length: WRITERS }, (_, id) => ({ id, strings: new Map(), counter: 0, listLength: 0, pending: undefined }));
      const conns = writers.map(() => client(first.node.port));
      const load = Promise.all(writers.map((w, i) => write(conns[i]!, w, () => running)));
      await sleep(150);
      expect(await first.redis.bgrewriteaof()).toContain('rewriting started');
      const killAfterMs = Math.floor(Math.random() * 300);
      await sleep(killAfterMs);
      const duringRewrite = (await info(first.redis, 'persistence'))['aof_rewrite_in_progress'] === '1';
      running = false;
      conns.forEach((conn) => conn.disconnect()); // the writes in flight stay `pending`: they may land or not
      await kill9(first);
      await load;
      const acked = writers.reduce((sum, w) => sum + w.counter, 0);
      outcomes.push({ run: run + 1, killAfterMs, duringRewrite, acked });

      const second = await boot(dir);
      try {
        await expectBase(second.redis);
        await expectWriters(second.redis, writers);
      } finally {
        await kill9(second);
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  }
});
