/**
 * AOF rewrite without fork: a random keyspace in several databases, rewritten in small steps while random writes
 * run between them (each touched first, as the server does), loads back into a fresh engine as exactly the live
 * keyspace; plus the file's shape (pre-write values, one emission per key) and its replacement on disk.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../engine/src/engine.js';
import { FakeClock } from '../../engine/src/clock.js';
import { createCommandTable } from '../../engine/src/commands/command-table.js';
import { commandKeys } from '../../engine/src/commands/key-positions.js';
import { captureReplication } from '../../engine/src/commands/replication.js';
import { makeContext, seeded, type TestContext } from '../../engine/src/commands/test-kit.js';
import type { StatusReply } from '../../engine/src/commands/value-reply.js';
import { AofRewrite, type AofRewriteFs } from './aof-rewrite.js';

const DBS = 4;
const table = createCommandTable();

let dir: string;
let tempPath: string;
let finalPath: string;

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'aof-rewrite-'));
  tempPath = join(dir, 'temp-rewrite.aof');
  finalPath = join(dir, 'appendonly.aof');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Run one command in `db`; throws on an error reply when `strict`. */
function exec(ctx: TestContext, db: number, args: string[], strict = false): unknown {
  ctx.client.db = db;
  const errors = ctx.reply.errors;
  table.execute(ctx, args);
  const reply = ctx.reply.take();
  if (strict && ctx.reply.errors !== errors) throw new Error(`refused ${JSON.stringify(args.slice(0, 3))}: ${String(reply)}`);
  return reply;
}

/**
 * A live server in miniature: an engine whose effective writes go to the running rewrite, and writes that touch
 * their keys first (COPY's destination in its target database too) and report flushes, as the integrator wires.
 */
class Server {
  readonly clock = new FakeClock();
  readonly engine = new Engine({ clock: this.clock, databases: DBS });
  readonly ctx = makeContext(this.engine);
  rewrite: AofRewrite | undefined;
  /** Leave touch out (to show the merge needs it). */
  skipTouch = false;

  constructor() {
    captureReplication(this.engine, this.ctx.server, { propagate: (db, args) => this.rewrite?.propagate(db, args) });
  }

  start(fsImpl?: AofRewriteFs): AofRewrite {
    this.rewrite = new AofRewrite({ store: this.engine.keyspace, dbCount: DBS, tempPath, finalPath, now: () => this.clock.now(), fs: fsImpl });
    return this.rewrite;
  }

  write(db: number, ...args: string[]): unknown {
    const rewrite = this.rewrite;
    const name = args[0].toLowerCase();
    if (rewrite !== undefined && !this.skipTouch) {
      for (const i of commandKeys(table.lookup(name)!, args) ?? []) rewrite.touch(db, args[i]);
      const dbOption = args.findIndex((a) => a.toLowerCase() === 'db');
      if (name === 'copy' && dbOption > 0) rewrite.touch(Number(args[dbOption + 1]), args[2]);
    }
    const reply = exec(this.ctx, db, args);
    if (rewrite !== undefined && name === 'flushdb') rewrite.flushedDb(db);
    if (rewrite !== undefined && name === 'flushall') for (let d = 0; d < DBS; d++) rewrite.flushedDb(d);
    return reply;
  }

  finish(): void {
    const rewrite = this.rewrite!;
    while (!rewrite.step(4096));
    fs.closeSync(rewrite.finish().fd);
    this.rewrite = undefined;
  }
}

/** The commands of a RESP command stream (latin1 strings). */
function parseAof(bytes: Buffer): string[][] {
  const text = bytes.toString('latin1');
  const commands: string[][] = [];
  let at = 0;
  const header = (type: string): number => {
    const end = text.indexOf('\r\n', at);
    if (text[at] !== type || end < 0) throw new Error(`expected ${type} at ${at}`);
    const n = Number(text.slice(at + 1, end));
    at = end + 2;
    return n;
  };
  while (at < text.length) {
    const args = new Array<string>(header('*'));
    for (let i = 0; i < args.length; i++) {
      const len = header('$');
      args[i] = text.slice(at, at + len);
      if (text.slice(at + len, at + len + 2) !== '\r\n') throw new Error(`bad bulk end at ${at + len}`);
      at += len + 2;
    }
    commands.push(args);
  }
  return commands;
}

