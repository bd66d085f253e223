/**
 * The append-only file with real node processes (docs/persistence.md): a kill -9 under write load loses no
 * acknowledged write in any appendfsync mode, `always` has written each write before its reply, a cut tail is
 * truncated (or refused with --aof-load-truncated no), corruption stops the node until check-aof --fix,
 * BGREWRITEAOF and CONFIG SET appendonly yes rewrite from the keyspace without losing writes made meanwhile, and
 * a standalone node answers -LOADING (and /health/ready 503) while it replays a big file.
 *
 * Each scenario starts its own nodes in its own directory and runs concurrently with the others (a node takes
 * seconds to boot; the scenarios share nothing). `bin/ringcache node` runs the node in a child process of its
 * own, so kill -9 goes to the node's pid from INFO server, not to the launcher.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { freePort } from './support/ports.js';
import { aofClient as client, bootLoaded, infoFields as info, kill9, killPid, trackPid, type BootedNode } from './support/aof-nodes.js';
import { ROOT, startNode, startRedisServer } from './support/processes.js';

const SCENARIO_TIMEOUT_MS = 60_000;
/** Relative TTL of the load's expiring keys, in seconds. */
const TTL_S = 100;

const work = mkdtempSync(path.join(tmpdir(), 'ringcache-aof-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function freshDir(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * At most BOOTS_AT_ONCE nodes booting at a time: a boot is seconds of CPU, and startNode gives up after 15 s
 * without its ports (leaving a process it cannot hand back) when too many boot on two cores.
 */
const BOOTS_AT_ONCE = 3;
let booting = 0;
const bootQueue: Array<() => void> = [];

async function gated<T>(run: () => Promise<T>): Promise<T> {
  if (booting >= BOOTS_AT_ONCE) await new Promise<void>((resolve) => bootQueue.push(resolve));
  booting++;
  try {
    return await run();
  } finally {
    booting--;
    bootQueue.shift()?.();
  }
}

/** Starts a node and waits until it has loaded its AOF (PING answers PONG rather than -LOADING). */
function boot(dir: string, flags: string[]): Promise<BootedNode> {
  return gated(() => bootLoaded(dir, flags));
}

/** Starts a node that must refuse to start: its exit code and output. */
function bootRefused(dir: string, flags: string[]): Promise<{ code: number | null; output: string }> {
  return gated(() => bootRefusedNow(dir, flags));
}

/**
 * Spawned here rather than with startNode: when the node exits before its ports listen, startNode rejects but
 * its port probes go on for 15 s, keeping Jest from exiting.
 */
async function bootRefusedNow(dir: string, flags: string[]): Promise<{ code: number | null; output: string }> {
  const ports = [await freePort(), await freePort(), await freePort()].map(String);
  const args = ['node', '--port', ports[0]!, '--tcp-port', ports[1]!, '--http-port', ports[2]!, '--dir', dir, ...flags];
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/ringcache'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stillRunning = setTimeout(() => proc.kill('SIGTERM'), 20_000); // it started after all: the test fails on the code
  const code = await new Promise<number | null>((resolve) => proc.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(stillRunning);
  return { code, output };
}

function checkAof(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/ringcache'), 'check-aof', ...args], { cwd: ROOT }, (err, stdout) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout });
    });
  });
}

/** One command through redis-cli; its output without the trailing newline. */
function redisCli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-p', String(port), ...args], (err, stdout) => (err ? reject(err) : resolve(stdout.trimEnd())));
  });
}

/** The commands of an AOF as [start, end) byte ranges with their arguments (a minimal RESP reader for tests). */
function aofCommands(file: Buffer): { start: number; end: number; args: string[] }[] {
  const commands: { start: number; end: number; args: string[] }[] = [];
  let pos = 0;
  const line = (): string => {
    const cr = file.indexOf('\r\n', pos, 'latin1');
    if (cr < 0) throw new Error(`no CRLF after offset ${pos}`);
    const text = file.toString('latin1', pos, cr);
    pos = cr + 2;
    return text;
  };
  while (pos < file.length) {
    const start = pos;
    const argc = Number(line().slice(1));
    const args: string[] = [];
    for (let i = 0; i < argc; i++) {
      const len = Number(line().slice(1));
      args.push(file.toString('latin1', pos, pos + len));
      pos += len + 2;
    }
    commands.push({ start, end: pos, args });
  }
  return commands;
}

