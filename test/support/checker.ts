/**
 * The fault suite's write checker: a child process (test/faults/checker-process.ts) writes `chk:{n}` keys with
 * increasing values into a cluster while a test breaks it, records every acknowledged write, and at `stop` reads
 * every key back and reports what was lost, what stale values were served and how long writes were unavailable.
 * It runs in its own process so that a test blocked on a fault (or jest's own event loop) never delays, and so
 * never flatters, the checker's timings.
 *
 *   const checker = await startChecker({ seeds: cluster.seeds, wait: { replicas: 1, timeoutMs: 500 } });
 *   cluster.nodes[0].kill('SIGKILL');
 *   const report = await checker.stop({ settleMs: 2000 });  // report.lost.wait === 0
 *
 * This file holds the pure bookkeeping (CheckerLedger, classifyError, recoveryMs: unit-tested in
 * test/checker.spec.ts) and the test-side handle; the write loop lives in the child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './processes.js';

/** `plain`: SET acknowledged by OK. `wait`: SET then WAIT k on the same connection, durable when WAIT returns >= k. */
export type WriteClass = 'plain' | 'wait';

export const WRITE_CLASSES: readonly WriteClass[] = ['plain', 'wait'];

export interface CheckerConfig {
  /** `"host:port"` RESP addresses to start the ioredis Cluster from. */
  readonly seeds: readonly string[];
  /** Keys `chk:{0}` .. `chk:{keyCount-1}` (default 2000). */
  readonly keyCount?: number;
  /** Concurrent lanes; lane i owns the keys n ≡ i (mod concurrency), so one key's operations never overlap (default 16). */
  readonly concurrency?: number;
  /** Operations (writes + reads) per second over all lanes; 0 = as fast as replies come (default 500). */
  readonly rate?: number;
  /** Fraction of operations that are reads, checked for staleness (default 0.2). */
  readonly readRatio?: number;
  /** When set, odd keys are written in the `wait` class with WAIT replicas timeoutMs; else every key is `plain`. */
  readonly wait?: { readonly replicas: number; readonly timeoutMs: number };
  /** Per-command timeout of the checker's connections (default 1000 ms). */
  readonly commandTimeoutMs?: number;
  /** Pad each value to about this many bytes, to make write traffic heavier (default 0: the bare number). */
  readonly valueBytes?: number;
}

/** A span during which writes to one slot failed: from the first failing write's start to the next success (null while still failing). */
export interface Outage {
  slot: number;
  start: number;
  end: number | null;
}

export interface ClassCounts {
  attempted: number;
  /** Writes whose SET replied OK. */
  acked: number;
  /** `wait` class: WAIT returned >= replicas. */
  durable: number;
  /** `wait` class: SET OK but WAIT returned fewer replicas (or failed): acknowledged, not durable. */
  waitShort: number;
}

export interface CheckerProgress {
  writes: Record<WriteClass, ClassCounts>;
  /** Slots whose last write failed. */
  openOutages: number;
  /** Wall-clock ms of the last successful write (0 before the first). */
  lastSuccessAt: number;
  errors: Record<string, number>;
}

export interface CheckerReport extends CheckerProgress {
  startedAt: number;
  stoppedAt: number;
  reads: number;
  /** Reads during the load that returned an older value than one read or acknowledged (durably, for `wait`) before. */
  staleReads: Record<WriteClass, number>;
  readErrors: Record<string, number>;
  /** MOVED/ASK replies the clients followed (not errors). */
  redirections: number;
  /** The first message seen of each error kind, to tell apart what `other` or `ERR` were. */
  errorSamples: Record<string, string>;
  /**
   * Acknowledged writes lost: a key found missing or older than its last acknowledged (`plain`) / durable
   * (`wait`) value, either by the next write to it (every write is `SET ... GET`, which returns what it
   * replaced, so a loss shows even when the key is written again afterwards) or by the final read-back.
   * Counted once per lost value.
   */
  lost: Record<WriteClass, number>;
  /** `wait` keys that kept their durable value but lost a newer write acknowledged without enough replicas. */
  lostNotDurable: number;
  /** Keys the final read-back could not read at all (still failing after retries). */
  unreadable: number;
  /** Keys holding a value never written (or not a checker value): a bug, never a timing effect. */
  phantom: number;
  /** Up to 20 losses as `chk:{n} class expected>=v got=w`. */
  lostSample: string[];
  /** Longest outage of any slot (open ones counted until stop). */
  maxUnavailableMs: number;
  outages: Outage[];
}

/** The checker's n-th key; the hash tag makes its slot keySlot(String(n)). */
export function checkerKey(n: number): string {
  return `chk:{${n}}`;
}

