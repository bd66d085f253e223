import { constants } from 'node:buffer';
import { latin1String } from './latin1.js';

/** Incremental RESP request parser: multibulk and inline commands out of socket chunks, as Redis 7 reads them. */

/** Protocol errors, word for word as Redis 7 replies them before closing the connection. */
export const INVALID_MULTIBULK_LENGTH = 'ERR Protocol error: invalid multibulk length';
export const INVALID_BULK_LENGTH = 'ERR Protocol error: invalid bulk length';
export const UNBALANCED_QUOTES = 'ERR Protocol error: unbalanced quotes in request';
export const TOO_BIG_INLINE = 'ERR Protocol error: too big inline request';
export const TOO_BIG_MBULK_COUNT = 'ERR Protocol error: too big mbulk count string';
export const TOO_BIG_BULK_COUNT = 'ERR Protocol error: too big bulk count string';
export const UNAUTHENTICATED_MULTIBULK_LENGTH = 'ERR Protocol error: unauthenticated multibulk length';
export const UNAUTHENTICATED_BULK_LENGTH = 'ERR Protocol error: unauthenticated bulk length';
/** Redis closes such a client without a word; we say why first. */
export const QUERY_BUFFER_LIMIT = 'ERR Protocol error: client query buffer limit reached (client-query-buffer-limit)';
/** "ERR Protocol error: expected '$', got 'x'" (CR and LF shown as spaces, as addReplyErrorFormat does). */
export function expectedDollar(byte: number): string {
  const shown = byte === 13 || byte === 10 ? ' ' : String.fromCharCode(byte);
  return `ERR Protocol error: expected '$', got '${shown}'`;
}

export interface RespParserOptions {
  /** proto-max-bulk-len: longest bulk argument accepted (default 512 MB, capped by V8's longest string). */
  protoMaxBulkLen?: number;
  /** Most arguments in one multibulk (default INT_MAX, as Redis 7). */
  maxMultibulkLength?: number;
  /** PROTO_INLINE_MAX_SIZE: longest inline line or header without its CR (default 64 KB). */
  maxInlineSize?: number;
  /** client-query-buffer-limit: most unparsed bytes held for one client (default 1 GB). */
  clientQueryBufferLimit?: number;
}

/** Receives each parsed command (args[0] is the name); returning false stops parsing until the next feed. */
export type CommandSink = (args: string[]) => boolean | void;

/** Bulks at least this long that span chunks are collected piecewise and joined once (PROTO_MBULK_BIG_ARG). */
const BIG_ARG = 32 * 1024;
/** An unauthenticated client may send at most this many arguments, each at most this long (Redis 7). */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;
/** readHeader results that are not lengths. */
const INCOMPLETE = Number.POSITIVE_INFINITY;
const INVALID = Number.NEGATIVE_INFINITY;
/** Largest int64, as string2ll accepts. */
const LLONG_MAX = 9223372036854775807;

/** An empty chunk: feed it to resume parsing after the sink returned false. */
export const NO_BYTES = Buffer.alloc(0);

/**
 * Parses RESP requests out of a stream of Buffers with a cursor over each chunk. Bytes of a command that
 * spans chunks are kept: a header or a short bulk as one pending Buffer (joined with the next chunk), a big
 * bulk as a list of chunks joined once when its last byte arrives, so a 100 MB value costs one copy, not one
 * per chunk. A multibulk in progress keeps its parsed arguments, so nothing is parsed twice.
 *
 * Each argument is a latin1 binary string. Like Redis, the CRLF after a bulk is skipped, not checked.
 */
export class RespParser {
  /** Set by the owner before feeding: apply Redis's limits for clients that must still AUTH. */
  unauthenticated = false;

  private readonly maxBulk: number;
  private readonly maxMultibulk: number;
  private readonly maxInline: number;
  private readonly queryLimit: number;

  /** Unconsumed bytes of the current frame (from a header's first byte or a bulk's first byte), or null. */
  private pending: Buffer | null = null;
  /** Pieces of a big bulk being collected, and how many bytes they hold. */
  private pieces: Buffer[] | null = null;
  private collected = 0;
  /** The multibulk in progress: its arguments so far, how many are still to come, and the current bulk's length (-1 before its header). */
  private args: string[] = [];
  private argsLeft = 0;
  private bulkLen = -1;
  /** Where readHeader's line ended (index after CRLF). */
  private next = 0;

  constructor(
    private readonly sink: CommandSink,
    options: RespParserOptions = {},
  ) {
    this.maxBulk = Math.min(options.protoMaxBulkLen ?? 512 * 1024 * 1024, constants.MAX_STRING_LENGTH);
    this.maxMultibulk = options.maxMultibulkLength ?? 2147483647;
    this.maxInline = options.maxInlineSize ?? 64 * 1024;
    this.queryLimit = options.clientQueryBufferLimit ?? 1024 * 1024 * 1024;
  }

  /** Bytes received but not yet turned into a command (CLIENT LIST qbuf=). */
  buffered(): number {
    return (this.pending === null ? 0 : this.pending.length) + this.collected;
  }

