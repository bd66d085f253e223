/**
 * Pub/sub on real processes: scripted subscriber/publisher sessions over raw RESP2 and RESP3 connections must
 * give byte-identical transcripts on a ringcache node and on redis-server; then ioredis, node-redis (RESP3)
 * and redis-cli as users run them, subscriptions dropped on disconnect, and a subscriber that stops reading
 * dropped at the pubsub output buffer limit.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startNode, startRedisServer, type RunningNode, type RunningRedis } from './support/processes.js';
import { encodeCommand, RawClient } from './support/raw-resp.js';

let node: RunningNode | undefined;
let redis: RunningRedis | undefined;
let admin: Redis;

beforeAll(async () => {
  [node, redis] = await Promise.all([startNode(['--loglevel', 'nothing']), startRedisServer()]);
  admin = new Redis({ port: node.port });
});

afterAll(async () => {
  admin?.disconnect();
  await Promise.all([node?.stop(), redis?.stop()]);
});

/** Poll `read` until it gives `want` (subscriptions are dropped when the server sees the socket close). */
async function eventually<T>(read: () => Promise<T>, want: T): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if ((await read()) === want) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(await read()).toEqual(want);
}

/** One server's side of a scenario: labelled frames read from several raw connections, in the order read. */
class Transcript {
  readonly lines: string[] = [];
  private readonly clients: RawClient[] = [];

  constructor(readonly port: number) {}

  async client(resp3 = false): Promise<RawClient> {
    const c = await RawClient.connect(this.port);
    this.clients.push(c);
    if (resp3) await c.call('HELLO', '3'); // its reply carries the client id: not recorded
    return c;
  }

  /** Send a command and record the next `frames` frames `c` reads (one per channel for (UN)SUBSCRIBE). */
  async call(c: RawClient, label: string, args: string[], frames = 1): Promise<void> {
    c.write(encodeCommand(args));
    await this.read(c, label, frames);
  }