/**
 * A fresh engine with the file applied through its command table, at the live clock's time. As Redis while
 * loading, nothing expires during the load (a replica store keeps keys past their TTL), so commands act on
 * what they acted on when they ran.
 */
function load(now: number, path = finalPath): TestContext {
  const ctx = makeContext(new Engine({ clock: new FakeClock(now), databases: DBS }));
  ctx.engine.keyspace.replica = true;
  for (const args of parseAof(fs.readFileSync(path))) exec(ctx, ctx.client.db, args, true);
  ctx.engine.keyspace.replica = false;
  return ctx;
}

/** What clients read of every live key of every database: type, contents, absolute expiry. */
function observed(ctx: TestContext): unknown[] {
  const now = ctx.clock.now();
  const dbs: unknown[] = [];
  for (let db = 0; db < DBS; db++) {
    const keys = [...ctx.engine.keyspace.entries(db)].filter((e) => e.expireAt === 0 || now <= e.expireAt).map((e) => e.key);
    dbs.push(keys.sort().map((key) => [key, ctx.engine.keyspace.expireAt(db, key), contents(ctx, db, key)]));
  }
  return dbs;
}

function contents(ctx: TestContext, db: number, key: string): unknown {
  const type = (exec(ctx, db, ['TYPE', key]) as StatusReply).status;
  if (type === 'string') return exec(ctx, db, ['GET', key]);
  if (type === 'list') return [type, exec(ctx, db, ['LRANGE', key, '0', '-1'])];
  if (type === 'set') return [type, (exec(ctx, db, ['SMEMBERS', key]) as string[]).sort()];
  if (type === 'zset') return [type, exec(ctx, db, ['ZRANGE', key, '0', '-1', 'WITHSCORES'])];
  if (type !== 'hash') throw new Error(`unexpected type ${type}`);
  const flat = exec(ctx, db, ['HGETALL', key]) as string[];
  const fields: string[] = [];
  for (let i = 0; i < flat.length; i += 2) fields.push(flat[i] + '=' + flat[i + 1]);
  return [type, fields.sort()];
}

/** Values, some binary (CR LF, bytes above 127) and empty. */
const VALUES = ['', 'a', 'bb', '12', '-7', 'x\r\ny', '\u00ff\u0000\u00e9', 'long-'.repeat(40)];

/** Fills every database with strings, lists (some past one emitted chunk), hashes, sets, zsets; some with TTLs. */
function populate(server: Server, rng: () => number): void {
  const int = (n: number): number => Math.floor(rng() * n);
  for (let db = 0; db < DBS; db++) {
    for (let i = 0; i < 50; i++) {
      const key = 'k' + i;
      const n = 1 + (i % 7 === 0 ? 300 : int(12));
      const items = Array.from({ length: n }, (_, j) => 'e' + j + VALUES[int(VALUES.length)]);
      switch (i % 5) {
        case 0:
          server.write(db, 'SET', key, VALUES[int(VALUES.length)] + i);
          break;
        case 1:
          server.write(db, 'RPUSH', key, ...items);
          break;
        case 2:
          server.write(db, 'HSET', key, ...items.flatMap((item) => [item, String(int(1000))]));
          break;
        case 3:
          server.write(db, 'SADD', key, ...(i % 2 === 0 ? items : items.map((_, j) => String(j))));
          break;
        default:
          server.write(db, 'ZADD', key, ...items.flatMap((item, j) => [j % 9 === 0 ? '-inf' : String(int(100) / 8 - 3), item]));
      }
      if (rng() < 0.3) server.write(db, 'PEXPIRE', key, String(1 + int(4000)));
    }
  }
}