  /**
   * Parses a chunk, calling the sink for each complete command. Returns null, or the protocol error to reply
   * before closing the connection (the parser is then unusable). After the sink returned false, feed an empty
   * Buffer to go on with the bytes left.
   */
  feed(chunk: Buffer): string | null {
    if (this.buffered() + chunk.length > this.queryLimit) return QUERY_BUFFER_LIMIT;
    if (this.pieces !== null) return this.feedBigBulk(chunk);
    let buf = chunk;
    if (this.pending !== null) {
      buf = chunk.length === 0 ? this.pending : Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    return this.parse(buf, 0);
  }

  /** Copies whatever the parser still holds that lies in `shared` (a read buffer about to be reused). */
  retain(shared: ArrayBufferLike): void {
    if (this.pending !== null && this.pending.buffer === shared) this.pending = Buffer.from(this.pending);
    const pieces = this.pieces;
    if (pieces !== null) {
      for (let i = 0; i < pieces.length; i++) if (pieces[i].buffer === shared) pieces[i] = Buffer.from(pieces[i]);
    }
  }

  /** Forget any partial command (after an error or when the connection is reused). */
  reset(): void {
    this.pending = null;
    this.pieces = null;
    this.collected = 0;
    this.args = [];
    this.argsLeft = 0;
    this.bulkLen = -1;
  }

  private feedBigBulk(chunk: Buffer): string | null {
    if (chunk.length === 0) return null;
    const pieces = this.pieces as Buffer[];
    const need = this.bulkLen + 2 - this.collected;
    if (chunk.length < need) {
      pieces.push(chunk);
      this.collected += chunk.length;
      return null;
    }
    pieces.push(need === chunk.length ? chunk : chunk.subarray(0, need));
    const whole = Buffer.concat(pieces, this.bulkLen + 2);
    this.pieces = null;
    this.collected = 0;
    this.args.push(whole.latin1Slice(0, this.bulkLen));
    this.bulkLen = -1;
    if (--this.argsLeft === 0 && !this.dispatch()) {
      if (need < chunk.length) this.pending = chunk.subarray(need);
      return null;
    }
    return need < chunk.length ? this.parse(chunk, need) : null;
  }

  /** Hands the finished multibulk to the sink; false when the sink asked to stop. */
  private dispatch(): boolean {
    const args = this.args;
    this.args = [];
    return this.sink(args) !== false;
  }

  private parse(buf: Buffer, pos: number): string | null {
    const end = buf.length;
    while (pos < end) {
      if (this.argsLeft === 0) {
        if (buf[pos] !== 42 /* '*' */) {
          const result = this.parseInline(buf, pos);
          if (typeof result === 'string') return result;
          if (result < 0) return null;
          pos = result;
          continue;
        }
        const count = this.readHeader(buf, pos, end);
        if (count === INCOMPLETE) return this.keepHeader(buf, pos, TOO_BIG_MBULK_COUNT);
        if (count === INVALID || count > this.maxMultibulk) return INVALID_MULTIBULK_LENGTH;
        if (count > UNAUTH_MAX_ARGS && this.unauthenticated) return UNAUTHENTICATED_MULTIBULK_LENGTH;
        pos = this.next;
        if (count <= 0) continue; // "*0" and "*-1" are empty requests
        this.argsLeft = count;
      }

      while (this.argsLeft > 0) {
        if (this.bulkLen < 0) {
          if (pos >= end) return null;
          const len = this.readHeader(buf, pos, end);
          if (len === INCOMPLETE) return this.keepHeader(buf, pos, TOO_BIG_BULK_COUNT);
          if (buf[pos] !== 36 /* '$' */) return expectedDollar(buf[pos]);
          if (len === INVALID || len < 0 || len > this.maxBulk) return INVALID_BULK_LENGTH;
          if (len > UNAUTH_MAX_BULK && this.unauthenticated) return UNAUTHENTICATED_BULK_LENGTH;
          pos = this.next;
          this.bulkLen = len;
        }
        const stop = pos + this.bulkLen;
        if (stop + 2 > end) {
          const rest = pos === 0 ? buf : buf.subarray(pos);
          if (this.bulkLen >= BIG_ARG) {
            this.pieces = [rest];
            this.collected = rest.length;
          } else {
            this.pending = rest;
          }
          return null;
        }
        this.args.push(latin1String(buf, pos, this.bulkLen));
        pos = stop + 2;
        this.bulkLen = -1;
        this.argsLeft--;
      }

      if (!this.dispatch()) {
        if (pos < end) this.pending = buf.subarray(pos);
        return null;
      }
    }
    return null;
  }

  /** Keeps an incomplete header line for the next chunk, unless it is already longer than a header may be. */
  private keepHeader(buf: Buffer, pos: number, tooBig: string): string | null {
    if (buf.length - pos > this.maxInline && buf.indexOf(13, pos) < 0) return tooBig;
    this.pending = pos === 0 ? buf : buf.subarray(pos);
    return null;
  }

  /**
   * Reads the integer of a "*n\r\n" or "$n\r\n" line starting at pos (its first byte is not checked here) as
   * Redis's string2ll does: optional '-', no leading zeros, no '+', at most 20 characters, within int64.
   * Returns INCOMPLETE when the line has no CR yet or nothing after its CR, INVALID when it is not such an
   * integer; otherwise sets `next` to the index after the CRLF.
   */
  private readHeader(buf: Buffer, pos: number, end: number): number {
    if (buf[pos] === 13) {
      // An empty line where a bulk header should be: Redis finds the CR at once and rejects the type byte.
      if (pos + 1 >= end) return INCOMPLETE;
      this.next = pos + 2;
      return INVALID;
    }
    let p = pos + 1;
    let negative = false;
    if (p < end && buf[p] === 45 /* '-' */) {
      negative = true;
      p++;
    }
    const first = p;
    let n = 0;
    let c = -1;
    while (p < end) {
      c = buf[p];
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      p++;
    }
    if (p >= end) return INCOMPLETE;
    if (c !== 13) {
      // Not a digit: Redis first looks for the CR, then fails to read the number.
      const cr = buf.indexOf(13, p);
      if (cr < 0 || cr + 1 >= end) return INCOMPLETE;
      this.next = cr + 2;
      return INVALID;
    }
    if (p + 1 >= end) return INCOMPLETE;
    this.next = p + 2;
    const digits = p - first;
    if (digits === 0 || p - pos - 1 > 20 || n > LLONG_MAX) return INVALID;
    if (buf[first] === 48 /* '0' */ && (digits > 1 || negative)) return INVALID;
    return negative ? -n : n;
  }

  /**
   * Parses one inline (telnet-style) line at pos. Returns the index after it, -1 when the line is not
   * complete yet (kept as pending), or a protocol error.
   */
  private parseInline(buf: Buffer, pos: number): number | string {
    const newline = buf.indexOf(10, pos);
    if (newline < 0) {
      if (buf.length - pos > this.maxInline) return TOO_BIG_INLINE;
      this.pending = pos === 0 ? buf : buf.subarray(pos);
      return -1;
    }
    const lineEnd = newline > pos && buf[newline - 1] === 13 ? newline - 1 : newline;
    const args = splitArgs(buf, pos, lineEnd);
    if (args === null) return UNBALANCED_QUOTES;
    if (args.length > 0) {
      this.args = args;
      if (!this.dispatch()) {
        if (newline + 1 < buf.length) this.pending = buf.subarray(newline + 1);
        return -1;
      }
    }
    return newline + 1;
  }
}

/** C isspace(): space, \t \n \v \f \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/**
 * Splits an inline line into arguments exactly as Redis's sdssplitargs: blanks separate arguments; "..."
 * takes \n \r \t \b \a \xHH and \<any> escapes; '...' takes only \'; a closing quote must be followed by a
 * blank or the end; a quote may open mid-argument (a"b c" is one argument); a NUL byte ends the line, as the
 * C string it is there. Returns null on unbalanced quotes.
 */
export function splitArgs(buf: Buffer, start: number, end: number): string[] | null {
  const args: string[] = [];
  let p = start;
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end || buf[p] === 0) return args;