// ---- write load with a model of what was acknowledged ----

/** What one client's acknowledged writes left, and the one write it had in flight when the node died. */
interface ClientModel {
  readonly id: number;
  /** Plain strings (no TTL): key → value. */
  readonly strings: Map<string, string>;
  /** Strings written with EX / given an EXPIRE: key → value, and when the write was sent and acknowledged. */
  readonly expiring: Map<string, { value: string; sentAt: number; ackedAt: number }>;
  counter: number;
  listLength: number;
  readonly hash: Map<string, string>;
  /** The key of the write in flight (its effect may or may not have reached the file). */
  pending: string | undefined;
  ops: number;
}

const counterKey = (c: number): string => `load:{${c}}:ctr`;
const listKey = (c: number): string => `load:{${c}}:list`;
const hashKey = (c: number): string => `load:{${c}}:hash`;

/**
 * One client's writes until `stop()` or an error (the node died): per round SET, INCR, RPUSH, HSET, SET EX and
 * EXPIRE of the round's SET key, each recorded in the model once acknowledged.
 */
async function runClient(redis: Redis, model: ClientModel, running: () => boolean): Promise<void> {
  const c = model.id;
  try {
    for (let i = 0; running(); i++) {
      const plain = `load:{${c}}:s:${i}`;
      model.pending = plain;
      expect(await redis.set(plain, `v${i}`)).toBe('OK');
      model.strings.set(plain, `v${i}`);

      model.pending = counterKey(c);
      expect(await redis.incr(counterKey(c))).toBe(model.counter + 1);
      model.counter++;

      model.pending = listKey(c);
      expect(await redis.rpush(listKey(c), String(i))).toBe(model.listLength + 1);
      model.listLength++;

      model.pending = hashKey(c);
      await redis.hset(hashKey(c), `f${i % 50}`, String(i));
      model.hash.set(`f${i % 50}`, String(i));

      const expiring = `load:{${c}}:t:${i}`;
      model.pending = expiring;
      let sentAt = Date.now();
      expect(await redis.set(expiring, `t${i}`, 'EX', TTL_S)).toBe('OK');
      model.expiring.set(expiring, { value: `t${i}`, sentAt, ackedAt: Date.now() });

      if (i % 4 === 0) {
        model.pending = plain;
        sentAt = Date.now();
        expect(await redis.expire(plain, TTL_S)).toBe(1);
        model.strings.delete(plain);
        model.expiring.set(plain, { value: `v${i}`, sentAt, ackedAt: Date.now() });
      }
      model.pending = undefined;
      model.ops += i % 4 === 0 ? 6 : 5;
    }
  } catch (err) {
    if (running()) throw err; // an error before the kill is a failure; after it, the connection just closed
  }
}

interface Load {
  readonly models: ClientModel[];
  /** Stops the writers (when the node stays up) and waits for them. */
  stop(): Promise<void>;
  /** Ends the load because the node is about to be killed: closes the connections; errors from then on are expected. */
  killing(): void;
  readonly done: Promise<void>;
}

