import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { connect, Socket } from 'node:net';
import type { ClientSession } from '../../engine/src/commands/command.js';
import type { CommandDispatcher } from './command-dispatcher.js';
import { RespServer, type RespServerOptions } from './resp-server.js';
import type { RespWriter } from './resp-writer.js';

/** A tiny command set: enough to drive the server, nothing of the engine. */
class FakeDispatcher implements CommandDispatcher {
  readonly store = new Map<string, string>();
  readonly sessions = new Set<ClientSession>();
  disconnects = 0;

  connected(session: ClientSession): void {
    this.sessions.add(session);
  }
  disconnected(session: ClientSession): void {
    this.sessions.delete(session);
    this.disconnects++;
  }
  execute(session: ClientSession, reply: RespWriter, args: string[]): void {
    const name = args[0].toLowerCase();
    session.lastCommand = name;
    switch (name) {
      case 'ping':
        return reply.simple('PONG');
      case 'echo':
        return reply.bulk(args[1]);
      case 'set':
        this.store.set(args[1], args[2]);
        return reply.ok();
      case 'get':
        return reply.bulk(this.store.get(args[1]) ?? null);
      case 'big':
        return reply.bulk('x'.repeat(Number(args[1])));
      case 'hello':
        session.protocol = Number(args[1]) as 2 | 3;
        reply.map(1);
        reply.bulk('proto');
        return reply.integer(session.protocol);
      case 'nil':
        return reply.nil();
      case 'quit':
        reply.ok();
        return session.close(true);
      case 'kill':
        return session.close(false);
      case 'throw':
        reply.array(2);
        throw new Error('boom');
      default:
        return reply.error(`ERR unknown command '${args[0]}'`);
    }
  }
}

const servers: RespServer[] = [];
const sockets: Socket[] = [];
const redisClients: Redis[] = [];

afterEach(async () => {
  for (const r of redisClients.splice(0)) r.disconnect();
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function start(options: Partial<RespServerOptions> = {}): Promise<{ server: RespServer; dispatcher: FakeDispatcher; port: number }> {
  const dispatcher = new FakeDispatcher();
  const server = new RespServer({ port: 0, ...options }, dispatcher);
  servers.push(server);
  const { port } = await server.listen();
  return { server, dispatcher, port };
}

interface RawClient {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
  isClosed(): boolean;
}

async function raw(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let data = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (data += d.latin1Slice()));
  socket.on('error', () => undefined);
  const closedPromise = new Promise<void>((resolve) => socket.on('close', () => ((closed = true), resolve())));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => data, closed: closedPromise, isClosed: () => closed };
}

/** Polls a condition (network tests wait for sockets, not for time). */
async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const encode = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