/** The class of key n: odd keys wait when the config asks for WAIT, else all are plain. */
export function classOf(n: number, withWait: boolean): WriteClass {
  return withWait && n % 2 === 1 ? 'wait' : 'plain';
}

/** A value the checker writes: the sequence number, padded to `bytes` so heavier loads are possible. */
export function encodeValue(seq: number, bytes: number): string {
  const text = String(seq);
  return text.length >= bytes ? text : `${text}:${'x'.repeat(bytes - text.length - 1)}`;
}

/** The sequence number in a stored value; NaN when it is not a checker value. */
export function decodeValue(value: string): number {
  const colon = value.indexOf(':');
  const digits = colon < 0 ? value : value.slice(0, colon);
  return /^[1-9]\d*$/.test(digits) ? Number(digits) : Number.NaN;
}

/** What a failed request counts as: `redirect` is followed, never an error; every other kind is one. */
export type ErrorKind = 'redirect' | 'clusterdown' | 'tryagain' | 'timeout' | 'connection' | 'redirections-exhausted' | string;

/** ioredis's messages for a connection that failed, closed or was given up on (maxRetriesPerRequest). */
const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|Stream isn't writeable|None of startup nodes|Failed to refresh slots cache|enableOfflineQueue|max retries per request/;

/**
 * Classifies an error message from ioredis or the server. Order matters: ioredis wraps the last reply in
 * "Too many Cluster redirections. Last error: ...", and the wrapped cause (CLUSTERDOWN, a closed connection) is
 * what the test wants to see.
 */
export function classifyError(message: string): ErrorKind {
  if (/^(MOVED|ASK) \d+ /.test(message)) return 'redirect';
  if (message.includes('CLUSTERDOWN')) return 'clusterdown';
  if (message.includes('TRYAGAIN')) return 'tryagain';
  if (/timed? ?out/i.test(message)) return 'timeout';
  if (CONNECTION_ERROR.test(message)) return 'connection';
  if (message.startsWith('Too many Cluster redirections')) return 'redirections-exhausted';
  const prefix = /^([A-Z][A-Z_]+) /.exec(message);
  return prefix ? prefix[1]! : 'other';
}

function emptyCounts(): ClassCounts {
  return { attempted: 0, acked: 0, durable: 0, waitShort: 0 };
}

/**
 * Per-key record of what was attempted, acknowledged, made durable and read, kept in typed arrays indexed by
 * key number (values are the checker's sequence numbers, 0 = none), plus per-slot outage spans. All times are
 * passed in, so the class is deterministic and testable without a cluster.
 *
 * Since one lane owns a key and runs its operations one at a time, "acknowledged before this read started" is
 * simply the key's state when the read completes.
 */
export class CheckerLedger {
  readonly #withWait: boolean;
  readonly #attempted: Uint32Array;
  readonly #acked: Uint32Array;
  readonly #durable: Uint32Array;
  readonly #readMax: Uint32Array; // highest value any read returned
  readonly #lossCounted: Uint32Array; // the floor whose loss was counted, so one loss counts once
  readonly #notDurableCounted: Uint32Array; // likewise for a lost non-durable acknowledged value
  readonly #lost: Record<WriteClass, number> = { plain: 0, wait: 0 };
  readonly #lostSample: string[] = [];
  readonly #errorSamples: Record<string, string> = {};
  readonly #writes: Record<WriteClass, ClassCounts> = { plain: emptyCounts(), wait: emptyCounts() };
  readonly #stale: Record<WriteClass, number> = { plain: 0, wait: 0 };
  readonly #errors: Record<string, number> = {};
  readonly #readErrors: Record<string, number> = {};
  readonly #openSince = new Map<number, number>(); // slot → start of its open outage
  readonly #closed: Outage[] = [];
  #reads = 0;
  #redirections = 0;
  #lostNotDurable = 0;
  #phantom = 0;
  #lastSuccessAt = 0;

  constructor(keyCount: number, withWait: boolean) {
    this.#withWait = withWait;
    this.#attempted = new Uint32Array(keyCount);
    this.#acked = new Uint32Array(keyCount);
    this.#durable = new Uint32Array(keyCount);
    this.#readMax = new Uint32Array(keyCount);
    this.#lossCounted = new Uint32Array(keyCount);
    this.#notDurableCounted = new Uint32Array(keyCount);
  }

