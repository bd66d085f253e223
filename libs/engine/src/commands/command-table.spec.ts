import { describe, expect, it } from '@jest/globals';
import { Engine } from '../engine.js';
import { createEvictionPolicy } from '../eviction/create.js';
import { FakeClock } from '../clock.js';
import type { CommandContext } from './command.js';
import { CommandTable, createCommandTable } from './command-table.js';
import { ConfigStore } from './config-store.js';
import { InternalSession } from './internal-session.js';
import { NODE_PARAMS } from './params.js';
import { ServerState } from './server-state.js';
import { ReplyError, StatusReply, ValueReply } from './value-reply.js';

function setup(options: { maxmemory?: number } = {}) {
  const engine = new Engine({ clock: new FakeClock(), maxmemory: options.maxmemory ?? 0 });
  const config = new ConfigStore(NODE_PARAMS);
  const server = new ServerState(config);
  const table = createCommandTable();
  const reply = new ValueReply(2);
  const client = new InternalSession(server.nextClientId());
  const ctx: CommandContext = { engine, keyspace: engine.keyspace, server, client, reply };
  const run = (...args: string[]): unknown => {
    table.execute(ctx, args);
    return reply.take();
  };
  return { engine, config, server, table, ctx, client, run };
}

const err = (v: unknown): string => (v instanceof ReplyError ? v.message : `not an error: ${String(v)}`);
const status = (v: unknown): string => (v instanceof StatusReply ? v.status : `not a status: ${String(v)}`);

describe('CommandTable', () => {
  it('looks commands up case-insensitively', () => {
    const { run } = setup();
    expect(status(run('PING'))).toBe('PONG');
    expect(status(run('pInG'))).toBe('PONG');
    expect(run('ping', 'hello')).toBe('hello');
  });

  it('rejects unknown commands with the Redis 7 wording', () => {
    const { run, server } = setup();
    expect(err(run('nosuch', 'a', 'b'))).toBe("ERR unknown command 'nosuch', with args beginning with: 'a' 'b' ");
    expect(err(run('nosuch'))).toBe("ERR unknown command 'nosuch', with args beginning with: ");
    expect(server.totalErrorReplies).toBe(2);
  });

  it('checks arity before running a handler', () => {
    const { run, server } = setup();
    expect(err(run('get'))).toBe("ERR wrong number of arguments for 'get' command");
    expect(err(run('echo', 'a', 'b'))).toBe("ERR wrong number of arguments for 'echo' command");
    expect(server.statsFor('get').rejectedCalls).toBe(1);
    expect(server.statsFor('get').calls).toBe(0);
  });

  it('checks the arity of subcommands under their full name', () => {
    const { run } = setup();
    expect(err(run('config', 'get'))).toBe("ERR wrong number of arguments for 'config|get' command");
    expect(err(run('config', 'nosuch'))).toBe("ERR unknown subcommand 'nosuch'. Try CONFIG HELP.");
  });

  it('requires AUTH when requirepass is set, and lets AUTH/HELLO/QUIT through', () => {
    const { run, config, client } = setup();
    client.authenticated = false;
    config.set('requirepass', 's3cret');
    expect(err(run('get', 'k'))).toBe('NOAUTH Authentication required.');
    expect(err(run('nosuch'))).toBe('NOAUTH Authentication required.');
    expect(err(run('auth', 'wrong'))).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(status(run('auth', 's3cret'))).toBe('OK');
    expect(run('get', 'k')).toBeNull();
  });

  it('answers OOM for denyoom commands when memory cannot be freed (noeviction)', () => {
    const { run, engine } = setup();
    expect(status(run('set', 'k', 'v'))).toBe('OK');
    engine.maxmemory = 1;
    expect(err(run('set', 'k2', 'v'))).toBe("OOM command not allowed when used memory > 'maxmemory'.");
    expect(run('get', 'k')).toBe('v'); // reads still work
    expect(engine.stats.oomRejections).toBe(1);
  });

  it('evicts before any command, reads included, so memory is under maxmemory whatever runs next', () => {
    const { run, engine } = setup();
    for (let i = 0; i < 10; i++) run('set', `k${i}`, 'v'.repeat(100));
    engine.setPolicy(createEvictionPolicy('allkeys-lru'));
    engine.maxmemory = engine.usedMemory() - 1;
    expect(run('ping')).toBeInstanceOf(StatusReply);
    expect(engine.usedMemory()).toBeLessThanOrEqual(engine.maxmemory);
    expect(engine.stats.evictedKeys).toBe(1);
    expect(engine.stats.oomRejections).toBe(0);
  });

  it('counts calls, failures and latency per command', () => {
    const { run, server } = setup();
    run('set', 'k', 'v');
    run('get', 'k');
    run('incr', 'k'); // fails: not an integer
    expect(server.statsFor('set').calls).toBe(1);
    expect(server.statsFor('incr').failedCalls).toBe(1);
    expect(server.totalCommandsProcessed).toBe(3);
    // Latency is sampled on one command in 8, each sample weighing 8.
    for (let i = 0; i < 13; i++) run('get', 'k');
    const bucketTotal = server.latencyBuckets.reduce((a, b) => a + b, 0);
    expect(bucketTotal).toBe(16);
    expect(server.totalCommandsProcessed).toBe(16);
  });

  it('refuses to register a command twice', () => {
    const table = new CommandTable();
    const spec = { name: 'x', arity: 1, flags: [], firstKey: 0, lastKey: 0, step: 0, summary: '', categories: [], handler: () => undefined };
    table.register(spec);
    expect(() => table.register(spec)).toThrow('registered twice');
  });
});

