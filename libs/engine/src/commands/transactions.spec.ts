import { describe, it, expect } from '@jest/globals';
import { makeContext, replay, run, type Step } from './test-kit.js';

// Replies as redis-server 7.0.15 gives them.
describe('MULTI / EXEC / DISCARD', () => {
  it('queues commands and replies their replies in one array', () => {
    const ctx = makeContext();
    const steps: Step[] = [
      [['multi'], '+OK'],
      [['set', 'a', '1'], '+QUEUED'],
      [['incr', 'a'], '+QUEUED'],
      [['rpush', 'a', 'x'], '+QUEUED'],
      [['exec'], ['+OK', 2, '-WRONGTYPE Operation against a key holding the wrong kind of value']],
      [['get', 'a'], '2'],
      [['multi'], '+OK'],
      [['exec'], []],
    ];
    expect(replay(ctx, steps)).toEqual(steps);
  });

  it('refuses nesting and control commands out of place', () => {
    const ctx = makeContext();
    const steps: Step[] = [
      [['exec'], '-ERR EXEC without MULTI'],
      [['discard'], '-ERR DISCARD without MULTI'],
      [['unwatch'], '+OK'],
      [['watch'], "-ERR wrong number of arguments for 'watch' command"],
      [['multi'], '+OK'],
      [['multi'], '-ERR MULTI calls can not be nested'],
      [['watch', 'a'], '-ERR WATCH inside MULTI is not allowed'],
      [['set', 'a', '1'], '+QUEUED'],
      [['exec'], ['+OK']],
      [['multi'], '+OK'],
      [['set', 'b', '1'], '+QUEUED'],
      [['discard'], '+OK'],
      [['discard'], '-ERR DISCARD without MULTI'],
      [['exists', 'b'], 0],
    ];
    expect(replay(ctx, steps)).toEqual(steps);
  });

  it('discards the transaction after an unknown command or a wrong arity (EXECABORT)', () => {
    const ctx = makeContext();
    const steps: Step[] = [
      [['multi'], '+OK'],
      [['foo'], "-ERR unknown command 'foo', with args beginning with: "],
      [['set', 'a', '1'], '+QUEUED'],
      [['exec'], '-EXECABORT Transaction discarded because of previous errors.'],
      [['exists', 'a'], 0],
      [['multi'], '+OK'],
      [['get'], "-ERR wrong number of arguments for 'get' command"],
      [['exec'], '-EXECABORT Transaction discarded because of previous errors.'],
      [['exec'], '-ERR EXEC without MULTI'],
    ];
    expect(replay(ctx, steps)).toEqual(steps);
  });

  it('keeps the queued arguments even if the caller reuses its array', () => {
    const ctx = makeContext();
    run(ctx, 'multi');
    const args = ['set', 'k', 'v1'];
    expect(run(ctx, ...args)).toBe('+QUEUED');
    args[2] = 'v2';
    expect(run(ctx, 'exec')).toEqual(['+OK']);
    expect(run(ctx, 'get', 'k')).toBe('v1');
  });
});

describe('WATCH / UNWATCH', () => {
  it('aborts EXEC (nil array) when another client writes a watched key', () => {
    const a = makeContext();
    const b = makeContext(a.engine);
    expect(run(a, 'watch', 'k', 'other')).toBe('+OK');
    expect(run(b, 'set', 'k', 'x')).toBe('+OK');
    expect(run(a, 'multi')).toBe('+OK');
    expect(run(a, 'set', 'k', 'mine')).toBe('+QUEUED');
    expect(run(a, 'exec')).toBeNull();
    expect(run(a, 'get', 'k')).toBe('x');
    // The watch is gone after EXEC: the next transaction runs.
    expect(run(a, 'multi')).toBe('+OK');
    expect(run(a, 'set', 'k', 'mine')).toBe('+QUEUED');
    expect(run(a, 'exec')).toEqual(['+OK']);
  });

  it('runs when watched keys are untouched, or were touched only by the transaction itself', () => {
    const a = makeContext();
    run(a, 'set', 'k', '1');
    run(a, 'watch', 'k');
    run(a, 'get', 'k');
    run(a, 'multi');
    run(a, 'incr', 'k');
    expect(run(a, 'exec')).toEqual([2]);
  });

  it('is cleared by UNWATCH and DISCARD', () => {
    const a = makeContext();
    const b = makeContext(a.engine);
    run(a, 'watch', 'k');
    run(a, 'unwatch');
    run(b, 'set', 'k', 'x');
    run(a, 'multi');
    run(a, 'get', 'k');
    expect(run(a, 'exec')).toEqual(['x']);
    run(a, 'watch', 'k');
    run(a, 'multi');
    run(a, 'discard');
    run(b, 'set', 'k', 'y');
    run(a, 'multi');
    expect(run(a, 'exec')).toEqual([]);
  });

  it('counts deletion, aggregate mutation, EXPIRE and PERSIST as modifications', () => {
    const a = makeContext();
    const b = makeContext(a.engine);
    const writes: string[][] = [
      ['del', 'k'],
      ['rpush', 'k', 'z'],
      ['expire', 'k', '100'],
      ['persist', 'k'],
      ['copy', 'src', 'k', 'replace'],
    ];
    run(a, 'set', 'src', 'v');
    for (const write of writes) {
      run(a, 'del', 'k');
      run(a, 'rpush', 'k', 'e');
      if (write[0] === 'persist') run(a, 'expire', 'k', '100');
      run(a, 'watch', 'k');
      run(b, ...write);
      run(a, 'multi');
      run(a, 'exists', 'k');
      expect([write[0], run(a, 'exec')]).toEqual([write[0], null]);
    }
  });

  it('treats a watched key whose TTL passed before EXEC as modified', () => {
    const a = makeContext();
    run(a, 'set', 'k', 'v', 'px', '100');
    run(a, 'watch', 'k');
    a.clock.advance(200);
    run(a, 'multi');
    run(a, 'set', 'j', '1');
    expect(run(a, 'exec')).toBeNull();
    // A key already expired when watched is simply missing: nothing modifies it later.
    run(a, 'set', 'k', 'v', 'px', '100');
    a.clock.advance(200);
    run(a, 'watch', 'k');
    run(a, 'multi');
    run(a, 'set', 'j', '1');
    expect(run(a, 'exec')).toEqual(['+OK']);
  });

  it('is touched by FLUSHALL and FLUSHDB only for keys that exist', () => {
    const a = makeContext();
    const b = makeContext(a.engine);
    run(a, 'watch', 'missing');
    run(b, 'flushall');
    run(a, 'multi');
    expect(run(a, 'exec')).toEqual([]);
    run(a, 'set', 'k', 'v');
    run(a, 'watch', 'k');
    run(b, 'flushdb');
    run(a, 'multi');
    expect(run(a, 'exec')).toBeNull();
  });

  it('watches a key per database', () => {
    const a = makeContext();
    const b = makeContext(a.engine);
    run(a, 'watch', 'k');
    b.client.db = 1;
    run(b, 'set', 'k', 'x');
    run(a, 'multi');
    expect(run(a, 'exec')).toEqual([]);
  });
});
