import type { Reply } from './reply.js';

/** A reply error captured as a value (ValueReply turns "ERR ..." replies into these). */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
  /** The Redis error prefix: "ERR", "WRONGTYPE", "OOM", ... */
  get code(): string {
    const space = this.message.indexOf(' ');
    return space < 0 ? this.message : this.message.slice(0, space);
  }
}

/** Status replies (+OK, +PONG) as values, distinct from bulk strings. */
export class StatusReply {
  constructor(readonly status: string) {}
}

type Frame = { items: unknown[]; remaining: number; kind: 'array' | 'map' | 'set' };

/**
 * A Reply that builds plain JS values instead of bytes: bulk → string (binary string) or null, integer →
 * number, array → array, map → Map... (RESP3 maps become objects only when the caller converts them),
 * error → ReplyError, status → StatusReply. Used by the Nest TCP and HTTP transports and by tests.
 * Call `take()` after the handler ran to get the value and reset for the next command.
 */
export class ValueReply implements Reply {
  private stack: Frame[] = [];
  private value: unknown = undefined;
  private done = false;

  constructor(public protocol: 2 | 3 = 2) {}

  setProtocol(protocol: 2 | 3): void {
    this.protocol = protocol;
  }

  take(): unknown {
    if (!this.done) throw new Error('ValueReply: handler wrote no complete reply');
    const v = this.value;
    this.value = undefined;
    this.done = false;
    this.stack.length = 0;
    return v;
  }

  private put(v: unknown): void {
    let top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.value = v;
      this.done = true;
      return;
    }
    top.items.push(v);
    top.remaining--;
    while (top !== undefined && top.remaining === 0) {
      this.stack.pop();
      const finished = top.kind === 'map' ? pairsToMap(top.items) : top.kind === 'set' ? top.items : top.items;
      top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        this.value = finished;
        this.done = true;
        return;
      }
      top.items.push(finished);
      top.remaining--;
    }
  }

  private open(kind: Frame['kind'], length: number): void {
    if (length === 0) {
      this.put(kind === 'map' ? new Map() : []);
      return;
    }
    this.stack.push({ items: [], remaining: kind === 'map' ? length * 2 : length, kind });
  }

  ok(): void {
    this.put(new StatusReply('OK'));
  }
  simple(text: string): void {
    this.put(new StatusReply(text));
  }
  errors = 0;
  error(message: string): void {
    this.errors++;
    this.put(new ReplyError(message));
  }
  /** Integers beyond 2^53 stay bigints (exact); the rest are numbers. */
  integer(n: number | bigint): void {
    this.put(typeof n === 'bigint' && n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? Number(n) : n);
  }
  bulk(value: string | null): void {
    this.put(value);
  }
  nil(): void {
    this.put(null);
  }
  nilArray(): void {
    this.put(null);
  }
  array(length: number): void {
    this.open('array', length);
  }
  map(pairs: number): void {
    this.open('map', pairs);
  }
  set(length: number): void {
    this.open('set', length);
  }
  /** Push frames become arrays. */
  push(length: number): void {
    this.open('array', length);
  }
  double(value: number): void {
    this.put(value);
  }
  bool(value: boolean): void {
    this.put(value);
  }
  verbatim(text: string): void {
    this.put(text);
  }
}

function pairsToMap(items: unknown[]): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]);
  return m;
}