/** A random write on keys k0..k69 (so new keys too) of a random database. */
function randomWrite(server: Server, rng: () => number): void {
  const int = (n: number): number => Math.floor(rng() * n);
  const key = (): string => 'k' + int(70);
  const val = (): string => VALUES[int(VALUES.length)];
  const k = key();
  const writes: (() => string[])[] = [
    () => ['SET', k, val()],
    () => ['SET', k, val(), 'PX', String(1 + int(3000))],
    () => ['DEL', k, key()],
    () => ['RPUSH', k, val(), val()],
    () => ['LPOP', k],
    () => ['HSET', k, 'f' + int(8), val()],
    () => ['HDEL', k, 'f' + int(8)],
    () => ['SADD', k, 'm' + int(20)],
    () => ['SPOP', k],
    () => ['ZADD', k, String(int(100) - 50), 'm' + int(20)],
    () => ['ZINCRBY', k, '1.5', 'm' + int(20)],
    () => ['RENAME', k, key()],
    () => ['EXPIRE', k, String(1 + int(5))],
    () => ['PERSIST', k],
    () => ['COPY', k, key(), 'DB', String(int(DBS)), 'REPLACE'],
    () => ['INCR', k],
    () => ['APPEND', k, val()],
    () => ['GET', k], // lazy expiry: a DEL in INCR
  ];
  server.write(int(DBS), ...writes[int(writes.length)]());
}

describe('AOF rewrite merge', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('rebuilds the live keyspace of every database under random writes (seed %i)', (seed) => {
    const rng = seeded(seed);
    const server = new Server();
    populate(server, rng);
    server.clock.advance(1);
    const rewrite = server.start();
    const flushAt = Math.floor(rng() * 1500);
    for (let op = 0; op < 1500; op++) {
      if (op === flushAt) server.write(Math.floor(rng() * DBS), 'FLUSHDB');
      else if (seed === 8 && op === 1400) server.write(0, 'FLUSHALL');
      else randomWrite(server, rng);
      server.clock.advance(Math.floor(rng() * 4));
      if (rng() < 0.3) rewrite.step(100 + Math.floor(rng() * 1500));
    }
    expect(rewrite.keysWritten).toBeGreaterThan(0);
    server.finish();
    expect(observed(load(server.clock.now()))).toEqual(observed(server.ctx));
  });

  it('needs the touch: a list appended to before the walk reached it would be appended twice', () => {
    const server = new Server();
    server.write(0, 'RPUSH', 'l', 'a');
    server.start();
    server.skipTouch = true;
    server.write(0, 'RPUSH', 'l', 'b');
    server.finish();
    expect(observed(load(server.clock.now()))).not.toEqual(observed(server.ctx));
  });
});

