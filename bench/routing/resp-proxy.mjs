/**
 * A proxy hop for the `client-routing` scenario: a single-port RESP front that sends each command to the
 * owner of its key's slot (slot table from CLUSTER SLOTS, one autopipelined ioredis connection per owner, MOVED
 * followed and remembered) and writes the replies back in order. Enough of RESP for the bench's GET/SET.
 *
 *   node bench/routing/resp-proxy.mjs <listen-port> <seed-port>[,<seed-port>...]
 *
 * Prints "listening" once the slot table is loaded and the port is bound, a line per owner connection error or
 * close, and "redirects N closes M" on SIGTERM.
 *
 * Not ioredis's Cluster: with autopipelining it surfaces a MOVED to the caller whenever a pipeline mixes it
 * with other replies, and it did so here against both ringcache and Redis Cluster after a few 100k commands.
 */
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parseReply } from '../lib/resp.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.RINGCACHE_BENCH_DIST ?? path.join(ROOT, 'dist');
const { keySlot } = await import(pathToFileURL(path.join(DIST, 'libs', 'cluster', 'src', 'slots.js')).href);

const [listenArg, seedsArg] = process.argv.slice(2);
const seeds = seedsArg.split(',').map(Number);

let redirects = 0;
let closes = 0;

/** ioredis connection by "host:port". */
const owners = new Map();
function owner(address) {
  let redis = owners.get(address);
  if (!redis) {
    const colon = address.lastIndexOf(':');
    const connection = new Redis({
      host: address.slice(0, colon),
      port: Number(address.slice(colon + 1)),
      enableAutoPipelining: true,
      // A command must settle: one lost reply would otherwise hold every later reply of its client connection.
      commandTimeout: 10000,
    });
    connection.on('error', (err) => process.stdout.write(`owner ${address} error: ${err.message}\n`));
    connection.on('close', () => { closes++; process.stdout.write(`owner ${address} connection closed\n`); });
    connection.on('end', () => owners.delete(address));
    owners.set(address, connection);
    redis = connection;
  }
  return redis;
}

/** Owner address by slot. */
const slotOwner = new Array(16384);
const seed = owner(`127.0.0.1:${seeds[0]}`);
for (const [from, to, [host, port]] of await seed.call('CLUSTER', 'SLOTS')) {
  for (let s = from; s <= to; s++) slotOwner[s] = `${host}:${port}`;
}


function forward(name, args, hops = 5) {
  const slot = args.length ? keySlot(args[0]) : 0;
  return owner(slotOwner[slot] ?? `127.0.0.1:${seeds[0]}`).call(name, ...args).catch((err) => {
    if (hops > 0 && err.message.startsWith('MOVED ')) {
      redirects++;
      slotOwner[slot] = err.message.slice(err.message.lastIndexOf(' ') + 1);
      return forward(name, args, hops - 1);
    }
    return err;
  });
}

function encode(reply) {
  if (reply === null || reply === undefined) return '$-1\r\n';
  if (reply instanceof Error) return `-${reply.message.replace(/[\r\n]+/g, ' ')}\r\n`;
  if (typeof reply === 'number') return `:${reply}\r\n`;
  if (Array.isArray(reply)) return `*${reply.length}\r\n${reply.map(encode).join('')}`;
  const s = String(reply);
  return `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let buffer = Buffer.alloc(0);
  let chain = Promise.resolve();
  socket.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const parsed = parseReply(buffer, pos);
      if (!parsed) break;
      pos = parsed[1];
      const [name, ...args] = parsed[0];
      const reply = forward(name, args);
      chain = chain.then(() => reply).then((r) => { if (!socket.destroyed) socket.write(encode(r), 'latin1'); });
    }
    buffer = pos >= buffer.length ? Buffer.alloc(0) : buffer.subarray(pos);
  });
  socket.on('error', () => socket.destroy());
});
server.listen(Number(listenArg), '127.0.0.1', () => process.stdout.write('listening\n'));
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    process.stdout.write(`redirects ${redirects} closes ${closes}\n`);
    for (const redis of owners.values()) redis.disconnect();
    process.exit(0);
  });
}
