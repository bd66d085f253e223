/**
 * The command table against redis-server's: for every command ringcache runs, COMMAND INFO must give the same
 * arity, flags, legacy key range and ACL categories (subcommands included), and COMMAND GETKEYS must find the
 * same keys, movable ones (numkeys, SORT ... STORE) included.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createNodeCommandTable } from '../apps/cache-node/src/engine/node-command-table.js';
import { startNode, startRedisServer, type RunningNode, type RunningRedis } from './support/processes.js';

let node: RunningNode | undefined;
let redis: RunningRedis | undefined;
let ours: Redis;
let theirs: Redis;

beforeAll(async () => {
  [node, redis] = await Promise.all([startNode(['--loglevel', 'nothing']), startRedisServer()]);
  ours = new Redis({ port: node.port, lazyConnect: false });
  theirs = new Redis({ port: redis.port, lazyConnect: false });
});

afterAll(async () => {
  ours?.disconnect();
  theirs?.disconnect();
  await Promise.all([node?.stop(), redis?.stop()]);
});

type Info = [string, number, string[], number, number, number, string[], ...unknown[]];

/** The comparable head of a COMMAND INFO entry: name, arity, flags, first/last/step, categories (sets sorted). */
function head(entry: Info): unknown {
  const [name, arity, flags, first, last, step, categories] = entry;
  const subs = (entry[9] as Info[] | undefined) ?? [];
  const sortedSubs = subs.map(head) as { name: string }[];
  sortedSubs.sort((x, y) => (x.name < y.name ? -1 : 1));
  return { name, arity, flags: [...flags].sort(), keys: [first, last, step], categories: [...categories].sort(), subs: sortedSubs };
}

/** Commands whose COMMAND INFO differs on purpose (documented in docs/commands.md). */
const KNOWN: Record<string, string> = {};

describe('COMMAND INFO matches redis-server for every command', () => {
  const names = [...createNodeCommandTable().all()].map((s) => s.name).filter((n) => !(n in KNOWN));

  it.each(names)('%s', async (name) => {
    const [a] = (await ours.call('COMMAND', 'INFO', name)) as Info[];
    const [b] = (await theirs.call('COMMAND', 'INFO', name)) as Info[];
    expect(b).not.toBeNull(); // a command Redis 7.0 does not have would need a documented reason
    const mine = head(a) as { subs: unknown[] };
    const ref = head(b) as { subs: { name: string }[] };
    // Containers: compare the subcommands both have (docs/commands.md lists the ones ringcache lacks, and
    // CLIENT SETINFO, which is Redis 7.2's).
    const ourSubs = new Set((mine.subs as { name: string }[]).map((s) => s.name));
    const theirSubs = new Set(ref.subs.map((s) => s.name));
    expect({ ...mine, subs: (mine.subs as { name: string }[]).filter((s) => theirSubs.has(s.name)) }).toEqual({ ...ref, subs: ref.subs.filter((s) => ourSubs.has(s.name)) });
  });
});

describe('COMMAND GETKEYS matches redis-server', () => {
  const cases = [
    ['GET', 'k'],
    ['MSET', 'a', '1', 'b', '2'],
    ['BLPOP', 'a', 'b', '0'],
    ['LMPOP', '2', 'a', 'b', 'LEFT'],
    ['LMPOP', '0', 'a', 'LEFT'],
    ['LMPOP', '5', 'a', 'LEFT'],
    ['BLMPOP', '0', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'],
    ['ZMPOP', '1', 'z', 'MIN'],
    ['BZMPOP', '1', '2', 'y', 'z', 'MAX'],
    ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
    ['ZINTERSTORE', 'dst', '2', 'a', 'b'],
    ['ZDIFFSTORE', 'dst', '3', 'a', 'b'],
    ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
    ['SINTERCARD', '1', 'a'],
    ['SORT', 'k'],
    ['SORT', 'k', 'STORE'],
    ['SORT', 'k', 'LIMIT', '0', '1', 'STORE', 'dst'],
    ['SORT', 'k', 'BY', 'store', 'GET', 'store', 'STORE', 'dst'],
    ['SORT_RO', 'k', 'STORE', 'dst'],
    ['ZRANGESTORE', 'dst', 'src', '0', '-1'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'],
    ['COPY', 'a', 'b'],
    ['PING'],
  ];

  it.each(cases.map((c) => [c.join(' '), c]))('%s', async (_, args) => {
    const [a, b] = await Promise.all([
      ours.call('COMMAND', 'GETKEYS', ...(args as string[])).catch((e: Error) => `error: ${e.message}`),
      theirs.call('COMMAND', 'GETKEYS', ...(args as string[])).catch((e: Error) => `error: ${e.message}`),
    ]);
    expect(a).toEqual(b);
  });
});
