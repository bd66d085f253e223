/**
 * Sorted set algebra with Redis 7.0 semantics: ZUNION ZINTER ZDIFF, their STORE forms (WEIGHTS, AGGREGATE
 * SUM|MIN|MAX) and ZINTERCARD. Inputs may be plain sets, whose members count with score 1.
 *
 * Union and intersection visit the inputs smallest first, as Redis sorts them by size, so a SUM adds in the
 * same order and rounds the same way; a NaN (0 × inf as a weighted score, inf + -inf as a sum) becomes 0.
 * ZDIFF keeps the first input first and its scores unweighted.
 */
import type { CommandContext } from './command.js';
import { SetValue } from '../types/set.js';
import { ZSetValue } from '../types/zset.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from './errors.js';
import { parseDouble, parseInteger } from './args.js';
import { replyNodes, storeResult } from './sorted-sets.js';

type Operation = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input key: a sorted set, a set (scores 1), or nothing (missing key: empty). */
interface Source {
  readonly value: ZSetValue | SetValue | undefined;
  weight: number;
}

function sizeOf(s: Source): number {
  return s.value === undefined ? 0 : s.value.size;
}

/** The member's score in the input (unweighted), or undefined if absent. */
function scoreIn(s: Source, member: string): number | undefined {
  const v = s.value;
  if (v instanceof ZSetValue) return v.score(member);
  return v !== undefined && v.has(member) ? 1 : undefined;
}

function forEachMember(s: Source, visit: (member: string, score: number) => void): void {
  const v = s.value;
  if (v instanceof ZSetValue) {
    for (const n of v.range(0, v.size - 1)) visit(n.member, n.score);
  } else if (v !== undefined) {
    for (const m of v.values()) visit(m, 1);
  }
}

