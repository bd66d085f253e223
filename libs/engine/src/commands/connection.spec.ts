/** RESET: the replies were checked against redis-server 7.0.15. */
import { describe, expect, it } from '@jest/globals';
import { makeContext, replay, run, type Step } from './test-kit.js';

describe('RESET', () => {
  it('runs at once inside MULTI, discarding the transaction', () => {
    const steps: Step[] = [
      [['multi'], '+OK'],
      [['set', 'a', '1'], '+QUEUED'],
      [['reset'], '+RESET'],
      [['exec'], '-ERR EXEC without MULTI'],
      [['exists', 'a'], 0],
      [['reset', 'extra'], "-ERR wrong number of arguments for 'reset' command"],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('forgets watched keys, the database, the protocol and the name', () => {
    const ctx = makeContext();
    run(ctx, 'select', '3');
    run(ctx, 'watch', 'k');
    run(ctx, 'hello', '3', 'setname', 'app');
    ctx.client.libName = 'ioredis';
    expect(run(ctx, 'reset')).toBe('+RESET');
    expect(ctx.client.watch).toBeUndefined();
    expect(ctx.client.db).toBe(0);
    expect(ctx.client.protocol).toBe(2);
    expect(ctx.reply.protocol).toBe(2);
    expect(ctx.client.name).toBe('');
    expect(ctx.client.libName).toBe('ioredis');
    // The watch on db 3 is gone: touching k there no longer aborts a transaction.
    run(ctx, 'select', '3');
    run(ctx, 'set', 'k', 'v');
    run(ctx, 'multi');
    run(ctx, 'get', 'k');
    expect(run(ctx, 'exec')).toEqual(['v']);
  });

  it('de-authenticates only when a password is required', () => {
    const ctx = makeContext();
    expect(run(ctx, 'reset')).toBe('+RESET');
    expect(ctx.client.authenticated).toBe(true);
    ctx.server.requirePass = 'pw';
    const steps: Step[] = [
      [['auth', 'pw'], '+OK'],
      [['get', 'a'], null],
      [['reset'], '+RESET'],
      [['get', 'a'], '-NOAUTH Authentication required.'],
      [['reset'], '+RESET'],
      [['auth', 'pw'], '+OK'],
    ];
    expect(replay(ctx, steps)).toEqual(steps);
  });
});
