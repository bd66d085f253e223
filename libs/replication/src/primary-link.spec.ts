/**
 * PrimaryLink against a scripted primary on a real socket: the handshake it sends, snapshot and stream
 * handling, and the resume after a break in the middle of a primary's turn (entries arrived after the last
 * OFFSET marker): resent entries are skipped, so nothing is applied twice.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { RespParser } from '../../protocol/src/resp-parser.js';
import { PrimaryLink } from './primary-link.js';
import { encodeCommand, encodedLength } from './replication-log.js';
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
      flushSlots: () => undefined,
      flushSlot: (slot) => void flushed.push(slot),
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
      flushSlot: () => undefined,
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

  it('offers its place in a failed primary\'s stream to the member that took the slots over, and applies only the catch-up', async () => {
    const failed = await fakePrimary();
    const promoted = await fakePrimary();
    server = promoted.server;
    const applied: string[][] = [];
    const flushed: number[] = [];
    const options = (port: number): ConstructorParameters<typeof PrimaryLink>[0] => ({
      primary: { id: 'p'.repeat(40), host: '127.0.0.1', port },
      self: { id: 'r'.repeat(40), port: 7777 },
      password: '',
      slotOf: (args) => Number(args[1]!.split(':')[0]), // keys are "<slot>:<name>"
      apply: (args) => void applied.push(args),
      flushSlots: () => undefined,
      flushSlot: (slot) => void flushed.push(slot),
      onProgress: () => undefined,
      reconnectMs: 10,
      historyBytes: () => 1 << 20,
    });
    const old = new PrimaryLink(options(failed.port));
    const both = emptyMask();
    both[5] = 1;
    both[6] = 1;
    old.setSlots(both);
    old.start();
    const first = await failed.next();
    await until(() => first.received.length === 2, 'the handshake');
    first.send('+OK\r\n+FULLRESYNC ' + 'a'.repeat(40) + ' 0\r\n');
    await until(() => first.received.length === 3, 'ADDSLOTS');
    first.send(['REPLCONF', 'SLOTSYNC', '5'], ['SET', '5:a', '1'], ['REPLCONF', 'SLOTSYNC', '6'], ['SET', '6:a', '1'], ['REPLCONF', 'OFFSET', '100']);
    // A turn whose marker never comes: the primary dies.
    first.send(['SET', '5:b', '1'], ['SET', '6:b', '1']);
    await until(() => applied.length === 4, 'the stream');
    old.close();
    failed.server.close();
    const copy = old.streamCopy()!;
    expect(copy.replId).toBe('a'.repeat(40));
    expect(copy.offset).toBe(100);
    expect([copy.slots[5], copy.slots[6], copy.slots[7]]).toEqual([1, 1, 0]);

    // Slot 5 went to a survivor: the new link asks for it with our place in the failed primary's stream.
    link = new PrimaryLink(options(promoted.port));
    link.offerResume(copy);
    const five = emptyMask();
    five[5] = 1;
    link.setSlots(five);
    link.start();
    const conn = await promoted.next();
    await until(() => conn.received.length === 2, 'the new handshake');
    expect(conn.received[1]).toEqual(['PSYNC', '?', '-1', 'SLOTS', '']);
    conn.send('+OK\r\n+FULLRESYNC ' + 'b'.repeat(40) + ' 500\r\n');
    await until(() => conn.received.length === 3, 'the resume request');
    expect(conn.received[2]).toEqual(['REPLCONF', 'ADDSLOTS', '5', 'REPLID', 'a'.repeat(40), 'OFFSET', '100', 'APPLIED', String(encodedLength(['SET', '5:b', '1']))]);
    conn.send(['REPLCONF', 'SLOTRESUME', '5'], ['SET', '5:c', '1'], ['MULTI'], ['INCR', '5:n'], ['EXEC'], ['REPLCONF', 'OFFSET', '520']);
    conn.send(['SET', '5:d', '1'], ['REPLCONF', 'OFFSET', '540']);
    await until(() => link!.offset === 540, 'the markers');
    expect(applied.slice(4)).toEqual([['SET', '5:c', '1'], ['INCR', '5:n'], ['SET', '5:d', '1']]);
    expect(flushed).toEqual([5, 6]); // the two snapshots from the failed primary only
    expect(link.caughtUp).toBe(true);
    expect(link.partialSyncs).toBe(1);
    expect(link.fullSyncs).toBe(1); // the empty first PSYNC of a new link

    // The offer was used once: a slot asked later is a plain ADDSLOTS.
    const more = emptyMask();
    more[5] = 1;
    more[6] = 1;
    link.setSlots(more);
    await until(() => conn.received.length === 4, 'the next request');
    expect(conn.received[3]).toEqual(['REPLCONF', 'ADDSLOTS', '6']);
  });
});