describe('AOF rewrite file', () => {
  it('holds a key modified during the rewrite with its value at the start, then the write', () => {
    const server = new Server();
    server.write(2, 'SET', 'k', 'old');
    server.write(2, 'SET', 'ttl', 'v', 'PX', '5000');
    const rewrite = server.start();
    server.write(2, 'SET', 'k', 'new');
    server.write(2, 'RPUSH', 'created', 'x');
    server.write(2, 'DEL', 'ttl');
    server.finish();
    const at = String(server.clock.now() + 5000);
    expect(parseAof(fs.readFileSync(finalPath))).toEqual([
      ['SELECT', '2'],
      ['SET', 'k', 'old'],
      ['SET', 'ttl', 'v'],
      ['PEXPIREAT', 'ttl', at],
      ['SELECT', '2'],
      ['SET', 'k', 'new'],
      ['RPUSH', 'created', 'x'],
      ['DEL', 'ttl'],
    ]);
    expect(rewrite.keysWritten).toBe(2);
  });

  it('writes a key touched twice, or touched then walked, once', () => {
    const server = new Server();
    server.write(0, 'RPUSH', 'l', 'a', 'b');
    server.write(0, 'SET', 's', 'v');
    const rewrite = server.start();
    rewrite.touch(0, 'l');
    rewrite.touch(0, 'l');
    rewrite.step(1);
    rewrite.touch(0, 's');
    rewrite.touch(0, 'l');
    server.finish();
    const commands = parseAof(fs.readFileSync(finalPath));
    expect(commands.filter((c) => c[1] === 'l')).toEqual([['RPUSH', 'l', 'a', 'b']]);
    expect(commands.filter((c) => c[1] === 's')).toEqual([['SET', 's', 'v']]);
    expect(rewrite.keysWritten).toBe(2);
  });

  it('leaves out keys past their TTL, and a flushed database after the flush', () => {
    const server = new Server();
    server.write(0, 'SET', 'gone', 'v', 'PX', '10');
    server.write(0, 'SET', 'kept', 'v');
    server.write(1, 'SET', 'a', '1');
    server.write(1, 'SET', 'b', '2');
    server.clock.advance(11);
    const rewrite = server.start();
    server.write(1, 'FLUSHDB');
    server.write(1, 'SET', 'c', '3');
    rewrite.touch(1, 'a'); // a no-op in a flushed database
    rewrite.flushedDb(0); // not empty (a refused flush): still walked
    server.finish();
    expect(parseAof(fs.readFileSync(finalPath))).toEqual([
      ['SELECT', '0'],
      ['SET', 'kept', 'v'],
      ['SELECT', '1'],
      ['FLUSHDB'],
      ['SET', 'c', '3'],
    ]);
  });

  it('reads the keyspace without side effects: no hits, no LRU update, no expiry', () => {
    const server = new Server();
    server.write(0, 'SET', 'k', 'v');
    server.write(0, 'SET', 'old', 'v', 'PX', '10');
    server.clock.advance(1000);
    const store = server.engine.keyspace;
    const hits = server.engine.stats.keyspaceHits;
    const rewrite = server.start();
    rewrite.touch(0, 'old');
    while (!rewrite.step(1));
    expect(server.engine.stats.keyspaceHits).toBe(hits);
    expect(store.idleMs(0, 'k')).toBe(1000);
    expect([...store.entries(0)].map((e) => e.key)).toEqual(['k', 'old']);
    rewrite.abort();
  });

  it('counts progress for INFO', () => {
    const server = new Server();
    server.write(0, 'SET', 'k', 'v');
    const rewrite = server.start();
    expect(rewrite.startedAt).toBe(server.clock.now());
    server.write(0, 'SET', 'n', 'w');
    while (!rewrite.step(1));
    expect(rewrite.keysWritten).toBe(1);
    expect(rewrite.baseBytes).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'.length);
    expect(rewrite.incrBytes).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$1\r\nw\r\n'.length);
    const { fd, size } = rewrite.finish();
    fs.closeSync(fd);
    expect(size).toBe(rewrite.baseBytes + rewrite.incrBytes);
  });
});