describe('RespServer', () => {
  it('serves ioredis: commands, binary values, pipelines', async () => {
    const { port } = await start();
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    redisClients.push(redis);
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    const binary = Buffer.from([0, 13, 10, 255, 128, 42]);
    expect(await redis.set('k', binary)).toBe('OK');
    expect(await redis.getBuffer('k')).toEqual(binary);
    expect(await redis.get('missing')).toBeNull();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.set(`key:${i}`, `value:${i}`).get(`key:${i}`);
    const results = await pipeline.exec();
    expect(results?.length).toBe(2000);
    expect(results?.[1999]).toEqual([null, 'value:999']);
  });

  it('keeps partial commands intact while other clients reuse the shared read buffer', async () => {
    const { dispatcher, port } = await start();
    const [a, b] = [await raw(port), await raw(port)];
    const small = 'v'.repeat(100);
    const big = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const frameA = encode('SET', 'a', small);
    const frameBig = encode('SET', 'big', big);
    // Half a command from A, and the first part of a large bulk (collected in pieces) from B...
    a.socket.write(frameA.slice(0, 40));
    b.socket.write(frameBig.slice(0, 70_000));
    await until(() => dispatcher.sessions.size === 2, 'both connected');
    await new Promise((r) => setTimeout(r, 20));
    // ...then others fill the shared buffer with different bytes before the rest arrives.
    const c = await raw(port);
    for (let i = 0; i < 20; i++) c.socket.write(encode('SET', `c${i}`, 'z'.repeat(3000)));
    await until(() => c.received().length === 20 * 5, 'c replies');
    a.socket.write(frameA.slice(40));
    b.socket.write(frameBig.slice(70_000));
    await until(() => a.received() === '+OK\r\n' && b.received() === '+OK\r\n', 'a and b replies');
    expect(dispatcher.store.get('a')).toBe(small);
    expect(dispatcher.store.get('big')).toBe(big);
  });

  it('answers all commands of one data event with one socket write', async () => {
    const { server, port } = await start();
    const writes: number[] = [];
    // The server re-makes each accepted socket (to read with `onread`), so watch every socket's writes and
    // keep the server side's (its local port is the server's).
    const write = Socket.prototype.write;
    const spy = jest.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: unknown[]) {
      if (this.localPort === port) writes.push((args[0] as Buffer).length);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof write);
    try {
      const client = await raw(port);
      client.socket.write(encode('PING') + encode('SET', 'a', '1') + encode('GET', 'a') + 'PING\r\n');
      await until(() => client.received() === '+PONG\r\n+OK\r\n$1\r\n1\r\n+PONG\r\n', 'replies');
      expect(writes).toEqual([client.received().length]);
    } finally {
      spy.mockRestore();
    }
  });

  it('switches to RESP3 when the session protocol changes', async () => {
    const { port } = await start();
    const client = await raw(port);
    client.socket.write(encode('NIL') + encode('HELLO', '3') + encode('NIL'));
    await until(() => client.received() === '$-1\r\n%1\r\n$5\r\nproto\r\n:3\r\n_\r\n', 'RESP3 replies');
  });

  it('QUIT flushes the reply, then closes', async () => {
    const { server, dispatcher, port } = await start();
    const client = await raw(port);
    client.socket.write(encode('PING') + encode('QUIT') + encode('PING'));
    await client.closed;
    expect(client.received()).toBe('+PONG\r\n+OK\r\n');
    await until(() => server.connectedClients === 0 && dispatcher.disconnects === 1, 'cleanup');
  });

  it('close(false) drops the connection without replying', async () => {
    const { port } = await start();
    const client = await raw(port);
    client.socket.write(encode('PING') + encode('KILL') + encode('PING'));
    await client.closed;
    expect(client.received()).toBe('');
  });

  it('replies a protocol error after the good commands, then closes', async () => {
    const { port } = await start();
    const client = await raw(port);
    client.socket.write(encode('PING') + '*1\r\n$-5\r\n' + encode('PING'));
    await client.closed;
    expect(client.received()).toBe('+PONG\r\n-ERR Protocol error: invalid bulk length\r\n');
  });

  it('rejects clients over maxclients and counts them', async () => {
    const { server, port } = await start({ maxClients: 1 });
    const first = await raw(port);
    const second = await raw(port);
    await second.closed;
    expect(second.received()).toBe('-ERR max number of clients reached\r\n');
    expect(server.rejectedConnections).toBe(1);
    expect(server.totalConnectionsReceived).toBe(1);
    first.socket.write('PING\r\n');
    await until(() => first.received() === '+PONG\r\n', 'first client still served');
  });

  it('drops a client whose output exceeds clientOutputBufferLimit', async () => {
    const { port } = await start({ clientOutputBufferLimit: 10_000 });
    const client = await raw(port);
    client.socket.write(encode('BIG', '100') + encode('BIG', '20000'));
    await client.closed;
    expect(client.received()).toBe('');
  });

  it('answers an error and closes when the query buffer limit is exceeded', async () => {
    const { port } = await start({ clientQueryBufferLimit: 1000 });
    const client = await raw(port);
    client.socket.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000\r\n${'x'.repeat(2000)}`);
    await client.closed;
    expect(client.received()).toMatch(/^-ERR Protocol error: client query buffer limit reached/);
  });

  it('keeps a command that throws from breaking the stream', async () => {
    const { port } = await start();
    const client = await raw(port);
    client.socket.write(encode('THROW') + encode('PING'));
    await until(() => client.received() === '-ERR boom\r\n+PONG\r\n', 'error then PONG');
  });

  it('stops reading from a client that does not read its replies', async () => {
    const { server, port } = await start();
    const client = await raw(port);
    client.socket.pause();
    const count = 400;
    const size = 100_000; // 40 MB of replies in all
    client.socket.write(encode('BIG', String(size)).repeat(count));
    const [connection] = server.connections;
    // The server fills the socket, pauses, and keeps the rest of the requests unparsed.
    await until(() => connection.queryBytes() > 0 && connection.outputBytes() > 0, 'backpressure');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connection.outputBytes()).toBeLessThan(8 * 1024 * 1024);
    let bytes = 0;
    client.socket.removeAllListeners('data');
    client.socket.on('data', (d: Buffer) => (bytes += d.length));
    client.socket.resume();
    const expected = count * (`$${size}\r\n`.length + size + 2);
    await until(() => bytes === expected, 'all replies');
    expect(connection.queryBytes()).toBe(0);
  });

  it('parses a 20 MB value sent in many chunks', async () => {
    const { dispatcher, port } = await start();
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    redisClients.push(redis);
    await redis.connect();
    const value = Buffer.alloc(20 * 1024 * 1024, 'ab\r\n');
    expect(await redis.set('big', value)).toBe('OK');
    expect(dispatcher.store.get('big')?.length).toBe(value.length);
    expect((await redis.getBuffer('big'))?.equals(value)).toBe(true);
  });

  it('keeps counters and session fields', async () => {
    const { server, dispatcher, port } = await start({ nextClientId: () => 42 });
    const client = await raw(port);
    client.socket.write('PING\r\n');
    await until(() => client.received() === '+PONG\r\n', 'PONG');
    const [session] = dispatcher.sessions;
    expect(session.id).toBe(42);
    expect(session.kind).toBe('resp');
    expect(session.authenticated).toBe(true);
    expect(session.addr).toBe(`127.0.0.1:${client.socket.localPort}`);
    expect(session.laddr).toBe(`127.0.0.1:${port}`);
    expect(session.lastCommand).toBe('ping');
    expect(server.connectedClients).toBe(1);
    expect(server.totalNetInputBytes).toBe(6);
    expect(server.totalNetOutputBytes).toBe(7);
  });

  it('applies the unauthenticated limits while AUTH is required', async () => {
    const { dispatcher, port } = await start({ authRequired: () => true });
    const client = await raw(port);
    client.socket.write(encode('ECHO', 'x'.repeat(20000)));
    await client.closed;
    expect(client.received()).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    expect(dispatcher.disconnects).toBe(1);
  });

  describe('timeout (idle clients)', () => {
    it('closes a client idle for more than idleTimeout seconds, without a reply', async () => {
      const { server, dispatcher, port } = await start({ idleTimeout: 2 });
      const client = await raw(port);
      client.socket.write('PING\r\n');
      await until(() => client.received() === '+PONG\r\n', 'PONG');
      const [connection] = server.connections;
      const last = connection.lastInteraction;
      expect(server.closeIdleClients(last + 2000)).toBe(0);
      expect(server.closeIdleClients(last + 2001)).toBe(1);
      await client.closed;
      expect(client.received()).toBe('+PONG\r\n');
      await until(() => server.connectedClients === 0 && dispatcher.disconnects === 1, 'cleanup');
    });

    it('counts from the last input, and only closes the idle clients', async () => {
      const { server, port } = await start({ idleTimeout: 1 });
      const idle = await raw(port);
      const busy = await raw(port);
      await until(() => server.connections.size === 2, 'connected');
      const [idleConnection, busyConnection] = server.connections;
      idleConnection.lastInteraction = 0;
      busyConnection.lastInteraction = 0;
      busy.socket.write('PING\r\n');
      await until(() => busy.received() === '+PONG\r\n', 'PONG');
      expect(server.closeIdleClients()).toBe(1);
      await idle.closed;
      expect(busy.isClosed()).toBe(false);
    });

    it('never closes with timeout 0, and follows a change at run time', async () => {
      const { server, port } = await start();
      const client = await raw(port);
      await until(() => server.connections.size === 1, 'connected');
      const [connection] = server.connections;
      const far = connection.lastInteraction + 10 * 365 * 86_400_000;
      expect(server.closeIdleClients(far)).toBe(0);
      server.idleTimeout = 300;
      expect(server.closeIdleClients(connection.lastInteraction + 299_000)).toBe(0);
      expect(server.closeIdleClients(connection.lastInteraction + 301_000)).toBe(1);
      await client.closed;
    });

    it('checks periodically on its own', async () => {
      const { server, port } = await start({ idleTimeout: 1, idleCheckInterval: 20 });
      const client = await raw(port);
      const started = Date.now();
      await client.closed; // bounded by the spec's timeout if the check never runs
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeLessThan(2500);
      await until(() => server.connectedClients === 0, 'cleanup');
    });
  });

  it('close() stops listening and drops clients', async () => {
    const { server, dispatcher, port } = await start();
    const client = await raw(port);
    await until(() => dispatcher.sessions.size === 1, 'connected');
    await server.close();
    await client.closed;
    expect(server.netServer.listening).toBe(false);
    await until(() => dispatcher.disconnects === 1, 'disconnected');
  });
});
