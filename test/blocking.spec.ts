/**
 * Blocking commands on real processes: each scenario drives several raw RESP connections through the same
 * script against a ringcache node and a redis-server, and the transcripts of replies must be identical;
 * a few checks go through ioredis and redis-cli as users would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startNode, startRedisServer, type RunningNode, type RunningRedis } from './support/processes.js';
import { encodeCommand, RawClient } from './support/raw-resp.js';

const run = promisify(execFile);

let node: RunningNode | undefined;
let redis: RunningRedis | undefined;

beforeAll(async () => {
  [node, redis] = await Promise.all([startNode(['--loglevel', 'nothing']), startRedisServer()]);
});

afterAll(async () => {
  await Promise.all([node?.stop(), redis?.stop()]);
});

/** A scenario's view of one server: connections that record every reply they read into one transcript. */
class Script {
  readonly transcript: string[] = [];
  private readonly clients: RawClient[] = [];
  private admin: RawClient | undefined;

  constructor(readonly port: number) {}

  async client(): Promise<RawClient> {
    const c = await RawClient.connect(this.port);
    this.clients.push(c);
    return c;
  }

  /** Send without waiting for the reply (a blocking command). */
  send(c: RawClient, ...args: string[]): void {
    c.write(encodeCommand(args));
  }

  /** Read one reply from `c` into the transcript, labelled. */
  async read(c: RawClient, label: string): Promise<string> {
    const reply = await c.reply(5000);
    this.transcript.push(`${label}: ${reply}`);
    return reply;
  }

  async call(c: RawClient, label: string, ...args: string[]): Promise<string> {
    this.send(c, ...args);
    return this.read(c, label);
  }