/** zunionInterAggregate: a SUM of inf and -inf is 0; MIN/MAX keep the old score against a NaN. */
function aggregate(how: Aggregate, target: number, value: number): number {
  if (how === 'sum') {
    const sum = target + value;
    return sum !== sum ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

function weighted(s: Source, score: number): number {
  const v = s.weight * score;
  return v !== v ? 0 : v;
}

// ==== Parsing ====

interface Request {
  readonly sources: Source[];
  readonly aggregate: Aggregate;
  readonly withScores: boolean;
  /** ZINTERCARD's LIMIT; 0 for none. */
  readonly limit: number;
}

/**
 * zunionInterDiffGenericCommand's parsing: numkeys at args[at], then the keys (looked up, WRONGTYPE first,
 * before any option is read), then WEIGHTS/AGGREGATE (not for ZDIFF or ZINTERCARD), WITHSCORES (not for
 * *STORE or ZINTERCARD) or LIMIT (ZINTERCARD only). Replies the error and returns undefined when invalid.
 */
function parseRequest(ctx: CommandContext, args: string[], at: number, op: Operation, store: boolean, card: boolean): Request | undefined {
  const reply = ctx.reply;
  const numkeys = parseInteger(args[at]);
  if (numkeys === undefined) return void reply.error(NOT_INTEGER);
  if (numkeys < 1) return void reply.error(`ERR at least 1 input key is needed for '${args[0].toLowerCase()}' command`);
  if (numkeys > args.length - at - 1) return void reply.error(SYNTAX);
  const sources: Source[] = [];
  for (let j = at + 1; j <= at + numkeys; j++) {
    const value = store ? ctx.keyspace.lookupWrite(ctx.client.db, args[j]) : ctx.keyspace.lookupRead(ctx.client.db, args[j]);
    if (value !== undefined && !(value instanceof ZSetValue) && !(value instanceof SetValue)) return void reply.error(WRONGTYPE);
    sources.push({ value, weight: 1 });
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  for (let j = at + 1 + numkeys; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const remaining = args.length - j;
    if (op !== 'diff' && !card && opt === 'weights' && remaining > numkeys) {
      for (const s of sources) {
        const w = parseDouble(args[++j]);
        if (w === undefined) return void reply.error('ERR weight value is not a float');
        s.weight = w;
      }
    } else if (op !== 'diff' && !card && opt === 'aggregate' && remaining >= 2) {
      const name = args[++j].toLowerCase();
      if (name !== 'sum' && name !== 'min' && name !== 'max') return void reply.error(SYNTAX);
      how = name;
    } else if (!store && !card && opt === 'withscores') {
      withScores = true;
    } else if (card && opt === 'limit' && remaining >= 2) {
      const n = parseInteger(args[++j]);
      if (n === undefined || n < 0) return void reply.error("ERR LIMIT can't be negative");
      limit = n;
    } else {
      return void reply.error(SYNTAX);
    }
  }
  return { sources, aggregate: how, withScores, limit };
}

// ==== The operations ====

/** Member → score of the result, in no particular order. */
type Scores = Map<string, number>;

function union(sources: Source[], how: Aggregate): Scores {
  const scores: Scores = new Map();
  for (const s of bySize(sources)) {
    forEachMember(s, (member, score) => {
      const value = weighted(s, score);
      const old = scores.get(member);
      scores.set(member, old === undefined ? value : aggregate(how, old, value));
    });
  }
  return scores;
}

/** Members of every input, walked from the smallest input; at most `limit` of them when limit > 0. */
function inter(sources: Source[], how: Aggregate, limit = 0): Scores {
  const [smallest, ...others] = bySize(sources);
  const scores: Scores = new Map();
  forEachMember(smallest, (member, score) => {
    if (limit > 0 && scores.size === limit) return;
    let total = weighted(smallest, score);
    for (const s of others) {
      const other = scoreIn(s, member);
      if (other === undefined) return;
      total = aggregate(how, total, s.weight * other);
    }
    scores.set(member, total);
  });
  return scores;
}

function diff(sources: Source[]): Scores {
  const [first, ...others] = sources;
  const scores: Scores = new Map();
  forEachMember(first, (member, score) => {
    if (others.every((s) => scoreIn(s, member) === undefined)) scores.set(member, score);
  });
  return scores;
}

/** Smallest input first; a stable sort, where Redis's qsort may order equal sizes either way. */
function bySize(sources: Source[]): Source[] {
  return sources.slice().sort((a, b) => sizeOf(a) - sizeOf(b));
}

function compute(request: Request, op: Operation): ZSetValue {
  const scores = op === 'union' ? union(request.sources, request.aggregate) : op === 'inter' ? inter(request.sources, request.aggregate) : diff(request.sources);
  const zset = new ZSetValue();
  for (const [member, score] of scores) zset.set(member, score);
  return zset;
}

// ==== Commands ====

function replyResult(ctx: CommandContext, args: string[], op: Operation): void {
  const request = parseRequest(ctx, args, 1, op, false, false);
  if (request === undefined) return;
  const result = compute(request, op);
  replyNodes(ctx, result.size === 0 ? [] : [...result.range(0, result.size - 1)], request.withScores);
}

function storeResultOf(ctx: CommandContext, args: string[], op: Operation): void {
  const request = parseRequest(ctx, args, 2, op, true, false);
  if (request !== undefined) storeResult(ctx, args[1], compute(request, op));
}

/*
 * Function declarations, not constants: this module and sorted-sets.ts import each other, and only hoisted
 * functions are ready whichever of the two is loaded first.
 */
export function zunion(ctx: CommandContext, args: string[]): void {
  replyResult(ctx, args, 'union');
}

export function zinter(ctx: CommandContext, args: string[]): void {
  replyResult(ctx, args, 'inter');
}

export function zdiff(ctx: CommandContext, args: string[]): void {
  replyResult(ctx, args, 'diff');
}

export function zunionstore(ctx: CommandContext, args: string[]): void {
  storeResultOf(ctx, args, 'union');
}

export function zinterstore(ctx: CommandContext, args: string[]): void {
  storeResultOf(ctx, args, 'inter');
}

export function zdiffstore(ctx: CommandContext, args: string[]): void {
  storeResultOf(ctx, args, 'diff');
}

export function zintercard(ctx: CommandContext, args: string[]): void {
  const request = parseRequest(ctx, args, 1, 'inter', false, true);
  if (request !== undefined) ctx.reply.integer(inter(request.sources, 'sum', request.limit).size);
}