describe('server commands', () => {
  it('SELECT switches databases within range', () => {
    const { run, client } = setup();
    expect(status(run('select', '3'))).toBe('OK');
    expect(client.db).toBe(3);
    expect(err(run('select', '16'))).toBe('ERR DB index is out of range');
    expect(err(run('select', 'x'))).toBe('ERR value is not an integer or out of range');
  });

  it('HELLO switches protocol and replies the server map', () => {
    const { run, client } = setup();
    const m = run('hello', '3') as Map<string, unknown>;
    expect(m.get('proto')).toBe(3);
    expect(m.get('server')).toBe('redis');
    expect(client.protocol).toBe(3);
    expect(err(run('hello', '4'))).toBe('NOPROTO unsupported protocol version');
    expect(err(run('hello', '3', 'bogus'))).toBe("ERR Syntax error in HELLO option 'bogus'");
  });

  it('AUTH without a configured password gives the Redis 7 error', () => {
    const { run } = setup();
    expect(err(run('auth', 'x'))).toMatch(/^ERR AUTH <password> called without any password configured/);
    expect(status(run('auth', 'default', 'anything'))).toBe('OK');
  });

  it('CONFIG GET matches globs; CONFIG SET validates all pairs before applying any', () => {
    const { run, config } = setup();
    expect(run('config', 'get', 'maxmemory')).toEqual(new Map([['maxmemory', '0']]));
    const m = run('config', 'get', 'maxmemory*') as Map<string, string>;
    expect([...m.keys()].sort()).toEqual(['maxmemory', 'maxmemory-policy', 'maxmemory-samples']);
    expect(status(run('config', 'set', 'maxmemory', '10mb'))).toBe('OK');
    expect(config.get('maxmemory')).toBe(String(10 * 1024 * 1024));
    expect(err(run('config', 'set', 'maxmemory', '1kb', 'maxmemory-policy', 'bogus'))).toMatch(
      /^ERR CONFIG SET failed \(possibly related to argument 'maxmemory-policy'\) - /,
    );
    expect(config.get('maxmemory')).toBe(String(10 * 1024 * 1024));
    expect(err(run('config', 'set', 'nosuch', '1'))).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    expect(err(run('config', 'set', 'port', '1'))).toBe("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
    expect(run('config', 'get', 'nosuch')).toEqual(new Map());
  });

  it('CLIENT SETNAME / GETNAME / ID / SETINFO', () => {
    const { run, client } = setup();
    expect(run('client', 'getname')).toBeNull();
    expect(status(run('client', 'setname', 'worker-1'))).toBe('OK');
    expect(run('client', 'getname')).toBe('worker-1');
    expect(err(run('client', 'setname', 'a b'))).toBe('ERR Client names cannot contain spaces, newlines or special characters.');
    expect(run('client', 'id')).toBe(client.id);
    expect(status(run('client', 'setinfo', 'lib-name', 'ioredis'))).toBe('OK');
    expect(err(run('client', 'setinfo', 'bogus', 'x'))).toBe("ERR Unrecognized option 'bogus'");
  });

  it('INFO reports Redis field names', () => {
    const { run } = setup();
    run('set', 'a', '1');
    run('get', 'a');
    run('get', 'missing');
    const text = run('info') as string;
    expect(text).toMatch(/^# Server\r\n/);
    expect(text).toMatch(/\r\nkeyspace_hits:1\r\n/);
    expect(text).toMatch(/\r\nkeyspace_misses:1\r\n/);
    expect(text).toMatch(/\r\nmaxmemory_policy:noeviction\r\n/);
    expect(text).toMatch(/\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n/);
    const mem = run('info', 'memory') as string;
    expect(mem).toMatch(/^# Memory\r\nused_memory:\d+\r\n/);
    expect(mem).not.toMatch(/# Server/);
    expect(run('info', 'commandstats') as string).toMatch(/cmdstat_get:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
  });

  it('COMMAND COUNT / INFO / DOCS / GETKEYS read the table', () => {
    const { run, table } = setup();
    expect(run('command', 'count')).toBe(table.size);
    const [get] = run('command', 'info', 'get') as unknown[][];
    expect(get.slice(0, 2)).toEqual(['get', 2]);
    expect(get.slice(3, 6)).toEqual([1, 1, 1]);
    expect(run('command', 'info', 'nosuch')).toEqual([null]);
    const docs = run('command', 'docs', 'set') as Map<string, Map<string, unknown>>;
    expect(docs.get('set')?.get('group')).toBe('string');
    expect(run('command', 'getkeys', 'mset', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
  });

  it('TIME returns seconds and microseconds', () => {
    const { run } = setup();
    const [s, us] = run('time') as string[];
    expect(Number(s)).toBeGreaterThan(1_600_000_000);
    expect(Number(us)).toBeLessThan(1_000_000);
  });
});
