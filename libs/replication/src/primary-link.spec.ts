/**
 * PrimaryLink against a scripted primary on a real socket: the handshake it sends, snapshot and stream
 * handling, and the resume after a break in the middle of a primary's turn (entries arrived after the last
 * OFFSET marker): resent entries are skipped, so nothing is applied twice.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { RespParser } from '../../protocol/src/resp-parser.js';
import { PrimaryLink } from './primary-link.js';
import { encodeCommand } from './replication-log.js';
import { emptyMask } from './slot-set.js';

/** One connection of the fake primary: the commands it received, and a way to send. */
interface Conn {
  socket: Socket;
  received: string[][];
  send(...frames: Array<string[] | string>): void;
}

async function fakePrimary(): Promise<{ server: Server; port: number; next(): Promise<Conn> }> {
  const waiting: ((conn: Conn) => void)[] = [];
  const ready: Conn[] = [];
  const server = createServer((socket) => {
    const received: string[][] = [];
    const parser = new RespParser((args) => void received.push(args));
    socket.on('data', (chunk) => parser.feed(chunk));
    socket.on('error', () => undefined);
    const conn: Conn = {
      socket,
      received,
      send: (...frames) => socket.write(Buffer.concat(frames.map((f) => (typeof f === 'string' ? Buffer.from(f) : encodeCommand(f))))),
    };
    const taker = waiting.shift();
    if (taker) taker(conn);
    else ready.push(conn);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    next: () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('PrimaryLink', () => {
  let link: PrimaryLink | undefined;
  let server: Server | undefined;
  afterEach(() => {
    link?.close();
    server?.close();
  });

  it('syncs a slot, follows the stream, and resumes after a mid-turn break without applying anything twice', async () => {
    const primary = await fakePrimary();
    server = primary.server;
    const applied: string[][] = [];
    const flushed: number[] = [];
    link = new PrimaryLink({
      primary: { id: 'p'.repeat(40), host: '127.0.0.1', port: primary.port },
      self: { id: 'r'.repeat(40), port: 7777 },
      password: 'secret',
      slotOf: () => 5,
      apply: (args) => void applied.push(args),
      flushSlots: (mask) => void flushed.push(mask.indexOf(1)),
      onProgress: () => undefined,
      reconnectMs: 10,
    });
    const wanted = emptyMask();
    wanted[5] = 1;
    link.setSlots(wanted);
    link.start();

    const first = await primary.next();
    await until(() => first.received.length === 3, 'the handshake');
    expect(first.received).toEqual([
      ['AUTH', 'secret'],
      ['REPLCONF', 'listening-port', '7777', 'ringcache-id', 'r'.repeat(40)],
      ['PSYNC', '?', '-1', 'SLOTS', ''],
    ]);
    first.send('+OK\r\n+OK\r\n+FULLRESYNC ' + 'a'.repeat(40) + ' 100\r\n');
    await until(() => first.received.length === 4, 'ADDSLOTS');
    expect(first.received[3]).toEqual(['REPLCONF', 'ADDSLOTS', '5']);
    // The snapshot, a marker, then a turn's entries whose marker never comes: the connection breaks.
    first.send(['REPLCONF', 'SLOTSYNC', '5'], ['SET', 'k', 'v'], ['REPLCONF', 'OFFSET', '100']);
    first.send(['INCR', 'c'], ['MULTI'], ['INCR', 'c'], ['INCR', 'd'], ['EXEC'], ['INCR', 'c']);
    await until(() => applied.length === 5, 'the snapshot and the entries');
    expect(flushed).toEqual([5]);
    expect(link.caughtUp).toBe(true);
    expect(link.offset).toBe(100);
    first.socket.destroy();

    const second = await primary.next();
    await until(() => second.received.length === 3, 'the second handshake');
    expect(second.received[2]).toEqual(['PSYNC', 'a'.repeat(40), '100', 'SLOTS', '5']);
    // The primary resends everything after offset 100, then more.
    second.send('+OK\r\n+OK\r\n+CONTINUE ' + 'a'.repeat(40) + '\r\n');
    second.send(['INCR', 'c'], ['MULTI'], ['INCR', 'c'], ['INCR', 'd'], ['EXEC'], ['INCR', 'c'], ['INCR', 'e'], ['REPLCONF', 'OFFSET', '200']);
    await until(() => link!.offset === 200, 'the new marker');
    expect(applied).toEqual([['SET', 'k', 'v'], ['INCR', 'c'], ['INCR', 'c'], ['INCR', 'd'], ['INCR', 'c'], ['INCR', 'e']]);
    expect(link.partialSyncs).toBe(1);
    expect(link.fullSyncs).toBe(1);
    // Asked for an acknowledgement, it reports the marker's offset.
    second.send(['REPLCONF', 'GETACK', '*']);
    await until(() => second.received.some((c) => c[1] === 'ACK'), 'the ACK');
    expect(second.received.find((c) => c[1] === 'ACK')).toEqual(['REPLCONF', 'ACK', '200']);
  });

  it('drops a transaction cut in the middle and gets it again whole after the resume', async () => {
    const primary = await fakePrimary();
    server = primary.server;
    const applied: string[][] = [];
    link = new PrimaryLink({
      primary: { id: 'p'.repeat(40), host: '127.0.0.1', port: primary.port },
      self: { id: 'r'.repeat(40), port: 7777 },
      password: '',
      slotOf: () => 5,
      apply: (args) => void applied.push(args),
      flushSlots: () => undefined,
      onProgress: () => undefined,
      reconnectMs: 10,
    });
    const wanted = emptyMask();
    wanted[5] = 1;
    link.setSlots(wanted);
    link.start();
    const first = await primary.next();
    await until(() => first.received.length === 2, 'the handshake');
    first.send('+OK\r\n+FULLRESYNC ' + 'a'.repeat(40) + ' 0\r\n', ['REPLCONF', 'SLOTSYNC', '5'], ['REPLCONF', 'OFFSET', '0']);
    first.send(['MULTI'], ['INCR', 'x']);
    await until(() => link!.offset === 0 && link!.caughtUp, 'the sync');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(applied).toEqual([]);
    first.socket.destroy();
    const second = await primary.next();
    await until(() => second.received.length === 2, 'the second handshake');
    second.send('+OK\r\n+CONTINUE\r\n', ['MULTI'], ['INCR', 'x'], ['INCR', 'y'], ['EXEC'], ['REPLCONF', 'OFFSET', '90']);
    await until(() => link!.offset === 90, 'the marker');
    expect(applied).toEqual([['INCR', 'x'], ['INCR', 'y']]);
  });
});
