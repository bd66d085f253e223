import type { Socket } from 'node:net';
import type { Reply } from '../../engine/src/commands/reply.js';
import { formatDouble } from '../../engine/src/commands/double-text.js';
import { putLatin1 } from './latin1.js';

export { formatDouble };

/** RESP2/RESP3 reply encoder writing straight into one growable per-connection output Buffer. */

/** After a flush, an output buffer grown past this is dropped for a fresh one, as Redis trims its reply buffers. */
const KEEP_AT_MOST = 1024 * 1024;
const CR = 13;
const LF = 10;

/**
 * Encodes replies for one connection. Everything is written into `buf` at `pos`; the server sends it with
 * one socket write after each batch of commands (`flushTo`). When the kernel took the bytes at once the same
 * Buffer is reused, so a steady connection allocates nothing per reply.
 *
 * `protocol` is 2 or 3; HELLO changes it (through the session) before it writes its own reply.
 */
export class RespWriter implements Reply {
  protocol: 2 | 3 = 2;
  /** Error replies written so far (the command table counts failed calls by comparing before and after). */
  errors = 0;
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly initialSize = 8192) {
    this.buf = Buffer.allocUnsafeSlow(initialSize);
  }

  // ---------------------------------------------------------------- output

  /** Bytes written and not yet taken or flushed. */
  pending(): number {
    return this.pos;
  }

  /** The bytes written so far, which the caller now owns; the writer starts again empty. */
  take(): Buffer | null {
    if (this.pos === 0) return null;
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(this.initialSize);
    this.pos = 0;
    return out;
  }

  /**
   * Writes everything pending to the socket in one write. Returns socket.write's answer (false: the socket
   * is buffering, wait for 'drain'), true when nothing was pending.
   */
  flushTo(socket: Socket): boolean {
    if (this.pos === 0) return true;
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    const flushed = socket.write(out);
    // A write the kernel did not take whole keeps pointing into our Buffer: leave it to the socket.
    if (socket.writableLength !== 0 || this.buf.length > KEEP_AT_MOST) {
      this.buf = Buffer.allocUnsafeSlow(this.initialSize);
    }
    return flushed;
  }

  /** Drops what was written after `mark` (a value of pending()), e.g. the half reply of a command that threw. */
  rollback(mark: number): void {
    if (mark < this.pos) this.pos = mark;
  }

  /** Appends bytes that are already RESP (pre-encoded replies, forwarded streams). */
  raw(data: Buffer | string): void {
    const len = data.length;
    this.ensure(len);
    if (typeof data === 'string') this.putString(data);
    else {
      data.copy(this.buf, this.pos);
      this.pos += len;
    }
  }

  // ---------------------------------------------------------------- Reply

  setProtocol(protocol: 2 | 3): void {
    this.protocol = protocol;
  }

  ok(): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 43; // +
    b[p++] = 79; // O
    b[p++] = 75; // K
    b[p++] = CR;
    b[p++] = LF;
    this.pos = p;
  }

  simple(text: string): void {
    this.line(43 /* + */, text);
  }

  error(message: string): void {
    this.errors++;
    this.line(45 /* - */, message);
  }

  integer(n: number | bigint): void {
    if (typeof n === 'bigint') {
      // int64 values beyond 2^53 (INCR near the limit): exact digits, rare enough to format as a string.
      const text = n.toString();
      this.ensure(text.length + 3);
      this.buf[this.pos++] = 58; // :
      this.putString(text);
      this.crlf();
      return;
    }
    this.header(58 /* : */, n);
  }

  bulk(value: string | null): void {
    if (value === null) {
      this.nil();
      return;
    }
    const len = value.length;
    this.ensure(len + 26);
    this.buf[this.pos++] = 36; // $
    this.putInt(len);
    this.crlf();
    this.putString(value);
    this.crlf();
  }

  nil(): void {
    if (this.protocol === 3) this.short3(95 /* _ */);
    else this.constant5(36, 45, 49); // $-1
  }

  nilArray(): void {
    if (this.protocol === 3) this.short3(95 /* _ */);
    else this.constant5(42, 45, 49); // *-1
  }

  array(length: number): void {
    this.header(42 /* * */, length);
  }

  map(pairs: number): void {
    if (this.protocol === 3) this.header(37 /* % */, pairs);
    else this.header(42, pairs * 2);
  }

  set(length: number): void {
    this.header(this.protocol === 3 ? 126 /* ~ */ : 42, length);
  }

  /** A push frame (RESP3 ">n"; an array in RESP2), for pub/sub and invalidation messages. */
  push(length: number): void {
    this.header(this.protocol === 3 ? 62 /* > */ : 42, length);
  }

  double(value: number): void {
    if (this.protocol === 3) this.line(44 /* , */, formatDouble(value));
    else this.bulk(formatDouble(value));
  }

  bool(value: boolean): void {
    if (this.protocol === 3) {
      this.ensure(4);
      const b = this.buf;
      b[this.pos] = 35; // #
      b[this.pos + 1] = value ? 116 : 102; // t / f
      b[this.pos + 2] = CR;
      b[this.pos + 3] = LF;
      this.pos += 4;
    } else {
      this.header(58, value ? 1 : 0);
    }
  }

  verbatim(text: string): void {
    if (this.protocol !== 3) {
      this.bulk(text);
      return;
    }
    const len = text.length;
    this.ensure(len + 30);
    this.buf[this.pos++] = 61; // =
    this.putInt(len + 4);
    this.crlf();
    this.putString('txt:');
    this.putString(text);
    this.crlf();
  }

  // ---------------------------------------------------------------- encoding

  private ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) this.grow(extra);
  }

  private grow(extra: number): void {
    const size = Math.max(this.buf.length * 2, this.pos + extra + 64);
    const bigger = Buffer.allocUnsafeSlow(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private crlf(): void {
    this.buf[this.pos++] = CR;
    this.buf[this.pos++] = LF;
  }

  /** "<prefix><n>\r\n" */
  private header(prefix: number, n: number): void {
    this.ensure(26);
    this.buf[this.pos++] = prefix;
    this.putInt(n);
    this.crlf();
  }

  /** "<prefix><text>\r\n" with CR and LF inside the text turned into spaces, so the line cannot break the stream. */
  private line(prefix: number, text: string): void {
    const len = text.length;
    this.ensure(len + 3);
    const b = this.buf;
    let p = this.pos;
    b[p++] = prefix;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      b[p++] = c === CR || c === LF ? 32 : c;
    }
    b[p++] = CR;
    b[p++] = LF;
    this.pos = p;
  }

  /** "<a><b><c>\r\n" */
  private constant5(a: number, b: number, c: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = a;
    buf[p++] = b;
    buf[p++] = c;
    buf[p++] = CR;
    buf[p++] = LF;
    this.pos = p;
  }

  /** "<a>\r\n" */
  private short3(a: number): void {
    this.ensure(3);
    const buf = this.buf;
    buf[this.pos] = a;
    buf[this.pos + 1] = CR;
    buf[this.pos + 2] = LF;
    this.pos += 3;
  }

  /** Copies a binary string; the caller ensured room. */
  private putString(s: string): void {
    this.pos = putLatin1(this.buf, this.pos, s);
  }

  /** Decimal digits of an integer; the caller ensured 21 bytes of room. */
  private putInt(n: number): void {
    const b = this.buf;
    if (n < 0) {
      b[this.pos++] = 45; // -
      n = -n;
    }
    if (n > 0x7fffffff || (n | 0) !== n) {
      this.putString(Number.isSafeInteger(n) ? String(n) : Number.isFinite(n) ? BigInt(Math.trunc(n)).toString() : '0');
      return;
    }
    if (n < 10) {
      b[this.pos++] = 48 + n;
      return;
    }
    let digits = 2;
    for (let t = 100; t <= n && digits < 10; t *= 10) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      const q = (n / 10) | 0;
      b[--p] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }
}
