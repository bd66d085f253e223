/**
 * Loading the append-only file: a streaming RESP scanner shared with check-aof, and `loadAof`, which replays
 * the file's commands through the node's command table at startup.
 */
import { constants as bufferConstants } from 'node:buffer';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { latin1String } from '../../protocol/src/latin1.js';

/** A malformed append-only file, or a command it holds that could not be applied; `offset` is in bytes. */
export class AofFormatError extends Error {
  constructor(
    /** Where the problem is: the offending byte for a format error, the command's start when applying failed. */
    readonly offset: number,
    /** What is wrong, without the advice of `message`. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AofFormatError';
  }
}

function badFormat(path: string, offset: number, reason: string, what = 'Bad file format'): AofFormatError {
  const message = `${what} reading the append only file at offset ${offset}: ${reason}; make a backup of your AOF file, then use ringcache check-aof --fix ${path}`;
  return new AofFormatError(offset, reason, message);
}

/** Receives each command to apply and the offset where it starts; the array is the callee's to keep. */
export type AofCommandSink = (args: string[], offset: number) => void;

/** Parse states: what the next byte is expected to be. */
const ARGC_PREFIX = 0;
const ARGC_DIGITS = 1;
const ARGC_LF = 2;
const BULK_PREFIX = 3;
const BULK_DIGITS = 4;
const BULK_LF = 5;
const BULK_DATA = 6;
const BULK_CR = 7;
const BULK_END_LF = 8;
const CUT = 9;

const CR = 13;
const LF = 10;
/** Length digits accepted in a header line (16 keep the number exact in a double). */
const MAX_DIGITS = 15;

function byteText(byte: number): string {
  return byte >= 32 && byte < 127 ? `'${String.fromCharCode(byte)}'` : `0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * An incremental parser of the file's command stream: RESP arrays of bulk strings (`*N\r\n` then N ×
 * `$len\r\n<bytes>\r\n`) fed in chunks of any size, with every position tracked as an absolute file offset.
 * A parse state machine rather than "retry the whole command when more bytes come": a 100 MB bulk split over
 * 25 chunks is copied once, into a buffer of its own size, and no header is parsed twice.
 *
 * Transactions are resolved here: the commands between MULTI and EXEC are held and handed to the sink at EXEC
 * (without MULTI and EXEC), so a file cut inside a transaction applies none of it. `okUpTo` is the end of the
 * last command that is safe to keep: a command outside a transaction, or an EXEC. Without a sink (check-aof)
 * no argument is materialised except command names, which MULTI/EXEC tracking needs.
 *
 * Format errors throw AofFormatError at the offending byte. A file that ends inside a command (a crash
 * mid-write) is not an error here: `incomplete` is set and the caller decides (truncate, or refuse). A bulk
 * whose length runs past the end of the file is such a cut too, detected at once (as Redis's short read),
 * so a corrupt length never allocates more than the file holds.
 */
export class AofScanner {
  /** Absolute offset of the next byte to parse. */
  offset = 0;
  /** End of the last complete command outside a transaction (or EXEC): where a cut file is truncated. */
  okUpTo = 0;
  /** Lines read, counted as redis-check-aof does (1 + each CRLF consumed): its `ok_up_to_line`. */
  lines = 1;
  /** Commands handed to the sink. */
  commands = 0;
  /** Start of the open MULTI, or -1. */
  multiAt = -1;
  /** Where the cut element starts and why it is incomplete, once `finish()` found the file cut. */
  cutOffset = -1;
  cutReason = '';

  private phase = ARGC_PREFIX;
  private commandStart = 0;
  private number = 0;
  private digits = 0;
  private argc = 0;
  private argi = 0;
  private bulkLen = 0;
  private bulkStart = 0;
  /** A bulk spanning chunks, filled up to `partFill`; `undefined` when the bulk is skipped (no sink). */
  private part: Buffer | undefined;
  private partFill = 0;
  private args: string[] = [];
  private name = '';
  private queue: string[][] = [];
  private queueOffsets: number[] = [];
  private budget = 0;
  /** Where the line read by numberLine ends. */
  private lineEnd = 0;

  constructor(
    private readonly path: string,
    /** The file's size: a bulk running past it is a cut tail. */
    private readonly size: number,
    private readonly sink?: AofCommandSink,
  ) {}

  /** Whether the file ended inside a command or an open transaction (after `finish()`). */
  get incomplete(): boolean {
    return this.cutOffset >= 0;
  }

  /** Whether parsing stopped at a cut tail (the rest of the file need not be read). */
  get stopped(): boolean {
    return this.phase === CUT;
  }

  /**
   * Parses chunk[pos, end) and returns the position reached: `end`, or earlier once `maxCommands` commands
   * completed (so the caller can yield to the event loop) or when the file is known cut.
   */
  feed(chunk: Buffer, pos: number, end: number, maxCommands = Infinity): number {
    this.budget = maxCommands;
    const base = this.offset - pos;
    while (pos < end) {
      const phase = this.phase;
      if (phase === BULK_DATA) {
        const len = this.bulkLen;
        if (this.partFill === 0 && end - pos >= len + 2 && chunk[pos + len] === CR && chunk[pos + len + 1] === LF) {
          // Fast path: the bulk and its CRLF are all in this chunk.
          if (this.wanted()) this.takeArg(latin1String(chunk, pos, len));
          pos += len + 2;
          this.lines++;
          this.offset = base + pos;
          if (this.bulkDone() && --this.budget <= 0) return pos;
        } else {
          pos = this.bulkData(chunk, pos, end, base);
        }
        continue;
      }
      if (phase === CUT) return end;
      const byte = chunk[pos]!;
      this.offset = base + pos;
      switch (phase) {
        case ARGC_PREFIX:
          if (byte !== 42 /* * */) throw this.error(`expected '*', got ${byteText(byte)}`);
          this.commandStart = this.offset;
          if (this.numberLine(chunk, pos + 1, end)) {
            pos = this.lineEnd;
            this.offset = base + pos - 1;
            this.argCount();
            continue;
          }
          this.startNumber(ARGC_DIGITS);
          break;
        case BULK_PREFIX:
          if (byte !== 36 /* $ */) throw this.error(`expected '$', got ${byteText(byte)}`);
          if (this.numberLine(chunk, pos + 1, end)) {
            pos = this.lineEnd;
            this.offset = base + pos - 1;
            this.bulkHeader(base + pos);
            continue;
          }
          this.startNumber(BULK_DIGITS);
          break;
        case ARGC_DIGITS:
        case BULK_DIGITS:
          this.digit(byte);
          break;
        case ARGC_LF:
          this.lf(byte, 'after the argument count');
          this.lines++;
          this.argCount();
          break;
        case BULK_LF:
          this.lf(byte, 'after a bulk length');
          this.lines++;
          this.bulkHeader(base + pos + 1);
          break;
        case BULK_CR:
          if (byte !== CR) throw this.error(`expected \\r\\n after a bulk of ${this.bulkLen} bytes, got ${byteText(byte)}`);
          this.phase = BULK_END_LF;
          break;
        case BULK_END_LF:
          this.lf(byte, `after a bulk of ${this.bulkLen} bytes`);
          this.lines++;
          pos++;
          this.offset = base + pos;
          if (this.bulkDone() && --this.budget <= 0) return pos;
          continue;
      }
      pos++;
    }
    this.offset = base + pos;
    return pos;
  }

  /** Call at the end of the file: records a cut tail (a command or transaction left open). */
  finish(): void {
    if (this.phase === CUT) return;
    if (this.phase !== ARGC_PREFIX) {
      this.cut(this.offset, 'unexpected end of file inside a command');
    } else if (this.multiAt >= 0) {
      this.cut(this.offset, 'reached EOF before reading EXEC for MULTI');
    }
  }

  private cut(offset: number, reason: string): void {
    this.phase = CUT;
    this.cutOffset = offset;
    this.cutReason = reason;
  }

  private error(reason: string): AofFormatError {
    return badFormat(this.path, this.offset, reason);
  }

  /**
   * Fast path of a header line wholly in this chunk: reads `<digits>\r\n` from chunk[pos], setting `number`,
   * `lineEnd` (the position after the LF) and counting the line. Anything else (the line continues in the next
   * chunk, or is malformed) returns false, for the byte-at-a-time states to resume after the prefix.
   */
  private numberLine(chunk: Buffer, pos: number, end: number): boolean {
    let n = 0;
    for (let i = pos; i < end && i - pos <= MAX_DIGITS; i++) {
      const c = chunk[i]!;
      if (c >= 48 && c <= 57) {
        n = n * 10 + (c - 48);
      } else if (c === CR && i > pos && i + 1 < end && chunk[i + 1] === LF) {
        this.number = n;
        this.lineEnd = i + 2;
        this.lines++;
        return true;
      } else {
        return false;
      }
    }
    return false;
  }

  private startNumber(next: number): void {
    this.number = 0;
    this.digits = 0;
    this.phase = next;
  }

  private digit(byte: number): void {
    const what = this.phase === ARGC_DIGITS ? 'argument count' : 'bulk length';
    if (byte >= 48 && byte <= 57) {
      if (++this.digits > MAX_DIGITS) throw this.error(`${what} too long`);
      this.number = this.number * 10 + (byte - 48);
    } else if (byte === CR && this.digits > 0) {
      this.phase = this.phase === ARGC_DIGITS ? ARGC_LF : BULK_LF;
    } else {
      throw this.error(`invalid ${what}: unexpected ${byteText(byte)}`);
    }
  }

  private lf(byte: number, where: string): void {
    if (byte !== LF) throw this.error(`expected \\r\\n ${where}, got \\r then ${byteText(byte)}`);
  }

  private argCount(): void {
    if (this.number < 1) throw this.error('invalid argument count 0');
    this.argc = this.number;
    this.argi = 0;
    if (this.sink !== undefined) this.args = [];
    this.phase = BULK_PREFIX;
  }

  /** After `$len\r\n`: the data starts at `dataStart`. */
  private bulkHeader(dataStart: number): void {
    const len = this.number;
    if (len > bufferConstants.MAX_STRING_LENGTH) throw this.error(`bulk length ${len} exceeds the largest string`);
    this.bulkLen = len;
    this.bulkStart = dataStart;
    if (dataStart + len + 2 > this.size) {
      // Redis's "short read": the bulk runs past the end of the file.
      this.cut(dataStart, `expected to read ${len + 2} bytes, got ${this.size - dataStart} bytes`);
      return;
    }
    this.part = undefined;
    this.partFill = 0;
    this.phase = BULK_DATA;
  }

  private wanted(): boolean {
    return this.sink !== undefined || this.argi === 0;
  }

  /** Copies or skips bulk data from chunk[pos, end); returns the position after what it took. */
  private bulkData(chunk: Buffer, pos: number, end: number, base: number): number {
    const len = this.bulkLen;
    const missing = len - this.partFill;
    if (this.partFill === 0 && end - pos >= len) {
      if (this.wanted()) this.takeArg(latin1String(chunk, pos, len));
      pos += len;
      this.phase = BULK_CR;
    } else {
      const take = Math.min(missing, end - pos);
      if (this.wanted()) {
        this.part ??= Buffer.allocUnsafe(len);
        chunk.copy(this.part, this.partFill, pos, pos + take);
      }
      this.partFill += take;
      pos += take;
      if (this.partFill === len) {
        if (this.part !== undefined) this.takeArg(this.part.latin1Slice(0, len));
        this.part = undefined;
        this.phase = BULK_CR;
      }
    }
    this.offset = base + pos;
    return pos;
  }

  private takeArg(arg: string): void {
    if (this.argi === 0) this.name = arg;
    if (this.sink !== undefined) this.args.push(arg);
  }

  /** After a bulk's CRLF; returns whether that completed the command. */
  private bulkDone(): boolean {
    if (++this.argi < this.argc) {
      this.phase = BULK_PREFIX;
      return false;
    }
    this.phase = ARGC_PREFIX;
    this.command();
    return true;
  }

  private command(): void {
    const name = this.name;
    const start = this.commandStart;
    if (name.length === 5 && name.toUpperCase() === 'MULTI') {
      if (this.multiAt >= 0) throw badFormat(this.path, start, 'MULTI inside MULTI');
      this.multiAt = start;
    } else if (name.length === 4 && name.toUpperCase() === 'EXEC') {
      if (this.multiAt < 0) throw badFormat(this.path, start, 'EXEC without MULTI');
      this.multiAt = -1;
      const queue = this.queue;
      for (let i = 0; i < queue.length; i++) this.apply(queue[i]!, this.queueOffsets[i]!);
      queue.length = 0;
      this.queueOffsets.length = 0;
      this.okUpTo = this.offset;
    } else if (this.multiAt >= 0) {
      if (this.sink !== undefined) {
        this.queue.push(this.args);
        this.queueOffsets.push(start);
      }
    } else {
      this.apply(this.args, start);
      this.okUpTo = this.offset;
    }
  }

  private apply(args: string[], offset: number): void {
    if (this.sink === undefined) return;
    this.commands++;
    this.sink(args, offset);
  }
}

export interface AofScanOptions {
  /** Bytes read at a time (default 4 MB). */
  chunkBytes?: number;
  /** Longest stretch of parsing and applying between two event-loop turns (default 50 ms). */
  yieldEveryMs?: number;
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
}

/** Commands parsed between two looks at the clock. */
const COMMANDS_PER_SLICE = 512;

/**
 * Feeds the whole of `handle` (of `size` bytes) through `scanner` in chunks, never holding the file in memory,
 * yielding to the event loop (setImmediate) every `yieldEveryMs` so a loading server still answers LOADING.
 */
export async function scanAof(handle: FileHandle, size: number, scanner: AofScanner, options: AofScanOptions = {}): Promise<void> {
  const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(options.chunkBytes ?? 4 * 1024 * 1024, size || 1)));
  const yieldEveryMs = options.yieldEveryMs ?? 50;
  let read = 0;
  let sliceStart = Date.now();
  while (read < size && !scanner.stopped) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - read), read);
    if (bytesRead === 0) break; // shrank while we read: what is there is all there is
    read += bytesRead;
    let pos = 0;
    while (pos < bytesRead && !scanner.stopped) {
      pos = scanner.feed(chunk, pos, bytesRead, COMMANDS_PER_SLICE);
      if (Date.now() - sliceStart >= yieldEveryMs) {
        options.onProgress?.(scanner.offset, size);
        await nextTurn();
        sliceStart = Date.now();
      }
    }
  }
  scanner.finish();
  options.onProgress?.(scanner.offset, size);
}

export interface LoadAofOptions extends AofScanOptions {
  /** Truncate a file cut mid-command to its last complete command (default true, Redis's aof-load-truncated). */
  truncateTail?: boolean;
  /** Warnings, one line each. */
  log?: (message: string) => void;
}

export interface LoadAofResult {
  /** Commands applied (transactions' inner commands; not MULTI and EXEC). */
  commands: number;
  /** Bytes of the file loaded: its size, or where it was truncated. */
  bytes: number;
  /** The file's size before a cut tail was truncated away. */
  truncatedFrom?: number;
}

/**
 * Replays the append-only file at `path` through `apply`, one command (a fresh array of latin1 strings,
 * SELECT included) at a time, in file order; a transaction's commands are applied together at its EXEC.
 * A missing or empty file loads nothing (the caller creates it). A tail cut by a crash mid-write (or a MULTI
 * never EXECed) is dropped with Redis's warnings and, with `truncateTail` (default), truncated from the file,
 * so appends continue after the last complete command; without it the load fails. Any other malformation, or
 * `apply` throwing, rejects with an AofFormatError giving the offset.
 */
export async function loadAof(path: string, apply: (args: string[]) => void, options: LoadAofOptions = {}): Promise<LoadAofResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { commands: 0, bytes: 0 };
    throw err;
  }
  let scanner: AofScanner;
  let size: number;
  try {
    size = (await handle.stat()).size;
    scanner = new AofScanner(path, size, (args, offset) => {
      try {
        apply(args);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const message = `Error applying the command at offset ${offset} of the append only file ${path}: ${reason}`;
        throw new AofFormatError(offset, reason, message, { cause: err });
      }
    });
    await scanAof(handle, size, scanner, options);
  } finally {
    await handle.close();
  }
  if (!scanner.incomplete) return { commands: scanner.commands, bytes: size };

  const log = options.log ?? (() => {});
  if (scanner.multiAt >= 0) log(`Revert incomplete MULTI/EXEC transaction in AOF file ${path}`);
  log(`!!! Warning: short read while loading the AOF file ${path}!!!`);
  if (options.truncateTail === false) {
    throw badFormat(path, scanner.cutOffset, scanner.cutReason, 'Unexpected end of file');
  }
  log(`!!! Truncating the AOF at offset ${scanner.okUpTo} !!!`);
  await truncate(path, scanner.okUpTo);
  log(`AOF ${path} loaded anyway because truncateTail is enabled`);
  return { commands: scanner.commands, bytes: scanner.okUpTo, truncatedFrom: size };
}
