/** RESET and SORT through ioredis against a real ringcache node. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startNode, type RunningNode } from './support/processes.js';

let node: RunningNode | undefined;
let a: Redis;
let b: Redis;

function connect(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
}

beforeAll(async () => {
  node = await startNode(['--loglevel', 'nothing']);
  [a, b] = [connect(node.port), connect(node.port)];
});

afterAll(async () => {
  for (const client of [a, b]) client?.disconnect();
  await node?.stop();
});

describe('RESET through ioredis', () => {
  it('replies RESET and clears the name, the database and watched keys', async () => {
    await a.client('SETNAME', 'app');
    await a.select(2);
    await a.watch('rs:w');
    expect(await a.call('RESET')).toBe('RESET');
    expect(await a.client('GETNAME')).toBeNull();
    await a.set('rs:db', '0');
    expect(await b.get('rs:db')).toBe('0');
    // No longer watching: another client's write does not abort the transaction.
    await b.set('rs:w', 'x');
    expect(await a.multi().get('rs:w').exec()).toEqual([[null, 'x']]);
  });

  it('runs at once inside MULTI and discards the queued commands', async () => {
    await a.call('MULTI');
    expect(await a.call('SET', 'rs:m', '1')).toBe('QUEUED');
    expect(await a.call('RESET')).toBe('RESET');
    await expect(a.call('EXEC')).rejects.toThrow('ERR EXEC without MULTI');
    expect(await a.exists('rs:m')).toBe(0);
  });
});

describe('SORT through ioredis', () => {
  it('sorts by weights, GETs hash fields and STOREs the result', async () => {
    await a.rpush('so:ids', '3', '1', '2');
    await a.mset('so:w_1', '30', 'so:w_2', '10', 'so:w_3', '20');
    await a.hset('so:h_1', 'name', 'one');
    await a.hset('so:h_2', 'name', 'two');
    expect(await a.sort('so:ids')).toEqual(['1', '2', '3']);
    expect(await a.sort('so:ids', 'BY', 'so:w_*', 'DESC')).toEqual(['1', '3', '2']);
    expect(await a.sort('so:ids', 'BY', 'so:w_*', 'GET', '#', 'GET', 'so:h_*->name')).toEqual(['2', 'two', '3', null, '1', 'one']);
    expect(await a.sort('so:ids', 'LIMIT', '1', '1', 'STORE', 'so:out')).toBe(1);
    expect(await a.lrange('so:out', 0, -1)).toEqual(['2']);
    expect(await a.sort_ro('so:ids', 'DESC', 'ALPHA')).toEqual(['3', '2', '1']);
    await expect(a.call('SORT_RO', 'so:ids', 'STORE', 'so:out')).rejects.toThrow('ERR syntax error');
  });

  it('keeps sorted set order with BY nosort and refuses non-numeric elements', async () => {
    await a.zadd('so:z', 1, 'b', 2, 'a', 3, 'c');
    expect(await a.sort('so:z', 'BY', 'nosort', 'LIMIT', '0', '2', 'DESC')).toEqual(['c', 'a']);
    await expect(a.sort('so:z')).rejects.toThrow("ERR One or more scores can't be converted into double");
    await a.set('so:s', 'x');
    await expect(a.sort('so:s')).rejects.toThrow('WRONGTYPE');
  });
});