  classOf(n: number): WriteClass {
    return classOf(n, this.#withWait);
  }

  attempt(n: number, value: number): void {
    this.#attempted[n] = value;
    this.#writes[this.classOf(n)].attempted++;
  }

  /** The SET replied OK. */
  acked(n: number, value: number): void {
    this.#acked[n] = value;
    this.#writes[this.classOf(n)].acked++;
  }

  /** WAIT returned >= replicas after the SET of `value`. */
  durable(n: number, value: number): void {
    this.#durable[n] = value;
    this.#writes.wait.durable++;
  }

  /** WAIT returned fewer replicas than asked (or failed) after an OK SET. */
  waitShort(): void {
    this.#writes.wait.waitShort++;
  }

  /** The lowest value key n may show: its last acknowledged write for `plain`, its last durable one for `wait`. */
  floor(n: number): number {
    return this.classOf(n) === 'plain' ? this.#acked[n]! : this.#durable[n]!;
  }

  /** Records a read during the load (null: key missing); returns whether it was stale. */
  read(n: number, value: number | null): boolean {
    this.#reads++;
    const seen = value ?? 0;
    const stale = seen < Math.max(this.floor(n), this.#readMax[n]!);
    if (stale) this.#stale[this.classOf(n)]++;
    if (seen > this.#readMax[n]!) this.#readMax[n] = seen;
    return stale;
  }

  /**
   * What key n held just before a write replaced it (SET ... GET; null: missing), called before that write's
   * acked(): a value older than the key's floor is a lost acknowledged write.
   */
  replaced(n: number, previous: string | null): void {
    this.#observe(n, previous);
  }

  readError(kind: ErrorKind, message: string): void {
    this.#readErrors[kind] = (this.#readErrors[kind] ?? 0) + 1;
    this.#errorSamples[kind] ??= message;
  }

  redirected(): void {
    this.#redirections++;
  }

  /** Counts an error that did not fail the write itself (a WAIT that failed after an OK SET). */
  error(kind: ErrorKind, message: string): void {
    this.#errors[kind] = (this.#errors[kind] ?? 0) + 1;
    this.#errorSamples[kind] ??= message;
  }

  /** A write to `slot` issued at `startedAt` failed with `kind`; opens the slot's outage unless one is open. */
  writeFailed(slot: number, startedAt: number, kind: ErrorKind, message: string): void {
    this.error(kind, message);
    if (!this.#openSince.has(slot)) this.#openSince.set(slot, startedAt);
  }

  /** A write to `slot` succeeded at `at`; closes the slot's outage if one is open. */
  writeSucceeded(slot: number, at: number): void {
    if (at > this.#lastSuccessAt) this.#lastSuccessAt = at;
    const start = this.#openSince.get(slot);
    if (start === undefined) return;
    this.#openSince.delete(slot);
    this.#closed.push({ slot, start, end: at });
  }

  progress(): CheckerProgress {
    return {
      writes: { plain: { ...this.#writes.plain }, wait: { ...this.#writes.wait } },
      openOutages: this.#openSince.size,
      lastSuccessAt: this.#lastSuccessAt,
      errors: { ...this.#errors },
    };
  }

  /** Checks a value key n holds (null: missing) against its record; counts a loss or a phantom once. */
  #observe(n: number, raw: string | null): void {
    const value = raw === null ? 0 : decodeValue(raw);
    if (Number.isNaN(value) || value > this.#attempted[n]!) {
      this.#phantom++;
      return;
    }
    const cls = this.classOf(n);
    const floor = this.floor(n);
    if (value < floor) {
      if (this.#lossCounted[n] === floor) return;
      this.#lossCounted[n] = floor;
      this.#lost[cls]++;
      if (this.#lostSample.length < 20) this.#lostSample.push(`${checkerKey(n)} ${cls} expected>=${floor} got=${raw ?? 'nil'}`);
    } else if (cls === 'wait' && value < this.#acked[n]! && this.#notDurableCounted[n] !== this.#acked[n]) {
      this.#notDurableCounted[n] = this.#acked[n]!;
      this.#lostNotDurable++;
    }
  }

  /**
   * Checks the final read-back against the record and reports: `values[n]` is key n's value (null: missing,
   * undefined: could not be read). `startedAt`/`stoppedAt` bound the run; open outages are measured until
   * `stoppedAt`.
   */
  report(values: ReadonlyArray<string | null | undefined>, startedAt: number, stoppedAt: number): CheckerReport {
    let unreadable = 0;
    for (let n = 0; n < this.#attempted.length; n++) {
      const raw = values[n];
      if (raw === undefined) unreadable++;
      else this.#observe(n, raw);
    }
    const outages: Outage[] = [...this.#closed];
    for (const [slot, start] of this.#openSince) outages.push({ slot, start, end: null });
    let maxUnavailableMs = 0;
    for (const outage of outages) maxUnavailableMs = Math.max(maxUnavailableMs, (outage.end ?? stoppedAt) - outage.start);
    return {
      ...this.progress(),
      startedAt, stoppedAt, reads: this.#reads, staleReads: { ...this.#stale }, readErrors: { ...this.#readErrors },
      redirections: this.#redirections, errorSamples: { ...this.#errorSamples }, lost: { ...this.#lost },
      lostNotDurable: this.#lostNotDurable, unreadable, phantom: this.#phantom, lostSample: [...this.#lostSample],
      maxUnavailableMs, outages,
    };
  }
}

/**
 * How long after `since` writes to every slot in `slots` were accepted again: the latest end of an outage of
 * one of those slots that was still open at `since` or began after it, minus `since` (0 when none failed,
 * Infinity when one never recovered).
 */
export function recoveryMs(outages: readonly Outage[], since: number, slots: ReadonlySet<number>): number {
  let worst = 0;
  for (const { slot, end } of outages) {
    if (!slots.has(slot) || (end !== null && end < since)) continue;
    worst = Math.max(worst, end === null ? Number.POSITIVE_INFINITY : end - since);
  }
  return worst;
}

/** A report without its outage list (which can hold thousands of spans), for one JSON line of test output. */
export function summarize(report: CheckerReport): Omit<CheckerReport, 'outages'> & { outageCount: number } {
  const { outages, ...rest } = report;
  return { ...rest, outageCount: outages.length };
}

// ---------------------------------------------------------------------------------------------------------------
// The test side: fork the child, talk to it over IPC.
// ---------------------------------------------------------------------------------------------------------------

/** Messages from test to checker. */
export type ToChecker = { type: 'start'; config: CheckerConfig } | { type: 'progress'; id: number } | { type: 'stop'; id: number; settleMs: number };

/** Messages from checker to test. */
export type FromChecker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'progress'; id: number; progress: CheckerProgress }
  | { type: 'report'; id: number; report: CheckerReport };

export interface CheckerHandle {
  /** Counts so far (cheap: no reads). */
  progress(): Promise<CheckerProgress>;
  /** Stops the load, waits `settleMs` (default 1000), reads every key back and resolves with the report; the child then exits. */
  stop(options?: { settleMs?: number }): Promise<CheckerReport>;
  /** SIGKILLs the child (for afterAll after a failed test). */
  kill(): void;
  /** What the child printed (stdout + stderr). */
  output(): string;
}

const CHILD = path.join(ROOT, 'test/faults/checker-process.ts');
const REGISTER_TS = path.join(ROOT, 'test/faults/register-ts.mjs');

/** Forks the checker, starts its load and resolves once its cluster client is connected. */
export async function startChecker(config: CheckerConfig, readyTimeoutMs = 30000): Promise<CheckerHandle> {
  const child: ChildProcess = fork(CHILD, [], { cwd: ROOT, execArgv: ['--import', REGISTER_TS], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const pending = new Map<number, (message: FromChecker) => void>();
  let nextId = 0;
  let exitReason: string | undefined;
  const failAll = (why: string): void => {
    exitReason = why;
    for (const resolve of pending.values()) resolve({ type: 'failed', message: why });
    pending.clear();
  };
  child.once('exit', (code, signal) => failAll(`checker exited (${code ?? signal}):\n${out}`));
  child.on('message', (message: FromChecker) => {
    if (message.type === 'progress' || message.type === 'report') {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });

  const ask = async (build: (id: number) => ToChecker): Promise<FromChecker> => {
    if (exitReason) throw new Error(exitReason);
    const id = nextId++;
    const reply = new Promise<FromChecker>((resolve) => pending.set(id, resolve));
    child.send(build(id));
    const message = await reply;
    if (message.type === 'failed') throw new Error(message.message);
    return message;
  };

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`checker not ready after ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    child.on('message', (message: FromChecker) => {
      if (message.type !== 'ready' && message.type !== 'failed') return;
      clearTimeout(timer);
      if (message.type === 'ready') resolve();
      else reject(new Error(`checker failed to start: ${message.message}\n${out}`));
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(exitReason));
    });
  });
  child.send({ type: 'start', config } satisfies ToChecker);
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    async progress() {
      const reply = await ask((id) => ({ type: 'progress', id }));
      return (reply as Extract<FromChecker, { type: 'progress' }>).progress;
    },
    async stop({ settleMs = 1000 } = {}) {
      const reply = await ask((id) => ({ type: 'stop', id, settleMs }));
      return (reply as Extract<FromChecker, { type: 'report' }>).report;
    },
    kill: () => void child.kill('SIGKILL'),
    output: () => out,
  };
}
