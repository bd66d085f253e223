import { putLatin1 } from '../../protocol/src/latin1.js';

/**
 * A growable byte buffer of RESP commands, as the append-only file stores them: `*<n>\r\n` then each argument
 * as `$<len>\r\n<bytes>\r\n`. Arguments are latin1 binary strings (one char per byte, as the engine keeps
 * them), so a string's length is its byte length and nothing is allocated per command once the buffer has
 * grown to the size of one event-loop turn's writes.
 */
export class AofBuffer {
  private buf: Buffer;
  private end = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes held. */
  get length(): number {
    return this.end;
  }

  /** Appends one command. */
  command(args: readonly string[]): void {
    let need = 16;
    for (let i = 0; i < args.length; i++) need += args[i]!.length + 16;
    this.reserve(need);
    let at = this.header(42 /* * */, args.length, this.end);
    const buf = this.buf;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      at = putLatin1(buf, this.header(36 /* $ */, arg.length, at), arg);
      buf[at++] = 13;
      buf[at++] = 10;
    }
    this.end = at;
  }

  /** Appends raw bytes (already RESP). */
  bytes(chunk: Buffer): void {
    this.reserve(chunk.length);
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** The bytes held (a view, valid until the next append or clear). */
  view(): Buffer {
    return this.buf.subarray(0, this.end);
  }

  /** Drops the first `n` bytes (written out), keeping the rest. */
  consume(n: number): void {
    if (n >= this.end) {
      this.end = 0;
      return;
    }
    this.buf.copy(this.buf, 0, n, this.end);
    this.end -= n;
  }

  clear(): void {
    this.end = 0;
  }

  /** Gives back memory grown past `maxIdleBytes` once empty (after a burst). */
  shrink(maxIdleBytes = 1024 * 1024): void {
    if (this.end === 0 && this.buf.length > maxIdleBytes) this.buf = Buffer.allocUnsafe(64 * 1024);
  }

  private reserve(extra: number): void {
    if (this.end + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.end + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.end);
    this.buf = next;
  }

  /** Writes `<type><n>\r\n` at `at`; returns the position after it. */
  private header(type: number, n: number, at: number): number {
    const buf = this.buf;
    buf[at++] = type;
    if (n < 10) {
      buf[at++] = 48 + n;
    } else if (n < 100) {
      buf[at++] = 48 + ((n / 10) | 0);
      buf[at++] = 48 + (n % 10);
    } else {
      // Digits from the end: count them first (n is a length, below 2^53).
      let digits = 3;
      for (let p = 1000; p <= n; p *= 10) digits++;
      let q = n;
      for (let d = digits - 1; d >= 0; d--) {
        buf[at + d] = 48 + (q % 10);
        q = Math.floor(q / 10);
      }
      at += digits;
    }
    buf[at++] = 13;
    buf[at++] = 10;
    return at;
  }
}
