import { describe, expect, it } from '@jest/globals';
import { BlockingRegistry, parseTimeout, TIMEOUT_NEGATIVE, TIMEOUT_NOT_FLOAT, TIMEOUT_OUT_OF_RANGE, type Timers } from './blocking.js';
import { makeContext, RespLikeSession, run, type TestContext } from './test-kit.js';
import { ValueReply } from './value-reply.js';

const NOW = 1_700_000_000_000;

describe('parseTimeout', () => {
  it.each([
    ['0', 0],
    ['1', NOW + 1000],
    ['0.5', NOW + 500],
    ['1e-7', NOW + 1], // any positive timeout waits at least a millisecond
    ['-0.0001', 0], // rounds to zero: wait forever, as Redis
    ['-0', 0],
    ['0x10', NOW + 16000],
    ['9.2e15', NOW + 9.2e18],
  ])('%s → deadline', (text, deadline) => {
    expect(parseTimeout(text, NOW)).toBe(deadline);
  });

  it.each([
    ['-1', TIMEOUT_NEGATIVE],
    ['inf', TIMEOUT_NEGATIVE],
    ['-inf', TIMEOUT_NEGATIVE],
    ['9.3e15', TIMEOUT_NEGATIVE],
    ['nan', TIMEOUT_NOT_FLOAT],
    [' 1', TIMEOUT_NOT_FLOAT],
    ['1x', TIMEOUT_NOT_FLOAT],
    ['', TIMEOUT_NOT_FLOAT],
  ])('%s → %s', (text, error) => {
    expect(parseTimeout(text, NOW)).toBe(error);
  });

  it('refuses a deadline past int64 milliseconds', () => {
    expect(parseTimeout('9.2233e15', 1e16)).toBe(TIMEOUT_OUT_OF_RANGE);
  });
});

/** Hand-driven timers: `fire` runs those due at the fake clock's time. */
class FakeTimers implements Timers {
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private next = 1;
  constructor(private readonly now: () => number) {}
  set(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now() + ms, callback });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    for (const [id, t] of [...this.pending]) {
      if (t.at > this.now()) continue;
      this.pending.delete(id);
      t.callback();
    }
  }
  get size(): number {
    return this.pending.size;
  }
}

/** A shared engine, a registry on fake timers, and a way to open blocking clients on it. */
function setup() {
  const main = makeContext();
  const timers = new FakeTimers(() => main.clock.now());
  const registry = new BlockingRegistry(timers);
  Object.defineProperty(main.server, 'blocking', { value: registry });
  let ids = 100;
  const client = (): TestContext & { client: RespLikeSession } => {
    const ctx = { ...main, client: new RespLikeSession(ids++), reply: new ValueReply(2) };
    return ctx as TestContext & { client: RespLikeSession };
  };
  /** Run a command as `ctx`, then serve ready keys as the transport does after each command. */
  const exec = (ctx: TestContext, ...args: string[]): unknown => {
    let r: unknown;
    try {
      r = run(ctx, ...args);
    } catch (err) {
      if (ctx.client.blocked === undefined) throw err;
      r = 'blocked'; // no reply yet
    }
    if (registry.hasReady) registry.serveReady();
    return r;
  };
  return { main, timers, registry, client, exec };
}