  async read(c: RawClient, label: string, frames = 1): Promise<void> {
    for (let i = 0; i < frames; i++) this.lines.push(`${label}: ${await c.reply()}`);
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}

type Scenario = (t: Transcript) => Promise<void>;

/** Run `scenario` on redis-server and on the node; the transcripts must be equal. */
async function same(scenario: Scenario): Promise<string[]> {
  const out: string[][] = [];
  for (const port of [redis!.port, node!.port]) {
    const t = new Transcript(port);
    try {
      await scenario(t);
      out.push(t.lines);
    } finally {
      t.close();
    }
  }
  expect(out[1]).toEqual(out[0]);
  return out[1];
}

describe('pub/sub, compared with redis-server', () => {
  it.each([false, true])('subscribes, delivers and unsubscribes (RESP3: %s)', async (resp3) => {
    const t = await same(async (t) => {
      const [sub, psub, pub] = [await t.client(resp3), await t.client(resp3), await t.client()];
      await t.call(sub, 'sub', ['SUBSCRIBE', 'news', 'sport', 'news'], 3);
      await t.call(psub, 'psub', ['PSUBSCRIBE', 'n*', 'h[ae]llo']);
      await t.read(psub, 'psub');
      await t.call(pub, 'pub', ['PUBLISH', 'news', 'hi']);
      await t.read(sub, 'sub');
      await t.read(psub, 'psub');
      await t.call(pub, 'pub', ['PUBLISH', 'hello', 'x\r\ny']);
      await t.read(psub, 'psub');
      await t.call(pub, 'pub', ['PUBLISH', 'nobody', 'z']);
      await t.call(pub, 'pub', ['PUBSUB', 'NUMSUB', 'news', 'sport', 'n*']);
      await t.call(pub, 'pub', ['PUBSUB', 'NUMPAT']);
      await t.call(pub, 'pub', ['PUBSUB', 'CHANNELS', 's*']);
      await t.call(pub, 'pub', ['PUBSUB', 'CHANNELS', 'a', 'b']);
      await t.call(sub, 'sub', ['PING']);
      await t.call(sub, 'sub', ['PING', 'x']);
      await t.call(sub, 'sub', ['GET', 'k']);
      await t.call(sub, 'sub', ['CLIENT', 'ID', 'x']);
      await t.call(sub, 'sub', ['GET']);
      await t.call(sub, 'sub', ['UNSUBSCRIBE', 'sport', 'other'], 2);
      await t.call(sub, 'sub', ['UNSUBSCRIBE'], 1);
      await t.call(sub, 'sub', ['UNSUBSCRIBE'], 1);
      await t.call(psub, 'psub', ['PUNSUBSCRIBE', 'h[ae]llo']);
      await t.call(psub, 'psub', ['PUNSUBSCRIBE']);
      await t.call(psub, 'psub', ['PUNSUBSCRIBE']);
      await t.call(sub, 'sub', ['GET', 'k']);
    });
    expect(t).toContain(resp3 ? 'sub: >3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n' : 'sub: *3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
  });

  it.each([false, true])('publishes to itself and resets (RESP3: %s)', async (resp3) => {
    await same(async (t) => {
      const [a, b] = [await t.client(resp3), await t.client()];
      await t.call(a, 'a', ['SUBSCRIBE', 'me']);
      await t.call(a, 'a', ['PUBLISH', 'me', 'self'], resp3 ? 2 : 1);
      await t.call(a, 'a', ['MULTI']);
      await t.call(a, 'a', ['RESET']);
      await t.call(b, 'b', ['PUBLISH', 'me', 'after reset']);
      await t.call(a, 'a', ['PSUBSCRIBE', '*']);
      await t.call(b, 'b', ['PUBLISH', 'any', 'thing']);
      await t.read(a, 'a');
      await t.call(a, 'a', ['QUIT']);
    });
  });
});

describe('pub/sub inside MULTI, compared with redis-server', () => {
  it('runs the commands queued after SUBSCRIBE, then restricts the RESP2 client', async () => {
    await same(async (t) => {
      const a = await t.client();
      await t.call(a, 'a', ['DEL', 'tx:k']);
      for (const args of [['MULTI'], ['SUBSCRIBE', 'tx'], ['GET', 'tx:k'], ['PING']]) await t.call(a, 'a', args);
      await t.call(a, 'a', ['EXEC']);
      await t.call(a, 'a', ['GET', 'tx:k']);
    });
  });
});

describe('pub/sub with real clients', () => {
  it('ioredis: a subscriber connection receives messages and pattern messages', async () => {
    const sub = new Redis({ port: node!.port });
    try {
      const got: string[] = [];
      sub.on('message', (channel: string, message: string) => got.push(`${channel}=${message}`));
      sub.on('pmessage', (pattern: string, channel: string, message: string) => got.push(`${pattern}:${channel}=${message}`));
      expect(await sub.subscribe('io:a', 'io:b')).toBe(2);
      expect(await sub.psubscribe('io:*')).toBe(3);
      expect(await admin.publish('io:a', 'one')).toBe(2);
      expect(await admin.publish('io:c', 'two')).toBe(1);
      await eventually(async () => got.length, 3);
      expect(got).toEqual(['io:a=one', 'io:*:io:a=one', 'io:*:io:c=two']);
      expect(await admin.pubsub('NUMSUB', 'io:a', 'io:c')).toEqual(['io:a', 1, 'io:c', 0]);
    } finally {
      sub.disconnect();
    }
    await eventually(async () => admin.call('PUBSUB', 'NUMPAT'), 0 as unknown);
  });

  it('node-redis in RESP3: push messages on the same connection as commands', async () => {
    const c = createClient({ socket: { port: node!.port, host: '127.0.0.1' }, RESP: 3 });
    await c.connect();
    try {
      const got: string[] = [];
      await c.subscribe('nr:ch', (message, channel) => got.push(`${channel}=${message}`));
      await c.pSubscribe('nr:*', (message, channel) => got.push(`p ${channel}=${message}`));
      expect(await c.set('nr:k', 'v')).toBe('OK'); // RESP3: commands still run while subscribed
      expect(await admin.publish('nr:ch', 'hello')).toBe(2);
      await eventually(async () => got.length, 2);
      expect(got.sort()).toEqual(['nr:ch=hello', 'p nr:ch=hello']);
      await c.unsubscribe('nr:ch');
      await c.pUnsubscribe('nr:*');
      expect(await admin.publish('nr:ch', 'nobody')).toBe(0);
    } finally {
      c.destroy();
    }
  });

  it('redis-cli: SUBSCRIBE prints messages, PUBLISH prints the receivers', async () => {
    const cli = spawn('redis-cli', ['-p', String(node!.port), 'SUBSCRIBE', 'cli:ch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await eventually(async () => admin.pubsub('NUMSUB', 'cli:ch').then((r) => (r as unknown[])[1]), 1);
      const published = spawn('redis-cli', ['-p', String(node!.port), 'PUBLISH', 'cli:ch', 'from cli'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let receivers = '';
      published.stdout.on('data', (d: Buffer) => (receivers += d.toString()));
      await new Promise((r) => published.once('close', r));
      expect(receivers.trim()).toBe('1');
      await eventually(async () => out.includes('from cli'), true);
      expect(out).toBe('subscribe\ncli:ch\n1\nmessage\ncli:ch\nfrom cli\n');
    } finally {
      cli.kill();
    }
    await eventually(async () => admin.pubsub('NUMSUB', 'cli:ch').then((r) => (r as unknown[])[1]), 0);
  });

  it('leaves nothing registered after subscribers go, and counts them in INFO and CLIENT LIST', async () => {
    const subs = await Promise.all([1, 2, 3].map(() => RawClient.connect(node!.port)));
    for (const [i, c] of subs.entries()) {
      await c.call('SUBSCRIBE', 'gone:a', `gone:${i}`);
      await c.reply();
      await c.call('PSUBSCRIBE', 'gone:*');
    }
    const info = await admin.info('stats');
    expect(info).toMatch(/pubsub_channels:4\r\npubsub_patterns:1\r\n/);
    expect(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).toMatch(/flags=P db=0 sub=2 psub=1 ssub=0 /);
    for (const c of subs) c.close();
    await eventually(async () => /pubsub_channels:0\r\npubsub_patterns:0\r\n/.test(await admin.info('stats')), true);
    expect(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('');
  });

  it.each(['pubsub 1mb 0 0', 'pubsub 0 512kb 0'])('drops a subscriber that stops reading past its output limit (%s)', async (limit) => {
    await admin.config('SET', 'client-output-buffer-limit', limit);
    const slow = await RawClient.connect(node!.port);
    try {
      await slow.call('SUBSCRIBE', 'slow:ch');
      slow.socket.pause();
      const message = 'x'.repeat(64 * 1024);
      let sent = 0;
      // The kernel buffers a few MB of a socket nobody reads; past that the node holds the rest, up to 1 MB.
      while (sent < 2000 && (await admin.pubsub('NUMSUB', 'slow:ch'))[1] === 1) {
        const pipeline = admin.pipeline();
        for (let i = 0; i < 20; i++) pipeline.publish('slow:ch', message);
        await pipeline.exec();
        sent += 20;
      }
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(2000);
      await eventually(async () => (await admin.pubsub('NUMSUB', 'slow:ch'))[1], 0);
      expect(await admin.publish('slow:ch', 'late')).toBe(0);
    } finally {
      slow.close();
      await admin.config('SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    }
  });
});

describe('MEMORY USAGE, compared with redis-server', () => {
  it('gives an integer for a key, nil for a missing one, and the same errors', async () => {
    await same(async (t) => {
      const c = await t.client();
      await t.call(c, 'c', ['SET', 'mem:k', 'v']);
      for (const args of [['mem:none'], ['mem:none', 'SAMPLES', 'x'], ['mem:k', 'SAMPLES', '-1'], ['mem:k', 'SAMPLES'], ['mem:k', 'foo']]) {
        await t.call(c, 'c', ['MEMORY', 'USAGE', ...args]);
      }
      await t.call(c, 'c', ['MEMORY', 'USAGE']);
    });
    expect(await admin.call('MEMORY', 'USAGE', 'mem:k', 'SAMPLES', '0')).toEqual(expect.any(Number));
  });
});
