/** MULTI/EXEC/WATCH through ioredis against a real ringcache node. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startNode, type RunningNode } from './support/processes.js';

let node: RunningNode | undefined;
let a: Redis;
let b: Redis;

beforeAll(async () => {
  node = await startNode(['--loglevel', 'nothing']);
  a = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  b = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  a?.disconnect();
  b?.disconnect();
  await node?.stop();
});

describe('transactions through ioredis', () => {
  it('runs a MULTI block atomically and returns every reply', async () => {
    const result = await a.multi().set('tx:k', '1').incr('tx:k').rpush('tx:l', 'x', 'y').lrange('tx:l', 0, -1).exec();
    expect(result).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, 2],
      [null, ['x', 'y']],
    ]);
  });

  it('reports a failing command inside EXEC without failing the others', async () => {
    const result = await a.multi().set('tx:s', 'v').lpush('tx:s', 'x').get('tx:s').exec();
    expect(result?.[0]).toEqual([null, 'OK']);
    expect(String(result?.[1][0])).toMatch(/^ReplyError: WRONGTYPE/);
    expect(result?.[2]).toEqual([null, 'v']);
  });

  it('aborts EXEC when a second client writes a WATCHed key', async () => {
    await a.set('tx:w', '1');
    expect(await a.watch('tx:w')).toBe('OK');
    await b.set('tx:w', 'other');
    expect(await a.multi().set('tx:w', 'mine').exec()).toBeNull();
    expect(await a.get('tx:w')).toBe('other');
  });

  it('runs a WATCHed transaction nobody interfered with', async () => {
    await a.set('tx:n', '10');
    await a.watch('tx:n');
    const n = Number(await a.get('tx:n'));
    expect(await a.multi().set('tx:n', String(n + 1)).exec()).toEqual([[null, 'OK']]);
    expect(await a.get('tx:n')).toBe('11');
  });

  it('COPY duplicates a hash into another key', async () => {
    await a.hset('tx:h', 'f', '1');
    expect(await a.copy('tx:h', 'tx:h2')).toBe(1);
    await a.hset('tx:h', 'f', '2');
    expect(await a.hgetall('tx:h2')).toEqual({ f: '1' });
  });
});