describe('BlockingRegistry', () => {
  it('parks a client that finds nothing, and serves waiters in arrival order when data arrives', () => {
    const { main, registry, client, exec } = setup();
    const [a, b] = [client(), client()];
    expect(exec(a, 'BLPOP', 'q', '0')).toBe('blocked');
    expect(exec(b, 'BLPOP', 'q', '0')).toBe('blocked');
    expect(registry.blockedClients).toBe(2);
    expect(registry.waiters(0, 'q')).toBe(2);
    expect(exec(main, 'RPUSH', 'q', 'x')).toBe(1);
    expect(a.reply.take()).toEqual(['q', 'x']);
    expect(a.client.unblocks).toBe(1);
    expect(b.client.blocked).toBeDefined();
    expect(exec(main, 'RPUSH', 'q', 'y', 'z')).toBe(2);
    expect(b.reply.take()).toEqual(['q', 'y']);
    expect(run(main, 'LRANGE', 'q', '0', '-1')).toEqual(['z']);
    expect(registry.blockedClients).toBe(0);
  });

  it('times out on the fake clock with a nil array, and not before', () => {
    const { main, timers, registry, client, exec } = setup();
    const a = client();
    exec(a, 'BRPOP', 'q', '1.5');
    expect(registry.clientsWithTimeout).toBe(1);
    main.clock.advance(1499);
    timers.fire();
    expect(a.client.blocked).toBeDefined();
    main.clock.advance(1);
    timers.fire();
    expect(a.client.blocked).toBeUndefined();
    expect(a.reply.take()).toBeNull();
    expect(registry.waiters(0, 'q')).toBe(0);
    expect(registry.clientsWithTimeout).toBe(0);
    expect(timers.size).toBe(0);
  });

  it('clears the timer of a served client, and forgets a disconnected one', () => {
    const { main, timers, registry, client, exec } = setup();
    const [a, b] = [client(), client()];
    exec(a, 'BLPOP', 'k', '10');
    exec(b, 'BLPOP', 'k', '10');
    registry.forget(a.client.blocked!);
    exec(main, 'LPUSH', 'k', 'v');
    expect(() => a.reply.take()).toThrow('no complete reply');
    expect(b.reply.take()).toEqual(['k', 'v']);
    expect(timers.size).toBe(0);
  });

  it('waits per database', () => {
    const { main, client, exec } = setup();
    const a = client();
    a.client.db = 3;
    exec(a, 'BLPOP', 'k', '0');
    exec(main, 'LPUSH', 'k', 'db0');
    expect(a.client.blocked).toBeDefined();
    main.client.db = 3;
    exec(main, 'LPUSH', 'k', 'db3');
    expect(a.reply.take()).toEqual(['k', 'db3']);
  });

  it('does not block inside EXEC: the command replies nil at once', () => {
    const { main, client, exec } = setup();
    const a = client();
    exec(a, 'MULTI');
    exec(a, 'BLPOP', 'k', '0');
    exec(a, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    expect(exec(a, 'EXEC')).toEqual([null, null]);
    expect(a.client.blocked).toBeUndefined();
    expect(run(main, 'BLPOP', 'k', '0')).toBeNull(); // internal sessions never block either
  });

  it('serves the waiters of a key made ready by a served BLMOVE in the same pass', () => {
    const { main, client, exec } = setup();
    const [a, b] = [client(), client()];
    exec(a, 'BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0');
    exec(b, 'BLMPOP', '0', '2', 'other', 'dst', 'LEFT', 'COUNT', '5');
    exec(main, 'RPUSH', 'src', '1', '2');
    expect(a.reply.take()).toBe('2');
    expect(b.reply.take()).toEqual(['dst', ['2']]);
    expect(run(main, 'LRANGE', 'src', '0', '-1')).toEqual(['1']);
    expect(run(main, 'EXISTS', 'dst')).toBe(0);
  });

  it('skips waiters of another type and keeps them blocked', () => {
    const { main, client, exec } = setup();
    const a = client();
    exec(a, 'BLPOP', 'k', '0');
    exec(main, 'SET', 'k', 'string');
    exec(main, 'SADD', 'k2', 'm');
    exec(main, 'RENAME', 'k2', 'k');
    expect(a.client.blocked).toBeDefined();
    exec(main, 'DEL', 'k');
    exec(main, 'RPUSH', 'k', 'v');
    expect(a.reply.take()).toEqual(['k', 'v']);
  });

  it('CLIENT UNBLOCK replies the timeout nil or an UNBLOCKED error', () => {
    const { main, client, exec } = setup();
    const a = client();
    main.server.clients.set(a.client.id, a.client);
    exec(a, 'BLPOP', 'k', '0');
    expect(run(main, 'CLIENT', 'UNBLOCK', String(a.client.id), 'ERROR')).toBe(1);
    expect(a.reply.take()).toMatchObject({ message: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
    expect(run(main, 'CLIENT', 'UNBLOCK', String(a.client.id))).toBe(0);
  });
});
