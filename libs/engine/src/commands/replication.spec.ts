import { describe, expect, it } from '@jest/globals';
import { Engine } from '../engine.js';
import { FakeClock } from '../clock.js';
import { captureReplication, SelectingSink } from './replication.js';
import { makeContext, RespLikeSession, run, type TestContext } from './test-kit.js';
import { ValueReply } from './value-reply.js';

const NOW = 1_700_000_000_000;

/** A context whose effective writes are captured as [db, ...args] entries. */
function capturing(engine?: Engine): { ctx: TestContext; stream: string[][] } {
  const ctx = makeContext(engine);
  const stream: string[][] = [];
  captureReplication(ctx.engine, ctx.server, { propagate: (db, args) => stream.push([String(db), ...args]) });
  return { ctx, stream };
}

/** Run `args` and return what it propagated (the stream is emptied). */
function propagated(ctx: TestContext, stream: string[][], ...args: string[]): string[][] {
  run(ctx, ...args);
  return stream.splice(0);
}

describe('replication capture', () => {
  it('propagates a deterministic write as received, in the client database', () => {
    const { ctx, stream } = capturing();
    expect(propagated(ctx, stream, 'SET', 'k', 'v')).toEqual([['0', 'SET', 'k', 'v']]);
    run(ctx, 'SELECT', '3');
    expect(propagated(ctx, stream, 'lpush', 'l', 'a', 'b')).toEqual([['3', 'lpush', 'l', 'a', 'b']]);
  });

  it('propagates nothing for reads, no-op writes and failed commands', () => {
    const { ctx, stream } = capturing();
    run(ctx, 'SET', 'k', 'v');
    stream.length = 0;
    expect(propagated(ctx, stream, 'GET', 'k')).toEqual([]);
    expect(propagated(ctx, stream, 'SET', 'k', 'w', 'NX')).toEqual([]);
    expect(propagated(ctx, stream, 'DEL', 'missing')).toEqual([]);
    expect(propagated(ctx, stream, 'LPUSH', 'k', 'x')).toEqual([]); // WRONGTYPE
    expect(propagated(ctx, stream, 'EXPIRE', 'missing', '10')).toEqual([]);
    expect(propagated(ctx, stream, 'PERSIST', 'k')).toEqual([]);
    expect(propagated(ctx, stream, 'SRANDMEMBER', 'k')).toEqual([]);
    expect(propagated(ctx, stream, 'NOSUCHCOMMAND')).toEqual([]);
  });

  it('turns relative TTLs into absolute times', () => {
    const { ctx, stream } = capturing();
    const at = String(NOW + 10_000);
    expect(propagated(ctx, stream, 'SET', 'k', 'v', 'EX', '10')).toEqual([['0', 'SET', 'k', 'v', 'PXAT', at]]);
    expect(propagated(ctx, stream, 'SET', 'k', 'v', 'PX', '10000', 'GET')).toEqual([['0', 'SET', 'k', 'v', 'PXAT', at]]);
    expect(propagated(ctx, stream, 'SETEX', 'k', '10', 'v')).toEqual([['0', 'SET', 'k', 'v', 'PXAT', at]]);
    expect(propagated(ctx, stream, 'PSETEX', 'k', '10000', 'v')).toEqual([['0', 'SET', 'k', 'v', 'PXAT', at]]);
    expect(propagated(ctx, stream, 'EXPIRE', 'k', '10')).toEqual([['0', 'PEXPIREAT', 'k', at]]);
    expect(propagated(ctx, stream, 'PEXPIRE', 'k', '10000', 'XX')).toEqual([['0', 'PEXPIREAT', 'k', at]]);
    expect(propagated(ctx, stream, 'EXPIREAT', 'k', String((NOW + 10_000) / 1000))).toEqual([['0', 'PEXPIREAT', 'k', at]]);
    expect(propagated(ctx, stream, 'GETEX', 'k', 'EX', '10')).toEqual([['0', 'PEXPIREAT', 'k', at]]);
    expect(propagated(ctx, stream, 'GETEX', 'k', 'PERSIST')).toEqual([['0', 'PERSIST', 'k']]);
    expect(propagated(ctx, stream, 'GETEX', 'k', 'PERSIST')).toEqual([]);
    expect(propagated(ctx, stream, 'SET', 'k', 'v', 'KEEPTTL')).toEqual([['0', 'SET', 'k', 'v', 'KEEPTTL']]);
  });

  it('turns a TTL already past into DEL', () => {
    const { ctx, stream } = capturing();
    run(ctx, 'SET', 'a', '1');
    run(ctx, 'SET', 'b', '1');
    stream.length = 0;
    expect(propagated(ctx, stream, 'EXPIRE', 'a', '-1')).toEqual([['0', 'DEL', 'a']]);
    expect(propagated(ctx, stream, 'GETEX', 'b', 'PXAT', String(NOW - 1))).toEqual([['0', 'DEL', 'b']]);
  });

  it('rewrites SPOP to the SREM (or DEL) of what it popped', () => {
    const { ctx, stream } = capturing();
    run(ctx, 'SADD', 's', 'a', 'b', 'c', 'd');
    stream.length = 0;
    const one = run(ctx, 'SPOP', 's') as string;
    expect(stream.splice(0)).toEqual([['0', 'SREM', 's', one]]);
    const two = run(ctx, 'SPOP', 's', '2') as string[];
    expect(stream.splice(0)).toEqual([['0', 'SREM', 's', ...two]]);
    expect(propagated(ctx, stream, 'SPOP', 's', '5')).toEqual([['0', 'DEL', 's']]);
    expect(propagated(ctx, stream, 'SPOP', 's')).toEqual([]);
  });

  it('rewrites INCRBYFLOAT and HINCRBYFLOAT to the value they stored', () => {
    const { ctx, stream } = capturing();
    expect(propagated(ctx, stream, 'INCRBYFLOAT', 'f', '0.1')).toEqual([['0', 'SET', 'f', '0.1', 'KEEPTTL']]);
    expect(propagated(ctx, stream, 'INCRBYFLOAT', 'f', '1e2')).toEqual([['0', 'SET', 'f', '100.1', 'KEEPTTL']]);
    expect(propagated(ctx, stream, 'HINCRBYFLOAT', 'h', 'x', '2.5')).toEqual([['0', 'HSET', 'h', 'x', '2.5']]);
    expect(propagated(ctx, stream, 'INCRBYFLOAT', 'f', 'abc')).toEqual([]);
  });

  it('rewrites blocking pops served at once to their non-blocking form', () => {
    const { ctx, stream } = capturing();
    run(ctx, 'RPUSH', 'l', 'a', 'b', 'c');
    run(ctx, 'ZADD', 'z', '1', 'm', '2', 'n');
    stream.length = 0;
    expect(propagated(ctx, stream, 'BLPOP', 'none', 'l', '0')).toEqual([['0', 'LPOP', 'l']]);
    expect(propagated(ctx, stream, 'BRPOP', 'l', '0')).toEqual([['0', 'RPOP', 'l']]);
    expect(propagated(ctx, stream, 'BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '0')).toEqual([['0', 'LMOVE', 'l', 'm', 'LEFT', 'RIGHT']]);
    expect(propagated(ctx, stream, 'BLMPOP', '0', '1', 'm', 'RIGHT', 'COUNT', '3')).toEqual([['0', 'RPOP', 'm', '3']]);
    expect(propagated(ctx, stream, 'BZPOPMAX', 'z', '0')).toEqual([['0', 'ZPOPMAX', 'z', '1']]);
    expect(propagated(ctx, stream, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '2')).toEqual([['0', 'ZPOPMIN', 'z', '2']]);
  });

  it('propagates a BLPOP served later after the push that served it', () => {
    const { ctx, stream } = capturing();
    const blocked = { ...ctx, client: new RespLikeSession(100), reply: new ValueReply(2) } as TestContext;
    blocked.client.db = 2;
    ctx.client.db = 2;
    expect(() => run(blocked, 'BLPOP', 'q', '0')).toThrow(); // parked: no reply yet
    run(ctx, 'RPUSH', 'q', 'x', 'y');
    ctx.server.blocking.serveReady();
    expect(blocked.reply.take()).toEqual(['q', 'x']);
    expect(stream).toEqual([
      ['2', 'RPUSH', 'q', 'x', 'y'],
      ['2', 'LPOP', 'q'],
    ]);
  });

  it('propagates BLMOVE and BZPOPMIN served later as LMOVE and ZPOPMIN, after the write that served them', () => {
    const { ctx, stream } = capturing();
    let ids = 200;
    const waiter = (): TestContext => ({ ...ctx, client: new RespLikeSession(ids++), reply: new ValueReply(2) }) as TestContext;
    const [mover, popper] = [waiter(), waiter()];
    expect(() => run(mover, 'BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0')).toThrow();
    expect(() => run(popper, 'BZPOPMIN', 'z', '0')).toThrow();
    run(ctx, 'MULTI');
    run(ctx, 'RPUSH', 'src', 'a', 'b');
    run(ctx, 'ZADD', 'z', '1', 'm');
    run(ctx, 'EXEC');
    ctx.server.blocking.serveReady();
    expect(mover.reply.take()).toBe('b');
    expect(popper.reply.take()).toEqual(['z', 'm', 1]);
    expect(stream).toEqual([
      ['0', 'MULTI'],
      ['0', 'RPUSH', 'src', 'a', 'b'],
      ['0', 'ZADD', 'z', '1', 'm'],
      ['0', 'EXEC'],
      ['0', 'LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'],
      ['0', 'ZPOPMIN', 'z', '1'],
    ]);
  });

  it('propagates a key expired lazily or actively as DEL, before the command that found it', () => {
    const clock = new FakeClock(NOW);
    const { ctx, stream } = capturing(new Engine({ clock }));
    run(ctx, 'SET', 'a', '1', 'PX', '100');
    run(ctx, 'SET', 'b', '1', 'PX', '100');
    stream.length = 0;
    run(ctx, 'SET', 'c', '1', 'PX', '100');
    stream.length = 0;
    clock.advance(101);
    expect(propagated(ctx, stream, 'GET', 'a')).toEqual([['0', 'DEL', 'a']]);
    expect(propagated(ctx, stream, 'APPEND', 'c', 'x')).toEqual([
      ['0', 'DEL', 'c'],
      ['0', 'APPEND', 'c', 'x'],
    ]);
    ctx.engine.activeExpireCycle();
    expect(stream.splice(0)).toEqual([['0', 'DEL', 'b']]);
  });

  it('propagates an evicted key as DEL, before the command that made room', () => {
    const { ctx, stream } = capturing(new Engine({ clock: new FakeClock(NOW), maxmemory: 1000, maxmemoryPolicy: 'allkeys-lru' }));
    for (let i = 0; i < 8; i++) run(ctx, 'SET', `k${i}`, 'x'.repeat(100));
    const entries = stream.splice(0);
    const dels = entries.filter((e) => e[1] === 'DEL');
    expect(dels.length).toBeGreaterThan(0);
    expect(ctx.engine.stats.evictedKeys).toBe(dels.length);
    expect(entries.findIndex((e) => e[1] === 'DEL')).toBeLessThan(entries.length - 1);
    expect(entries[entries.length - 1]).toEqual(['0', 'SET', 'k7', 'x'.repeat(100)]);
  });

  it('wraps the writes of EXEC in MULTI ... EXEC, and a transaction of reads in nothing', () => {
    const { ctx, stream } = capturing();
    run(ctx, 'MULTI');
    run(ctx, 'SET', 'a', '1');
    run(ctx, 'GET', 'a');
    run(ctx, 'SELECT', '1');
    run(ctx, 'INCRBYFLOAT', 'f', '1.5');
    run(ctx, 'SET', 'f', 'x', 'NX');
    expect(propagated(ctx, stream, 'EXEC')).toEqual([
      ['0', 'MULTI'],
      ['0', 'SET', 'a', '1'],
      ['1', 'SET', 'f', '1.5', 'KEEPTTL'],
      ['1', 'EXEC'],
    ]);
    run(ctx, 'MULTI');
    run(ctx, 'GET', 'f');
    expect(propagated(ctx, stream, 'EXEC')).toEqual([]);
  });

  it('propagates nothing for a transaction that did not run (WATCH touched, EXECABORT)', () => {
    const { ctx, stream } = capturing();
    const other = makeContext(ctx.engine);
    run(ctx, 'WATCH', 'w');
    run(ctx, 'MULTI');
    run(ctx, 'SET', 'a', '1');
    run(other, 'SET', 'w', '1');
    stream.length = 0;
    expect(propagated(ctx, stream, 'EXEC')).toEqual([]);
    run(ctx, 'MULTI');
    run(ctx, 'SET', 'a');
    expect(propagated(ctx, stream, 'EXEC')).toEqual([]);
  });

  it('propagates FLUSHALL and FLUSHDB as they are, even on an empty keyspace', () => {
    const { ctx, stream } = capturing();
    expect(propagated(ctx, stream, 'FLUSHALL')).toEqual([['0', 'FLUSHALL']]);
    expect(propagated(ctx, stream, 'FLUSHDB', 'ASYNC')).toEqual([['0', 'FLUSHDB', 'ASYNC']]);
  });

  it('captures nothing once stopped', () => {
    const { ctx, stream } = capturing();
    captureReplication(ctx.engine, ctx.server, undefined);
    run(ctx, 'SET', 'k', 'v', 'EX', '1');
    expect(stream).toEqual([]);
  });
});

describe('SelectingSink', () => {
  it('selects the database before the first entry and whenever it changes', () => {
    const out: (readonly string[])[] = [];
    const sink = new SelectingSink((args) => out.push(args));
    sink.propagate(0, ['SET', 'a', '1']);
    sink.propagate(0, ['SET', 'b', '1']);
    sink.propagate(5, ['DEL', 'a']);
    expect(out).toEqual([['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '1'], ['SELECT', '5'], ['DEL', 'a']]);
  });
});

describe('a replica engine', () => {
  it('neither expires nor evicts: keys past their TTL stay until a DEL arrives', () => {
    const clock = new FakeClock(NOW);
    const replica = makeContext(new Engine({ clock, maxmemory: 100, maxmemoryPolicy: 'allkeys-lru' }));
    replica.engine.replica = true;
    run(replica, 'SET', 'k', '1', 'PXAT', String(NOW + 10));
    run(replica, 'SET', 'big', 'x'.repeat(500));
    clock.advance(100);
    expect(replica.engine.activeExpireCycle()).toBe(0);
    expect(run(replica, 'INCR', 'k')).toBe(2);
    expect(replica.engine.stats.evictedKeys).toBe(0);
    expect(run(replica, 'DBSIZE')).toBe(2);
    run(replica, 'DEL', 'k');
    expect(run(replica, 'EXISTS', 'k')).toBe(0);
  });
});
