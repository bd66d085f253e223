import dgram from 'node:dgram';
import net from 'node:net';

/** Ports handed out by this process: never twice, even once the first user has stopped. */
const handedOut = new Set<number>();
/** Below Linux's ephemeral range (32768+), so an outgoing connection cannot take a port between its choice and its bind. */
const LOW = 10000;
const HIGH = 22767;

function canBindTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function canBindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.unref();
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * A port free on 127.0.0.1 a moment ago for TCP and UDP (the ringcache bus is UDP), and for TCP at
 * `port + pairOffset` too when given (a Redis cluster node's bus defaults to port + 10000). Chosen at
 * random in 10000-22767, below the ephemeral range, and never handed out twice by this process.
 */
export async function freePort(pairOffset?: number): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    const pair = pairOffset === undefined ? undefined : port + pairOffset;
    if (handedOut.has(port) || (pair !== undefined && handedOut.has(pair))) continue;
    if (!(await canBindTcp(port)) || !(await canBindUdp(port))) continue;
    if (pair !== undefined && !(await canBindTcp(pair))) continue;
    handedOut.add(port);
    if (pair !== undefined) handedOut.add(pair);
    return port;
  }
  throw new Error('no free port found in 1000 attempts');
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
