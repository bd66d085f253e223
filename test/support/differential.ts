import { afterAll, beforeAll, expect } from '@jest/globals';
import { startNode, startRedisServer, type RunningNode, type RunningRedis } from './processes.js';
import { RawClient, replyEnd } from './raw-resp.js';

/**
 * Shared machinery of the differential specs: a ringcache node and a reference redis-server started for a spec
 * file, connection pairs to both, a runner that sends each command to both and collects the replies that differ
 * (raw RESP text, errors included), and a seeded random generator for command sequences.
 */

/** One connection to each server: `ours` (ringcache) and `theirs` (redis-server). */
export interface ClientPair {
  readonly ours: RawClient;
  readonly theirs: RawClient;
  /** Send `cmd` to both, concurrently; the raw replies as [ringcache, redis]. */
  call(...cmd: string[]): Promise<[string, string]>;
  close(): void;
}

export interface DifferentialServers {
  /** A fresh pair of connections, switched to RESP3 (and checked) when asked. */
  connect(resp3?: boolean): Promise<ClientPair>;
  /** Run `body` on a fresh pair and close it afterwards. */
  withPair<T>(resp3: boolean, body: (pair: ClientPair) => Promise<T>): Promise<T>;
}

/** Start both servers before the spec file's tests and stop them after (registers beforeAll/afterAll). */
export function useDifferentialServers(): DifferentialServers {
  let node: RunningNode | undefined;
  let redis: RunningRedis | undefined;
  beforeAll(async () => {
    // Keep whichever started even if the other failed, so afterAll stops it and jest can exit.
    const [n, r] = await Promise.allSettled([startNode(['--loglevel', 'nothing']), startRedisServer()]);
    if (n.status === 'fulfilled') node = n.value;
    if (r.status === 'fulfilled') redis = r.value;
    if (n.status === 'rejected') throw n.reason;
    if (r.status === 'rejected') throw r.reason;
  });
  afterAll(async () => {
    await Promise.all([node?.stop(), redis?.stop()]);
  });
  const connect = async (resp3 = false): Promise<ClientPair> => {
    const [ours, theirs] = await Promise.all([RawClient.connect(node!.port), RawClient.connect(redis!.port)]);
    const pair = makePair(ours, theirs);
    if (resp3) {
      const [ha, hb] = await pair.call('HELLO', '3');
      expect([ha.slice(0, 4), hb.slice(0, 4)]).toEqual(['%7\r\n', '%7\r\n']);
    }
    return pair;
  };
  return {
    connect,
    async withPair(resp3, body) {
      const pair = await connect(resp3);
      try {
        return await body(pair);
      } finally {
        pair.close();
      }
    },
  };
}

function makePair(ours: RawClient, theirs: RawClient): ClientPair {
  return {
    ours,
    theirs,
    call: (...cmd) => Promise.all([ours.call(...cmd), theirs.call(...cmd)]),
    close() {
      ours.close();
      theirs.close();
    },
  };
}

export interface Mismatch {
  cmd: string;
  /** The commands just before it, oldest first (since the last resync). */
  after: string[];
  ringcache: string;
  redis: string;
}

export interface CompareOptions {
  /** Map a raw reply to the form compared (e.g. sort an unordered reply); identity by default. */
  normalize?: (cmd: string[], reply: string) => string;
  /** A last chance for replies that still differ: resolves true if they are an accepted difference. */
  tolerate?: (cmd: string[], ours: string, theirs: string, pair: ClientPair) => Promise<boolean>;
  /** FLUSHALL both servers after a mismatch, so each one is reported on its own rather than cascading. */
  resync?: boolean;
  /** How many preceding commands a mismatch reports (default 20). */
  history?: number;
}

/** Run every command on both connections, in order; return the replies that differ. */
export async function compare(pair: ClientPair, commands: readonly string[][], options: CompareOptions = {}): Promise<Mismatch[]> {
  const { normalize, tolerate, resync = false, history = 20 } = options;
  const mismatches: Mismatch[] = [];
  const recent: string[] = [];
  for (const cmd of commands) {
    const [a, b] = await pair.call(...cmd);
    const same = normalize ? normalize(cmd, a) === normalize(cmd, b) : a === b;
    if (!same && !(tolerate && (await tolerate(cmd, a, b, pair)))) {
      mismatches.push({ cmd: cmd.join(' '), after: recent.slice(), ringcache: a, redis: b });
      if (resync) {
        await pair.call('FLUSHALL');
        recent.length = 0;
        continue;
      }
    }
    if (recent.push(cmd.join(' ')) > history) recent.shift();
  }
  return mismatches;
}

/**
 * A raw aggregate reply ("*N", "~N" or "%N") with its elements sorted in groups of `group` (2: field/value
 * pairs; a RESP3 map always pairs); anything else unchanged.
 */
export function sortElements(raw: string, group = 1): string {
  if (raw[0] !== '*' && raw[0] !== '~' && raw[0] !== '%') return raw;
  if (raw[0] === '%') group = 2;
  const items = elements(raw, group);
  return raw.slice(0, raw.indexOf('\r\n') + 2) + items.sort().join('');
}

/** The raw elements (in groups of `group`) of an aggregate reply. */
export function elements(raw: string, group = 1): string[] {
  const buf = Buffer.from(raw, 'latin1');
  let at = raw.indexOf('\r\n') + 2;
  const items: string[] = [];
  while (at < buf.length) {
    let end = at;
    for (let i = 0; i < group; i++) end = replyEnd(buf, end);
    items.push(buf.latin1Slice(at, end));
    at = end;
  }
  return items;
}

/** Small seeded PRNG (deterministic across runs). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random choices drawn from one seeded generator, for building command sequences. */
export interface Picker {
  readonly rand: () => number;
  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T;
  /** Between `min` and `max` elements of `xs` (repeats allowed). */
  some<T>(xs: readonly T[], min?: number, max?: number): T[];
  /** `args()` with probability `p`, else nothing (for optional arguments). */
  maybe(p: number, args: () => string[]): string[];
}

export function picker(seed: number): Picker {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  return {
    rand,
    pick,
    some: (xs, min = 1, max = 3) => Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, () => pick(xs)),
    maybe: (p, args) => (rand() < p ? args() : []),
  };
}