  /** Wait until `n` clients are blocked (INFO clients), so the next write finds them parked. */
  async blocked(n: number): Promise<void> {
    this.admin ??= await RawClient.connect(this.port);
    const deadline = Date.now() + 5000;
    for (;;) {
      const info = await this.admin.call('INFO', 'clients');
      const m = /blocked_clients:(\d+)/.exec(info);
      if (m !== null && Number(m[1]) === n) return;
      if (Date.now() > deadline) throw new Error(`expected ${n} blocked clients: ${info}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    for (const c of this.clients) c.close();
    this.admin?.close();
  }
}

type Scenario = (s: Script) => Promise<void>;

/** Run `scenario` against both servers (after FLUSHALL) and require the same transcript. */
async function same(scenario: Scenario): Promise<string[]> {
  const transcripts: string[][] = [];
  for (const port of [redis!.port, node!.port]) {
    const s = new Script(port);
    try {
      const c = await s.client();
      await c.call('FLUSHALL');
      await scenario(s);
      transcripts.push(s.transcript);
    } finally {
      s.close();
    }
  }
  expect(transcripts[1]).toEqual(transcripts[0]);
  return transcripts[1];
}

describe('blocking commands, compared with redis-server', () => {
  it('wakes waiters on one key in arrival order, one element each', async () => {
    const t = await same(async (s) => {
      const [a, b, c, d] = [await s.client(), await s.client(), await s.client(), await s.client()];
      s.send(a, 'BLPOP', 'q', '0');
      await s.blocked(1);
      s.send(b, 'BRPOP', 'q', '0');
      await s.blocked(2);
      s.send(c, 'BLPOP', 'q', '0');
      await s.blocked(3);
      await s.call(d, 'push', 'RPUSH', 'q', 'x', 'y');
      await s.read(a, 'a');
      await s.read(b, 'b');
      await s.call(d, 'push', 'RPUSH', 'q', 'z');
      await s.read(c, 'c');
      await s.call(d, 'left', 'LLEN', 'q');
    });
    expect(t).toContain('a: *2\r\n$1\r\nq\r\n$1\r\nx\r\n');
  });

  it('serves from the key that became ready, whatever its position', async () => {
    await same(async (s) => {
      const [a, d] = [await s.client(), await s.client()];
      s.send(a, 'BLPOP', 'k1', 'k2', 'k3', '0');
      await s.blocked(1);
      await s.call(d, 'push', 'LPUSH', 'k3', 'v3');
      await s.read(a, 'a');
      await s.call(d, 'exists', 'EXISTS', 'k3');
    });
  });

  it('times out with a nil reply in RESP2 and RESP3, and refuses bad timeouts', async () => {
    await same(async (s) => {
      const [a, b] = [await s.client(), await s.client()];
      await s.call(a, 'blpop', 'BLPOP', 'none', '0.05');
      await s.call(a, 'blmove', 'BLMOVE', 'none', 'd', 'LEFT', 'RIGHT', '0.05');
      await s.call(a, 'brpoplpush', 'BRPOPLPUSH', 'none', 'd', '0.05');
      await s.call(a, 'blmpop', 'BLMPOP', '0.05', '2', 'none', 'none2', 'LEFT', 'COUNT', '3');
      await s.call(b, 'hello', 'HELLO', '3').then(() => undefined);
      s.transcript.pop(); // server info differs
      await s.call(b, 'blpop3', 'BLPOP', 'none', '0.05');
      await s.call(b, 'blmove3', 'BLMOVE', 'none', 'd', 'LEFT', 'RIGHT', '0.05');
      for (const bad of ['-1', 'abc', 'inf', '-inf', 'nan', ' 1', '1e300', '']) await s.call(a, `timeout ${bad}`, 'BLPOP', 'none', bad);
      await s.call(a, 'blmpop bad numkeys', 'BLMPOP', '0', '0', 'k', 'LEFT');
      await s.call(a, 'blmpop bad count', 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '0');
      await s.call(a, 'blmove bad side', 'BLMOVE', 'a', 'b', 'UP', 'RIGHT', '0');
    });
  });

  it('answers at once when a key has data, and WRONGTYPE at the first key of another type', async () => {
    await same(async (s) => {
      const a = await s.client();
      await s.call(a, 'setup', 'RPUSH', 'l', '1', '2', '3', '4', '5', '6');
      await s.call(a, 'setup', 'SET', 'str', 'x');
      await s.call(a, 'blpop', 'BLPOP', 'missing', 'l', '0');
      await s.call(a, 'brpop', 'BRPOP', 'l', '0');
      await s.call(a, 'wrongtype first', 'BLPOP', 'str', 'l', '0');
      await s.call(a, 'data first', 'BLPOP', 'l', 'str', '0');
      await s.call(a, 'blmpop', 'BLMPOP', '0', '2', 'missing', 'l', 'RIGHT', 'COUNT', '5');
      await s.call(a, 'gone', 'EXISTS', 'l');
      await s.call(a, 'blmove wrong src', 'BLMOVE', 'str', 'd', 'LEFT', 'LEFT', '0');
    });
  });

  it('never blocks inside MULTI, and serves waiters only with what is left after EXEC', async () => {
    await same(async (s) => {
      const [a, b] = [await s.client(), await s.client()];
      await s.call(b, 'multi', 'MULTI');
      for (const cmd of [['BLPOP', 'e', '0'], ['BRPOPLPUSH', 'e', 'f', '0'], ['BLMPOP', '0', '1', 'e', 'LEFT'], ['BZPOPMIN', 'e', '0']]) {
        await s.call(b, 'queued', ...cmd);
      }
      await s.call(b, 'exec', 'EXEC');
      s.send(a, 'BLPOP', 'k', '0');
      await s.blocked(1);
      await s.call(b, 'multi', 'MULTI');
      await s.call(b, 'queued', 'LPUSH', 'k', 'x');
      await s.call(b, 'queued', 'LPOP', 'k');
      await s.call(b, 'exec', 'EXEC');
      await s.call(b, 'still blocked', 'INFO', 'clients').then((r) => s.transcript.splice(-1, 1, `blocked: ${/blocked_clients:\d+/.exec(r)?.[0]}`));
      await s.call(b, 'multi', 'MULTI');
      await s.call(b, 'queued', 'RPUSH', 'k', 'a', 'b');
      await s.call(b, 'queued', 'RPOP', 'k');
      await s.call(b, 'exec', 'EXEC');
      await s.read(a, 'a');
      await s.call(b, 'left', 'LLEN', 'k');
    });
  });

  it('chains BLMOVE into another waiter, and a wrong-type destination errors without losing the element', async () => {
    await same(async (s) => {
      const [a, b, c] = [await s.client(), await s.client(), await s.client()];
      s.send(a, 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
      await s.blocked(1);
      s.send(b, 'BLPOP', 'dst', '0');
      await s.blocked(2);
      await s.call(c, 'push', 'LPUSH', 'src', 'x');
      await s.read(a, 'a');
      await s.read(b, 'b');
      await s.call(c, 'src', 'EXISTS', 'src', 'dst');
      await s.call(c, 'set', 'SET', 'dst', 'string');
      s.send(a, 'BRPOPLPUSH', 'src', 'dst', '0');
      await s.blocked(1);
      await s.call(c, 'push', 'RPUSH', 'src', 'y');
      await s.read(a, 'a');
      await s.call(c, 'kept', 'LRANGE', 'src', '0', '-1');
    });
  });

  it('runs the commands pipelined behind a blocking one after it is served', async () => {
    await same(async (s) => {
      const [a, b] = [await s.client(), await s.client()];
      a.write(Buffer.concat([encodeCommand(['BLPOP', 'p', '0']), encodeCommand(['PING']), encodeCommand(['BLPOP', 'p', '0']), encodeCommand(['ECHO', 'done'])]));
      await s.blocked(1);
      await s.call(b, 'push', 'RPUSH', 'p', '1');
      await s.read(a, 'a1');
      await s.read(a, 'a2');
      await s.blocked(1);
      await s.call(b, 'push', 'RPUSH', 'p', '2');
      await s.read(a, 'a3');
      await s.read(a, 'a4');
    });
  });

  it('keeps a waiter of lists blocked when its key becomes another type, until a list appears', async () => {
    await same(async (s) => {
      const [a, b] = [await s.client(), await s.client()];
      s.send(a, 'BLMPOP', '0', '1', 't', 'RIGHT', 'COUNT', '2');
      await s.blocked(1);
      await s.call(b, 'zadd', 'ZADD', 't', '1', 'm');
      await s.blocked(1);
      await s.call(b, 'rename', 'RENAME', 't', 'z');
      await s.call(b, 'push', 'RPUSH', 'other', '1', '2', '3');
      await s.call(b, 'rename', 'RENAME', 'other', 't');
      await s.read(a, 'a');
      await s.call(b, 'left', 'LRANGE', 't', '0', '-1');
    });
  });

  it('drops a waiter that disconnects, so nothing is popped for it', async () => {
    await same(async (s) => {
      const [a, b] = [await s.client(), await s.client()];
      s.send(a, 'BLPOP', 'gone', '0');
      await s.blocked(1);
      a.close();
      await s.blocked(0);
      await s.call(b, 'push', 'LPUSH', 'gone', 'kept');
      await s.call(b, 'len', 'LLEN', 'gone');
    });
  });

  it('CLIENT UNBLOCK ends a wait with the timeout reply or an UNBLOCKED error', async () => {
    await same(async (s) => {
      const [a, b] = [await s.client(), await s.client()];
      const id = (await s.call(a, 'id', 'CLIENT', 'ID')).slice(1, -2);
      s.transcript.pop();
      await s.call(b, 'not blocked', 'CLIENT', 'UNBLOCK', id);
      s.send(a, 'BLPOP', 'u', '0');
      await s.blocked(1);
      await s.call(b, 'bad reason', 'CLIENT', 'UNBLOCK', id, 'LATER');
      await s.call(b, 'unblock', 'CLIENT', 'UNBLOCK', id);
      await s.read(a, 'a');
      s.send(a, 'BLMOVE', 'u', 'v', 'LEFT', 'LEFT', '0');
      await s.blocked(1);
      await s.call(b, 'unblock', 'CLIENT', 'UNBLOCK', id, 'ERROR');
      await s.read(a, 'a');
      await s.call(a, 'usable', 'PING');
    });
  });

  it('BZPOPMIN, BZPOPMAX and BZMPOP wait for a ZADD, and list waiters ignore sorted sets', async () => {
    await same(async (s) => {
      const [a, b, c, d] = [await s.client(), await s.client(), await s.client(), await s.client()];
      await s.call(d, 'hello3', 'HELLO', '3').then(() => s.transcript.pop());
      s.send(a, 'BZPOPMIN', 'z1', 'z2', '0');
      await s.blocked(1);
      s.send(b, 'BLPOP', 'z2', '0');
      await s.blocked(2);
      s.send(c, 'BZMPOP', '0', '1', 'z2', 'MAX', 'COUNT', '2');
      await s.blocked(3);
      await s.call(d, 'zadd', 'ZADD', 'z2', '1', 'one', '2', 'two', '3', 'three', '4', 'four');
      await s.read(a, 'a');
      await s.read(c, 'c');
      await s.call(d, 'left', 'ZRANGE', 'z2', '0', '-1', 'WITHSCORES');
      s.send(a, 'BZPOPMAX', 'z3', '0');
      await s.blocked(2);
      await s.call(d, 'zadd', 'ZADD', 'z3', '1.5', 'x');
      await s.read(a, 'a');
      await s.call(d, 'push', 'RPUSH', 'z4', 'v');
      await s.call(d, 'rename', 'RENAME', 'z4', 'z2');
      await s.read(b, 'b');
      await s.call(a, 'errors', 'BZPOPMIN', 'k', 'abc');
      await s.call(a, 'errors', 'BZMPOP', 'abc', '1', 'k', 'MIN');
      await s.call(a, 'errors', 'BZMPOP', '0', '1', 'k', 'UP');
      await s.call(d, 'set', 'SET', 'str', 'x');
      await s.call(a, 'wrongtype', 'BZPOPMIN', 'none', 'str', '0');
      await s.call(a, 'timeout', 'BZPOPMIN', 'none', '0.02');
      await s.call(d, 'timeout3', 'BZMPOP', '0.02', '1', 'none', 'MIN');
    });
  });

  it('serves fifty waiters from one push, each exactly once and in order', async () => {
    const t = await same(async (s) => {
      const waiters: RawClient[] = [];
      for (let i = 0; i < 50; i++) {
        const c = await s.client();
        s.send(c, 'BRPOP', 'many', '0');
        waiters.push(c);
      }
      await s.blocked(50);
      const pusher = await s.client();
      await s.call(pusher, 'push', 'LPUSH', 'many', ...Array.from({ length: 60 }, (_, i) => String(i)));
      for (let i = 0; i < 50; i++) await s.read(waiters[i], `w${i}`);
      await s.call(pusher, 'left', 'LLEN', 'many');
    });
    expect(t.at(-1)).toBe('left: :10\r\n');
  });
});

describe('blocking commands through user clients', () => {
  it('ioredis: BLPOP waits for a push from another connection, with a timeout that returns null', async () => {
    const [a, b] = [new Redis({ port: node!.port }), new Redis({ port: node!.port })];
    try {
      const waiting = a.blpop('io:q', 0);
      await new Promise((r) => setTimeout(r, 50));
      await b.rpush('io:q', 'hello');
      expect(await waiting).toEqual(['io:q', 'hello']);
      expect(await a.blpop('io:none', 0.05)).toBeNull();
      expect(await a.blmove('io:none', 'io:d', 'LEFT', 'RIGHT', 0.05)).toBeNull();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('redis-cli: BRPOP returns the key and element pushed meanwhile', async () => {
    const cli = run('redis-cli', ['-p', String(node!.port), 'BRPOP', 'cli:q', '5']);
    const pusher = new Redis({ port: node!.port });
    try {
      const s = new Script(node!.port);
      await s.blocked(1);
      s.close();
      await pusher.lpush('cli:q', 'from-cli-test');
      const { stdout } = await cli;
      expect(stdout).toBe('cli:q\nfrom-cli-test\n');
    } finally {
      pusher.disconnect();
    }
  });
});
