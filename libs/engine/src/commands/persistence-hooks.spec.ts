/**
 * The command table's hooks for the append-only file (ServerState.loading, persistenceError, beforeWrite):
 * -LOADING while the file loads, -MISCONF while it cannot be written, and the keys a write may modify
 * announced before it runs (what an AOF rewrite needs to write their pre-write values).
 */
import { describe, expect, it } from '@jest/globals';
import { BlockingRegistry } from './blocking.js';
import { makeContext, RespLikeSession, run, type TestContext } from './test-kit.js';
import { ValueReply } from './value-reply.js';

/** A context recording every beforeWrite call as "db:key". */
function touching(): { ctx: TestContext; touched: string[] } {
  const ctx = makeContext();
  const touched: string[] = [];
  ctx.server.beforeWrite = (db, key) => touched.push(`${db}:${key}`);
  return { ctx, touched };
}

describe('persistence hooks of the command table', () => {
  it('answers LOADING to commands without the loading flag while the AOF loads, and runs the others', () => {
    const ctx = makeContext();
    ctx.server.loading = true;
    expect(run(ctx, 'GET', 'k')).toBe('-LOADING Redis is loading the dataset in memory');
    expect(run(ctx, 'SET', 'k', 'v')).toBe('-LOADING Redis is loading the dataset in memory');
    ctx.server.loading = false;
    expect(run(ctx, 'SET', 'k', 'v')).toBe('+OK');
  });

  it('refuses writes with MISCONF while the AOF cannot be written, and still serves reads', () => {
    const ctx = makeContext();
    run(ctx, 'SET', 'k', 'v');
    let error: string | undefined = 'No space left on device';
    ctx.server.persistenceError = () => error;
    expect(run(ctx, 'SET', 'k', 'w')).toBe('-MISCONF Errors writing to the AOF file: No space left on device');
    expect(run(ctx, 'GET', 'k')).toBe('v');
    error = undefined;
    expect(run(ctx, 'SET', 'k', 'w')).toBe('+OK');
  });

  it('announces each key a write command may modify before it runs, in the client database', () => {
    const { ctx, touched } = touching();
    let seenBefore: unknown;
    const hook = (db: number, key: string): void => {
      touched.push(`${db}:${key}`);
      ctx.server.beforeWrite = undefined;
      seenBefore = ctx.engine.keyspace.peekEntry(db, key)?.value;
      ctx.server.beforeWrite = hook;
    };
    ctx.server.beforeWrite = hook;
    run(ctx, 'SET', 'k', 'old');
    seenBefore = undefined;
    run(ctx, 'SET', 'k', 'new');
    expect(seenBefore).toBe('old'); // called before the write ran
    touched.length = 0;
    run(ctx, 'SELECT', '2');
    run(ctx, 'MSET', 'a', '1', 'b', '2');
    run(ctx, 'RENAME', 'a', 'c');
    run(ctx, 'GET', 'b'); // a read: nothing
    expect(touched).toEqual(['2:a', '2:b', '2:a', '2:c']);
  });

  it('announces COPY ... DB n\'s destination in its database', () => {
    const { ctx, touched } = touching();
    run(ctx, 'SET', 'src', 'v');
    touched.length = 0;
    expect(run(ctx, 'COPY', 'src', 'dst', 'DB', '5')).toBe(1);
    expect(touched).toEqual(['0:src', '0:dst', '5:dst']);
  });

  it('announces the keys of queued commands when EXEC runs them', () => {
    const { ctx, touched } = touching();
    const session = { ...ctx, client: new RespLikeSession(7), reply: new ValueReply(2) } as unknown as TestContext;
    run(session, 'MULTI');
    run(session, 'SET', 'x', '1');
    run(session, 'LPUSH', 'l', 'a');
    expect(touched).toEqual([]);
    run(session, 'EXEC');
    expect(touched).toEqual(['0:x', '0:l']);
  });

  it('announces the keys a served blocked command pops from and pushes to (BLMOVE)', () => {
    const { ctx, touched } = touching();
    const registry = new BlockingRegistry();
    Object.defineProperty(ctx.server, 'blocking', { value: registry });
    const waiter = { ...ctx, client: new RespLikeSession(9), reply: new ValueReply(2) } as unknown as TestContext;
    expect(() => run(waiter, 'BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0')).toThrow(); // parked: no reply yet
    expect(waiter.client.blocked).toBeDefined();
    touched.length = 0;
    run(ctx, 'RPUSH', 'src', 'a');
    registry.serveReady();
    expect(run(ctx, 'LRANGE', 'dst', '0', '-1')).toEqual(['a']);
    expect(touched).toEqual(['0:src', '0:src', '0:dst']);
  });
});
