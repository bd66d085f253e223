/**
 * Malformed and hostile RESP clients against a real node: Redis's protocol errors then a closed connection, limits
 * on bulk length and query buffer, a client that never reads, requirepass and maxclients. The node keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startNode, type RunningNode } from './support/processes.js';
import { RawClient } from './support/raw-resp.js';

let node: RunningNode | undefined;
let guarded: RunningNode | undefined;

beforeAll(async () => {
  [node, guarded] = await Promise.all([
    startNode(['--loglevel', 'nothing', '--proto-max-bulk-len', '1mb', '--client-query-buffer-limit', '2mb']),
    startNode(['--loglevel', 'nothing', '--requirepass', 's3cret', '--maxclients', '2']),
  ]);
});

afterAll(async () => {
  await Promise.all([node?.stop(), guarded?.stop()]);
});

/** Send raw bytes on a fresh connection; return what came back before the server closed it. */
async function sendAndExpectClose(bytes: string | Buffer): Promise<string> {
  const c = await RawClient.connect(node!.port);
  try {
    c.write(bytes);
    return await c.untilClosed();
  } finally {
    c.close();
  }
}

async function stillServes(port = node!.port): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    expect(await c.call('PING')).toBe('+PONG\r\n');
  } finally {
    c.close();
  }
}

describe('malformed frames', () => {
  const cases: Array<[string, string, string]> = [
    ['non-numeric multibulk length', '*abc\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['multibulk length over the limit', '*99999999999\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['negative bulk length', '*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['non-numeric bulk length', '*1\r\n$abc\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['bulk length over proto-max-bulk-len', '*1\r\n$2000000\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['an integer where a bulk belongs', '*1\r\n:1\r\n', "-ERR Protocol error: expected '$', got ':'\r\n"],
    [
      'a good command, then garbage',
      '*1\r\n$4\r\nPING\r\n*abc\r\n',
      '+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n',
    ],
  ];
  it.each(cases)('%s: protocol error, then the connection is closed', async (_name, bytes, expected) => {
    expect(await sendAndExpectClose(bytes)).toBe(expected);
  });

  it('"$-5" outside a multibulk is an inline command, not a protocol error', async () => {
    const c = await RawClient.connect(node!.port);
    try {
      c.write('$-5\r\n');
      expect(await c.reply()).toBe("-ERR unknown command '$-5', with args beginning with: \r\n");
      expect(await c.call('PING')).toBe('+PONG\r\n');
    } finally {
      c.close();
    }
  });

  it('accepts a bulk of exactly proto-max-bulk-len bytes', async () => {
    const c = await RawClient.connect(node!.port);
    try {
      expect(await c.call('SET', 'abuse:max', Buffer.alloc(1024 * 1024, 'x'))).toBe('+OK\r\n');
      expect(await c.call('STRLEN', 'abuse:max')).toBe(':1048576\r\n');
    } finally {
      c.close();
    }
  });

  it('closes a client whose unparsed input passes client-query-buffer-limit', async () => {
    // An inline command that never ends: 3 MB without a newline.
    const out = await sendAndExpectClose(Buffer.alloc(3 * 1024 * 1024, 'a'));
    expect(out === '' || out.startsWith('-ERR Protocol error')).toBe(true);
    await stillServes();
  });

  it('keeps serving other clients after all of the above', async () => {
    await stillServes();
  });
});

describe('a client that never reads', () => {
  it('does not take the node down', async () => {
    const setup = await RawClient.connect(node!.port);
    expect(await setup.call('SET', 'abuse:big', Buffer.alloc(64 * 1024, 'v'))).toBe('+OK\r\n');
    setup.close();
    const hog = await RawClient.connect(node!.port);
    hog.socket.pause(); // never read: the replies (~64 MB) pile up on the server side
    const get = Buffer.from('*2\r\n$3\r\nGET\r\n$9\r\nabuse:big\r\n', 'latin1');
    hog.write(Buffer.concat(Array.from({ length: 1000 }, () => get)));
    await new Promise((r) => setTimeout(r, 300));
    await stillServes();
    hog.close();
    await stillServes();
    expect(node!.proc.exitCode).toBeNull();
  });
});

describe('requirepass and maxclients', () => {
  it('refuses commands with NOAUTH until AUTH, and refuses a wrong password', async () => {
    const c = await RawClient.connect(guarded!.port);
    try {
      expect(await c.call('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await c.call('AUTH', 'wrong')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      expect(await c.call('AUTH', 's3cret')).toBe('+OK\r\n');
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
    } finally {
      c.close();
    }
    const viaHello = await RawClient.connect(guarded!.port);
    try {
      expect(await viaHello.call('HELLO', '2', 'AUTH', 'default', 's3cret')).toMatch(/^\*14\r\n\$6\r\nserver\r\n/);
      expect(await viaHello.call('GET', 'k')).toBe('$1\r\nv\r\n');
    } finally {
      viaHello.close();
    }
  });

  it('rejects the client over maxclients 2 with Redis\'s error', async () => {
    // The previous test's connections may still be closing on the server: retry the first two until admitted.
    const admitted: RawClient[] = [];
    try {
      const deadline = Date.now() + 3000;
      while (admitted.length < 2 && Date.now() < deadline) {
        const c = await RawClient.connect(guarded!.port);
        const reply = await c.call('AUTH', 's3cret').catch(() => 'closed');
        if (reply === '+OK\r\n') admitted.push(c);
        else {
          c.close();
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      expect(admitted).toHaveLength(2);
      const third = await RawClient.connect(guarded!.port);
      try {
        expect(await third.untilClosed()).toBe('-ERR max number of clients reached\r\n');
      } finally {
        third.close();
      }
      expect(await admitted[0].call('PING')).toBe('+PONG\r\n');
    } finally {
      for (const c of admitted) c.close();
    }
  });
});