function startLoad(port: number, clients: number, firstId = 0): Load {
  let running = true;
  const models: ClientModel[] = [];
  const conns: Redis[] = [];
  const runs: Promise<void>[] = [];
  for (let c = firstId; c < firstId + clients; c++) {
    const model: ClientModel = { id: c, strings: new Map(), expiring: new Map(), counter: 0, listLength: 0, hash: new Map(), pending: undefined, ops: 0 };
    const conn = client(port);
    models.push(model);
    conns.push(conn);
    runs.push(runClient(conn, model, () => running));
  }
  const done = Promise.all(runs).then(() => conns.forEach((conn) => conn.disconnect()));
  return {
    models,
    done,
    killing: () => {
      running = false;
      conns.forEach((conn) => conn.disconnect()); // the write in flight stays `pending`: it may land or not
    },
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * Every acknowledged write reads back with its value: counters and lists at their acknowledged count, keys
 * written with a relative TTL still expiring at their original deadline (not reset by the reload). The one
 * write in flight when the node died may have landed or not.
 */
async function expectAcknowledged(redis: Redis, models: ClientModel[]): Promise<void> {
  for (const model of models) {
    const c = model.id;
    const pending = model.pending;
    const pipe = redis.pipeline();
    const plain = [...model.strings.keys()];
    const expiring = [...model.expiring.keys()];
    for (const key of plain) pipe.get(key);
    for (const key of expiring) pipe.get(key);
    for (const key of expiring) pipe.pttl(key);
    pipe.get(counterKey(c));
    pipe.lrange(listKey(c), 0, -1);
    pipe.hgetall(hashKey(c));
    const askedAt = Date.now();
    const results = (await pipe.exec())!.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const answeredAt = Date.now();
    let r = 0;
    for (const key of plain) expect({ key, value: results[r++] }).toEqual({ key, value: model.strings.get(key) });
    for (const key of expiring) expect({ key, value: results[r++] }).toEqual({ key, value: model.expiring.get(key)!.value });
    for (const key of expiring) {
      const pttl = results[r++] as number;
      const { sentAt, ackedAt } = model.expiring.get(key)!;
      if (key === pending && pttl === -1) continue; // its EXPIRE was in flight: the key may still have no TTL
      // The deadline is absolute: what is left is at most the TTL minus the time since the acknowledgement (a
      // reload that reset it would leave about the whole TTL), and at least the TTL minus the time since sending.
      expect({ key, expires: pttl > 0 }).toEqual({ key, expires: true });
      expect({ key, withinDeadline: pttl <= ackedAt + TTL_S * 1000 - askedAt }).toEqual({ key, withinDeadline: true });
      expect({ key, notShortened: pttl >= sentAt + TTL_S * 1000 - answeredAt - 50 }).toEqual({ key, notShortened: true });
    }
    const counter = Number(results[r++] ?? 0);
    const list = results[r++] as string[];
    const hash = results[r++] as Record<string, string>;
    const inFlight = (key: string): number => (key === pending ? 1 : 0);
    expect(counter - model.counter).toBeGreaterThanOrEqual(0);
    expect(counter - model.counter).toBeLessThanOrEqual(inFlight(counterKey(c)));
    expect(list.length - model.listLength).toBeGreaterThanOrEqual(0);
    expect(list.length - model.listLength).toBeLessThanOrEqual(inFlight(listKey(c)));
    expect(list.slice(0, model.listLength)).toEqual(Array.from({ length: model.listLength }, (_, i) => String(i)));
    if (pending !== hashKey(c)) expect(hash).toEqual(Object.fromEntries(model.hash));
    else for (const [field, value] of model.hash) if (hash[field] !== value) expect(Number(hash[field])).toBe(Number(value) + 50);
  }
}

const totalOps = (models: ClientModel[]): number => models.reduce((sum, m) => sum + m.ops, 0);

async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const sizeOf = (file: string): number => statSync(file).size;

describe('append-only file with real nodes', () => {
  // Alone, before the concurrent scenarios below: their load would slow the probes until the load is over.
  it('a standalone node answers -LOADING and /health/ready 503 while it loads a big AOF', async () => {
    const dir = freshDir('loading');
    const keys = 800_000;
    const chunks: string[] = [];
    for (let i = 0; i < keys; i++) {
      const key = `k${i}`;
      const value = `v${i}`;
      chunks.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
    }
    writeFileSync(path.join(dir, 'appendonly.aof'), chunks.join(''));

    const node = await startNode(['--dir', dir, '--appendonly', 'yes']);
    const redis = client(node.port);
    const ready = async (): Promise<number> => (await fetch(`http://127.0.0.1:${node.httpPort}/health/ready`)).status;
    let pid = 0;
    try {
      // Right after the ports listen the load has only begun: 800k commands (31 MB) take about 4 s; with 300k
      // the probes arrived only 0.2-0.4 s before the end of the load, too close to be reliable.
      const [get, persistence, readyStatus] = await Promise.all([
        redis.get('k1').then((v) => `value ${v}`, (err: Error) => err.message),
        info(redis, 'persistence'),
        ready(),
      ]);
      pid = Number((await info(redis, 'server'))['process_id']);
      trackPid(pid);
      expect(get).toMatch(/^LOADING /);
      expect(persistence['loading']).toBe('1');
      expect(Number(persistence['loading_total_bytes'])).toBe(sizeOf(path.join(dir, 'appendonly.aof')));
      expect(readyStatus).toBe(503);

      await waitFor('the load to finish', async () => (await redis.ping().catch(() => '')) === 'PONG', 30_000);
      expect(await redis.dbsize()).toBe(keys);
      expect(await redis.get('k1')).toBe('v1');
      expect(await redis.get(`k${keys - 1}`)).toBe(`v${keys - 1}`);
      expect((await info(redis, 'persistence'))['loading']).toBe('0');
      expect(await ready()).toBe(200);
    } finally {
      redis.disconnect();
      if (pid > 0) {
        killPid(pid);
      }
      await node.stop();
    }
  }, SCENARIO_TIMEOUT_MS);

  it.concurrent.each(['always', 'everysec', 'no'])(
    'appendfsync %s: kill -9 under write load loses no acknowledged write',
    async (mode) => {
      const dir = freshDir(`fsync-${mode}`);
      const flags = ['--appendonly', 'yes', '--appendfsync', mode];
      const first = await boot(dir, flags);
      const file = path.join(dir, 'appendonly.aof');

      if (mode === 'always') {
        // The reply comes after the write(2): the file has grown by the time each reply arrives.
        let previous = sizeOf(file);
        for (let i = 0; i < 200; i++) {
          await first.redis.set(`grow:${i}`, `g${i}`);
          const size = sizeOf(file);
          expect({ i, grew: size > previous }).toEqual({ i, grew: true });
          previous = size;
        }
        const persistence = await info(first.redis, 'persistence');
        expect(persistence).toMatchObject({ aof_enabled: '1', aof_last_write_status: 'ok', aof_rewrite_in_progress: '0', loading: '0' });
        expect(Number(persistence['aof_current_size'])).toBe(sizeOf(file));
      }

      // About a second of load, and enough acknowledged writes even when the machine is busy booting nodes.
      const load = startLoad(first.node.port, 4);
      const started = Date.now();
      await waitFor('enough acknowledged writes', async () => Date.now() - started >= 1000 && totalOps(load.models) >= 400, 20_000);
      load.killing();
      await kill9(first);
      await load.done;

      const second = await boot(dir, flags);
      try {
        await expectAcknowledged(second.redis, load.models);
        if (mode === 'always') for (let i = 0; i < 200; i += 37) expect(await second.redis.get(`grow:${i}`)).toBe(`g${i}`);
      } finally {
        await kill9(second);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent('INFO persistence has the aof_* fields redis-server 7 has with appendonly yes', async () => {
    const redisDir = freshDir('redis-server');
    const redis = await startRedisServer(['--appendonly', 'yes', '--dir', redisDir]);
    const dir = freshDir('info-fields');
    let ours: BootedNode | undefined;
    try {
      const reference = client(redis.port);
      const theirs = await info(reference, 'persistence');
      reference.disconnect();
      ours = await boot(dir, ['--appendonly', 'yes']);
      await ours.redis.set('k', 'v');
      const mine = await info(ours.redis, 'persistence');
      const aofFields = Object.keys(theirs).filter((name) => name.startsWith('aof_'));
      expect(aofFields.length).toBeGreaterThan(10);
      expect(aofFields.filter((name) => !(name in mine))).toEqual([]);
      expect(mine).toMatchObject({ aof_enabled: '1', aof_last_write_status: 'ok', aof_last_bgrewrite_status: 'ok' });
      expect(Number(mine['aof_current_size'])).toBe(sizeOf(path.join(dir, 'appendonly.aof')));
    } finally {
      await redis.stop();
      if (ours) await kill9(ours);
    }
  }, SCENARIO_TIMEOUT_MS);

  it.concurrent('a cut tail is truncated on load (refused with --aof-load-truncated no); corruption needs check-aof --fix', async () => {
    const source = freshDir('damaged-source');
    const writer = await boot(source, ['--appendonly', 'yes']);
    for (let i = 0; i < 100; i++) await writer.redis.set(`dmg:${i}`, `value-${i}`);
    await kill9(writer);
    const original = readFileSync(path.join(source, 'appendonly.aof'));
    const commands = aofCommands(original);
    const sets = commands.filter((cmd) => cmd.args[0]!.toLowerCase() === 'set');
    expect(sets.map((cmd) => cmd.args[1])).toEqual(Array.from({ length: 100 }, (_, i) => `dmg:${i}`));

    // Cut in the middle of the last command (a crash mid-write).
    const last = commands[commands.length - 1]!;
    const cutAt = last.start + Math.floor((last.end - last.start) / 2);
    const cut = original.subarray(0, cutAt);
    const truncDir = freshDir('damaged-cut');
    const refuseDir = freshDir('damaged-cut-refused');
    writeFileSync(path.join(truncDir, 'appendonly.aof'), cut);
    writeFileSync(path.join(refuseDir, 'appendonly.aof'), cut);

    // Corruption early on: the '*' of the 11th SET's header.
    const corruptDir = freshDir('damaged-corrupt');
    const corruptFile = path.join(corruptDir, 'appendonly.aof');
    const victim = sets[10]!;
    const corrupt = Buffer.from(original);
    corrupt[victim.start] = 'X'.charCodeAt(0);
    writeFileSync(corruptFile, corrupt);

    const [truncated, refused, corrupted, check] = await Promise.all([
      boot(truncDir, ['--appendonly', 'yes']),
      bootRefused(refuseDir, ['--appendonly', 'yes', '--aof-load-truncated', 'no']),
      bootRefused(corruptDir, ['--appendonly', 'yes']),
      checkAof([corruptFile]),
    ]);
    try {
      // Truncated to the last complete command, every complete command's key there.
      for (let i = 0; i < 99; i++) expect(await truncated.redis.get(`dmg:${i}`)).toBe(`value-${i}`);
      expect(await truncated.redis.exists('dmg:99')).toBe(0);
      expect(truncated.node.output()).toContain(`Truncating the AOF at offset ${last.start}`);
      // The file now ends at the last complete command (the node appends after it).
      expect(readFileSync(path.join(truncDir, 'appendonly.aof')).equals(original.subarray(0, last.start))).toBe(true);
      await truncated.redis.set('after-cut', '1');
      expect(aofCommands(readFileSync(path.join(truncDir, 'appendonly.aof'))).at(-1)!.args.slice(1)).toEqual(['after-cut', '1']);
    } finally {
      await kill9(truncated);
    }

    expect(refused.code).toBe(1);
    expect(readFileSync(path.join(refuseDir, 'appendonly.aof')).equals(cut)).toBe(true);

    expect(corrupted.code).toBe(1);
    expect(corrupted.output).toContain(`offset ${victim.start}`);
    expect(corrupted.output).toContain(`check-aof --fix`);
    expect(readFileSync(corruptFile).equals(corrupt)).toBe(true);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('is not valid');

    const fix = await checkAof(['--fix', corruptFile]);
    expect(fix.code).toBe(0);
    expect(sizeOf(corruptFile)).toBe(victim.start);
    const fixed = await boot(corruptDir, ['--appendonly', 'yes']);
    try {
      for (let i = 0; i < 10; i++) expect(await fixed.redis.get(`dmg:${i}`)).toBe(`value-${i}`);
      expect(await fixed.redis.dbsize()).toBe(10);
    } finally {
      await kill9(fixed);
    }
  }, SCENARIO_TIMEOUT_MS);

  it.concurrent('BGREWRITEAOF under write load compacts the file and loses no acknowledged write', async () => {
    const dir = freshDir('bgrewrite');
    const file = path.join(dir, 'appendonly.aof');
    const flags = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--auto-aof-rewrite-percentage', '0'];
    const first = await boot(dir, flags);
    // 1000 overwrites of each of 10 keys: the rewrite keeps one SET per key.
    const filler = 'x'.repeat(200);
    for (let round = 0; round < 10; round++) {
      const pipe = first.redis.pipeline();
      for (let i = 0; i < 1000; i++) pipe.set(`rw:${i % 10}`, `${round * 1000 + i}-${filler}`);
      await pipe.exec();
    }
    const before = sizeOf(file);
    expect(before).toBeGreaterThan(2_000_000);
    const rewritesBefore = Number((await info(first.redis, 'persistence'))['aof_rewrites']);

    const load = startLoad(first.node.port, 2);
    await sleep(100);
    expect(await redisCli(first.node.port, ['BGREWRITEAOF'])).toBe('Background append only file rewriting started');
    await waitFor('the rewrite to finish', async () => {
      const persistence = await info(first.redis, 'persistence');
      return persistence['aof_rewrite_in_progress'] === '0' && Number(persistence['aof_rewrites']) > rewritesBefore;
    });
    const after = sizeOf(file);
    const persistence = await info(first.redis, 'persistence');
    expect(persistence['aof_last_bgrewrite_status']).toBe('ok');
    expect(persistence['aof_rewrites']).toBe(String(rewritesBefore + 1));
    expect(after).toBeLessThan(before / 4);
    await sleep(200); // writes appended to the rewritten file
    load.killing();
    await kill9(first);
    await load.done;
    expect(sizeOf(file)).toBeGreaterThan(after);

    const second = await boot(dir, flags);
    try {
      for (let i = 0; i < 10; i++) expect(await second.redis.get(`rw:${i}`)).toBe(`${9000 + 990 + i}-${filler}`);
      await expectAcknowledged(second.redis, load.models);
    } finally {
      await kill9(second);
    }
  }, SCENARIO_TIMEOUT_MS);

  it.concurrent('CONFIG SET appendonly yes writes the keyspace then appends; appendonly no stops appending', async () => {
    const dir = freshDir('config-set');
    const file = path.join(dir, 'appendonly.aof');
    const first = await boot(dir, ['--appendonly', 'no']);
    for (let i = 0; i < 100; i++) await first.redis.set(`cs:${i}`, `before-${i}`);
    await first.redis.rpush('cs:list', 'a', 'b', 'c');
    await first.redis.hset('cs:hash', { f: '1', g: '2' });
    await first.redis.set('cs:ttl', 'x', 'EX', TTL_S);
    expect(existsSync(file)).toBe(false);
    expect((await info(first.redis, 'persistence'))['aof_enabled']).toBe('0');

    expect(await redisCli(first.node.port, ['CONFIG', 'SET', 'appendonly', 'yes'])).toBe('OK');
    await waitFor('the initial rewrite', async () => (await info(first.redis, 'persistence'))['aof_rewrite_in_progress'] === '0');
    expect((await info(first.redis, 'persistence'))['aof_enabled']).toBe('1');
    const written = aofCommands(readFileSync(file));
    const keysInFile = new Set(written.map((cmd) => cmd.args[1]));
    for (let i = 0; i < 100; i++) expect(keysInFile.has(`cs:${i}`)).toBe(true);
    for (const key of ['cs:list', 'cs:hash', 'cs:ttl']) expect(keysInFile.has(key)).toBe(true);
    const rewritten = sizeOf(file);
    await first.redis.set('cs:later', 'appended');
    expect(sizeOf(file)).toBeGreaterThan(rewritten);
    await kill9(first);

    const second = await boot(dir, ['--appendonly', 'yes']);
    try {
      for (let i = 0; i < 100; i++) expect(await second.redis.get(`cs:${i}`)).toBe(`before-${i}`);
      expect(await second.redis.lrange('cs:list', 0, -1)).toEqual(['a', 'b', 'c']);
      expect(await second.redis.hgetall('cs:hash')).toEqual({ f: '1', g: '2' });
      expect(await second.redis.get('cs:later')).toBe('appended');
      const ttl = await second.redis.ttl('cs:ttl');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TTL_S);

      expect(await second.redis.config('SET', 'appendonly', 'no')).toBe('OK');
      expect((await info(second.redis, 'persistence'))['aof_enabled']).toBe('0');
      const stopped = sizeOf(file);
      for (let i = 0; i < 20; i++) await second.redis.set(`cs:off:${i}`, 'not appended');
      expect(sizeOf(file)).toBe(stopped);
    } finally {
      await kill9(second);
    }
  }, SCENARIO_TIMEOUT_MS);

  it.concurrent('a kill -9 of the `ringcache node` launcher shuts the node down cleanly: its writes are in the AOF', async () => {
    const dir = freshDir('launcher-killed');
    const first = await boot(dir, ['--appendonly', 'yes', '--appendfsync', 'no']);
    for (let i = 0; i < 50; i++) expect(await first.redis.set(`lk:${i}`, `v${i}`)).toBe('OK');
    first.redis.disconnect();
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(first.pid)).toBe(true);
    first.node.proc.kill('SIGKILL'); // the launcher, not the node
    const deadline = Date.now() + 10_000;
    while (alive(first.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(first.pid)).toBe(false);
    killPid(first.pid); // no longer tracked
    const second = await boot(dir, ['--appendonly', 'yes']);
    try {
      for (let i = 0; i < 50; i++) expect(await second.redis.get(`lk:${i}`)).toBe(`v${i}`);
    } finally {
      await kill9(second);
    }
  }, SCENARIO_TIMEOUT_MS);
});