    // Fast path: a plain word with no quotes.
    const wordStart = p;
    let c = 0;
    while (p < end) {
      c = buf[p];
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0 || c === 34 || c === 39) break;
      p++;
    }
    if (p >= end || (c !== 34 && c !== 39)) {
      args.push(buf.latin1Slice(wordStart, p));
      if (p < end && c === 0) return args;
      continue;
    }

    // A quote opens inside this argument: build it byte by byte.
    const bytes: number[] = [];
    for (let i = wordStart; i < p; i++) bytes.push(buf[i]);
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const ch = p < end ? buf[p] : 0;
      if (inDouble) {
        const next = p + 1 < end ? buf[p + 1] : 0;
        if (ch === 92 && next === 120 && p + 3 < end && isHex(buf[p + 2]) && isHex(buf[p + 3])) {
          bytes.push(hexValue(buf[p + 2]) * 16 + hexValue(buf[p + 3]));
          p += 3;
        } else if (ch === 92 && next !== 0) {
          p++;
          bytes.push(next === 110 ? 10 : next === 114 ? 13 : next === 116 ? 9 : next === 98 ? 8 : next === 97 ? 7 : next);
        } else if (ch === 34) {
          if (next !== 0 && !isSpace(next)) return null;
          p++;
          break;
        } else if (ch === 0) {
          return null;
        } else {
          bytes.push(ch);
        }
      } else if (inSingle) {
        const next = p + 1 < end ? buf[p + 1] : 0;
        if (ch === 92 && next === 39) {
          p++;
          bytes.push(39);
        } else if (ch === 39) {
          if (next !== 0 && !isSpace(next)) return null;
          p++;
          break;
        } else if (ch === 0) {
          return null;
        } else {
          bytes.push(ch);
        }
      } else if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 0) {
        break;
      } else if (ch === 34) {
        inDouble = true;
      } else if (ch === 39) {
        inSingle = true;
      } else {
        bytes.push(ch);
      }
      p++;
    }
    args.push(Buffer.from(bytes).latin1Slice());
    if (p < end && buf[p] === 0) return args;
  }
}