describe('AOF rewrite on disk', () => {
  function bigServer(): Server {
    const server = new Server();
    for (let i = 0; i < 200; i++) server.write(i % DBS, 'SET', 'k' + i, 'v'.repeat(50));
    return server;
  }

  it('leaves the old file intact until finish renames the new one over it, and hands over an appending fd', () => {
    fs.writeFileSync(finalPath, 'OLD');
    const server = bigServer();
    const rewrite = server.start();
    let steps = 0;
    while (!rewrite.step(500)) {
      steps++;
      expect(fs.readFileSync(finalPath, 'latin1')).toBe('OLD');
      expect(fs.existsSync(tempPath)).toBe(true);
    }
    expect(steps).toBeGreaterThan(5);
    const { fd, size } = rewrite.finish();
    expect(fs.existsSync(tempPath)).toBe(false);
    expect(fs.statSync(finalPath).size).toBe(size);
    fs.writeSync(fd, Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1'));
    fs.closeSync(fd);
    const commands = parseAof(fs.readFileSync(finalPath));
    expect(commands.filter((c) => c[0] === 'SET')).toHaveLength(200);
    expect(commands[commands.length - 1]).toEqual(['PING']);
  });

  it('abort closes and removes the temp file, leaving the old file', () => {
    fs.writeFileSync(finalPath, 'OLD');
    const server = bigServer();
    const rewrite = server.start();
    rewrite.step(500);
    rewrite.abort();
    expect(fs.existsSync(tempPath)).toBe(false);
    expect(fs.readFileSync(finalPath, 'latin1')).toBe('OLD');
    rewrite.propagate(0, ['SET', 'k', 'v']); // ignored once aborted
    expect(() => rewrite.step(500)).toThrow(/aborted/);
  });

  /** node:fs, recording the calls that order durability, with `override`s. */
  function recordingFs(calls: string[], override: Partial<AofRewriteFs> = {}): AofRewriteFs {
    const fds = new Map<number, string>();
    const name = (fd: number): string => fds.get(fd) ?? String(fd);
    return {
      openSync: ((path: string, flags: number, mode?: number) => {
        const fd = fs.openSync(path, flags, mode);
        fds.set(fd, path === dir ? 'dir' : 'temp');
        calls.push(`open ${name(fd)}`);
        return fd;
      }) as AofRewriteFs['openSync'],
      writeSync: ((fd: number, buf: Buffer, offset: number, length: number) => fs.writeSync(fd, buf, offset, Math.min(length, 7))) as AofRewriteFs['writeSync'],
      fdatasyncSync: (fd) => {
        calls.push(`fdatasync ${name(fd)}`);
        fs.fdatasyncSync(fd);
      },
      fsyncSync: (fd) => {
        calls.push(`fsync ${name(fd)}`);
        fs.fsyncSync(fd);
      },
      renameSync: (from, to) => {
        calls.push('rename');
        fs.renameSync(from, to);
      },
      closeSync: (fd) => {
        calls.push(`close ${name(fd)}`);
        fs.closeSync(fd);
      },
      unlinkSync: (path) => {
        calls.push('unlink');
        fs.unlinkSync(path);
      },
      ...override,
    };
  }

  it('syncs the file before the rename and the directory after it, through short writes', () => {
    const calls: string[] = [];
    const server = new Server();
    server.write(0, 'RPUSH', 'l', ...VALUES);
    const rewrite = server.start(recordingFs(calls));
    server.write(1, 'SET', 'k', 'x\r\n');
    server.finish();
    expect(calls).toEqual(['open temp', 'fdatasync temp', 'rename', 'open dir', 'fsync dir', 'close dir']);
    expect(observed(load(server.clock.now()))).toEqual(observed(server.ctx));
    expect(rewrite.keysWritten).toBe(1);
  });

  it('skips the directory sync where the platform refuses it', () => {
    const calls: string[] = [];
    const refuse = (): never => {
      throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    };
    const server = new Server();
    server.write(0, 'SET', 'k', 'v');
    server.start(recordingFs(calls, { fsyncSync: refuse }));
    server.finish();
    expect(calls).toEqual(['open temp', 'fdatasync temp', 'rename', 'open dir', 'close dir']);
    expect(parseAof(fs.readFileSync(finalPath))).toEqual([['SELECT', '0'], ['SET', 'k', 'v']]);
  });

  it('keeps the old file when the rename fails (a crash before it), and abort cleans up', () => {
    fs.writeFileSync(finalPath, 'OLD');
    const server = new Server();
    server.write(0, 'SET', 'k', 'v');
    const rewrite = server.start(recordingFs([], { renameSync: () => { throw Object.assign(new Error('EIO'), { code: 'EIO' }); } }));
    while (!rewrite.step(100));
    expect(() => rewrite.finish()).toThrow('EIO');
    expect(fs.readFileSync(finalPath, 'latin1')).toBe('OLD');
    rewrite.abort();
    expect(fs.existsSync(tempPath)).toBe(false);
  });
});
