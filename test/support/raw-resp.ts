import net from 'node:net';

/** A bare RESP client over net.Socket that returns each reply as its raw latin1 text, for byte-exact comparisons. */

/** Offset just past the complete RESP2/RESP3 reply starting at `pos`, or -1 if `buf` holds only part of it. */
export function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const lineEnd = buf.indexOf('\r\n', pos);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buf[pos]);
  const header = buf.latin1Slice(pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '$':
    case '!':
    case '=': {
      const len = Number(header);
      if (len < 0) return next;
      return buf.length >= next + len + 2 ? next + len + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = Number(header);
      if (n < 0) return next;
      let at = next;
      const items = type === '%' || type === '|' ? n * 2 : n;
      for (let i = 0; i < items; i++) {
        at = replyEnd(buf, at);
        if (at < 0) return -1;
      }
      // An attribute (|) precedes the reply it annotates.
      return type === '|' ? replyEnd(buf, at) : at;
    }
    default: // + - : _ , # ( and inline text
      return next;
  }
}

/** RESP multibulk encoding of one command. */
export function encodeCommand(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

export class RawClient {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closedFlag = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = this.buffered.length === 0 ? d : Buffer.concat([this.buffered, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private async waitForData(deadline: number): Promise<void> {
    if (this.closedFlag) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buffered.latin1Slice())}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no complete reply in time; buffered: ${JSON.stringify(this.buffered.latin1Slice(0, 200))}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, left);
      this.waiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The next complete reply, raw (e.g. "+OK\r\n", "-ERR ...\r\n", "$3\r\nabc\r\n"). */
  async reply(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = replyEnd(this.buffered, 0);
      if (end >= 0) {
        const out = this.buffered.latin1Slice(0, end);
        this.buffered = this.buffered.subarray(end);
        return out;
      }
      await this.waitForData(deadline);
    }
  }

  async call(...args: Array<string | Buffer>): Promise<string> {
    this.write(encodeCommand(args));
    return this.reply();
  }

  /** Everything received until the server closes the connection (rejects if it stays open past the timeout). */
  async untilClosed(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) {
      if (Date.now() > deadline) throw new Error(`connection still open; received: ${JSON.stringify(this.buffered.latin1Slice(0, 200))}`);
      await this.waitForData(deadline).catch(() => undefined);
    }
    return this.buffered.latin1Slice();
  }

  close(): void {
    this.socket.destroy();
  }
}
