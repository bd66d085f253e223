/**
 * A minimal RESP2 client for the harness: send commands, read replies, pipeline raw bytes.
 * Just enough for PING/INFO/CONFIG/FLUSHALL and the bulk loader; not a general client.
 */
import net from 'node:net';

/** Encode one command as a RESP array of bulk strings (latin1 arguments). */
export function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
  }
  return Buffer.from(out, 'latin1');
}

/**
 * Parse one reply from `buf` at `pos`. Returns [value, nextPos] or undefined if the frame is incomplete.
 * Errors come back as `{ error: string }`.
 */
export function parseReply(buf, pos) {
  if (pos >= buf.length) return undefined;
  const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.latin1Slice(pos + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+': return [line, after];
    case '-': return [{ error: line }, after];
    case ':': return [Number(line), after];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, after];
      if (after + len + 2 > buf.length) return undefined;
      return [buf.latin1Slice(after, after + len), after + len + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, after];
      const items = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/** A connection that answers commands in order. */
export class RespConnection {
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.waiting = []; // resolvers, in send order
    this.closedError = undefined;
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (err) => {
      this.closedError = err ?? new Error('connection closed');
      for (const w of this.waiting.splice(0)) w.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  static connect(port, host = '127.0.0.1', timeoutMs = 2000) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.setNoDelay(true);
      const timer = setTimeout(() => { socket.destroy(); reject(new Error('connect timeout')); }, timeoutMs);
      socket.once('connect', () => { clearTimeout(timer); resolve(new RespConnection(socket)); });
      socket.once('error', (err) => { clearTimeout(timer); reject(err); });
    });
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let pos = 0;
    while (this.waiting.length) {
      const r = parseReply(this.buffer, pos);
      if (!r) break;
      pos = r[1];
      this.waiting.shift().resolve(r[0]);
    }
    this.buffer = pos >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(pos);
  }

  /** Send one command; resolves with its reply (errors resolve as `{ error }`). */
  call(...args) {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(encodeCommand(args));
    });
  }

  /** Write pre-encoded bytes holding `count` commands; resolves with the replies. */
  pipeline(bytes, count) {
    if (this.closedError) return Promise.reject(this.closedError);
    const replies = new Array(count);
    const promises = [];
    for (let i = 0; i < count; i++) {
      promises.push(new Promise((resolve, reject) => {
        this.waiting.push({ resolve: (v) => { replies[i] = v; resolve(); }, reject });
      }));
    }
    this.socket.write(bytes);
    return Promise.all(promises).then(() => replies);
  }

  close() {
    this.socket.end();
    this.socket.destroy();
  }
}

/** Parse an INFO reply into { field: string }. */
export function parseInfo(text) {
  const out = {};
  for (const line of String(text).split('\r\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** One-shot INFO over a fresh connection. */
export async function info(port, section) {
  const conn = await RespConnection.connect(port);
  try {
    const reply = section ? await conn.call('INFO', section) : await conn.call('INFO');
    if (reply && reply.error) throw new Error(`INFO failed: ${reply.error}`);
    return parseInfo(reply);
  } finally {
    conn.close();
  }
}

/** One-shot command over a fresh connection. */
export async function command(port, ...args) {
  const conn = await RespConnection.connect(port);
  try {
    return await conn.call(...args);
  } finally {
    conn.close();
  }
}

/**
 * Calls `send(from)` for from = 0, step, 2·step, ... below `count`, keeping two calls in flight (one being
 * served while the next is on the wire). Resolves with the elapsed seconds once every call has settled.
 */
export async function twoInFlight(count, step, send) {
  const started = process.hrtime.bigint();
  const inFlight = [];
  for (let from = 0; from < count; from += step) {
    inFlight.push(send(from));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
