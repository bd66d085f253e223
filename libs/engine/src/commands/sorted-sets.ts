/**
 * Sorted set commands with Redis 7.0 semantics: ZADD ZCARD ZSCORE ZMSCORE ZINCRBY ZREM ZRANK ZREVRANK ZCOUNT
 * ZRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZREVRANGE ZRANGEBYLEX ZREVRANGEBYLEX ZLEXCOUNT ZPOPMIN ZPOPMAX
 * ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX.
 *
 * Score and lex ranges become rank intervals [lo, hi) by counting the members before each bound on the skip
 * list, so every range command is "a rank interval, maybe reversed, maybe limited".
 */
import { distinctIndexes, parseRandomCount, randomIndex } from './random-picks.js';
import { numkeysKeys } from './key-positions.js';
import type { CommandContext, CommandSpec } from './command.js';
import { ZSetValue, type ZNode } from '../types/zset.js';
import { MAX_RANDOM_REPLY, NOT_FLOAT, NOT_INTEGER, RANDOM_REPLY_TOO_LARGE, SYNTAX, WRONGTYPE } from './errors.js';
import { parseDouble, parseInteger, parseMultiPop } from './args.js';
import { d2string, formatDouble } from './double-text.js';
import { globMatch } from './glob.js';
import { parseScanCursor, parseScanOptions, replyScan } from './scan-args.js';
import { zdiff, zdiffstore, zinter, zintercard, zinterstore, zunion, zunionstore } from './sorted-set-algebra.js';

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';
const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

/** The sorted set at key: undefined if missing, null if the key holds another type. */
export function lookupZSet(ctx: CommandContext, key: string, write: boolean): ZSetValue | undefined | null {
  const db = ctx.client.db;
  const value = write ? ctx.keyspace.lookupWrite(db, key) : ctx.keyspace.lookupRead(db, key);
  if (value === undefined) return undefined;
  return value instanceof ZSetValue ? value : null;
}

/** After members left `zset` in place: delete the key if it is empty, else re-account its memory. */
function changed(ctx: CommandContext, key: string, zset: ZSetValue): void {
  if (zset.size === 0) ctx.keyspace.delete(ctx.client.db, key);
  else ctx.keyspace.resized(ctx.client.db, key);
}

// ==== Ranges ====

/** A score or lex bound: the test "is this node before the bound?" for the min and the max side. */
interface Range {
  /** True for nodes below the range's min. */
  readonly belowMin: (n: ZNode) => boolean;
  /** True for nodes at or below the range's max. */
  readonly upToMax: (n: ZNode) => boolean;
}

/** strtod over the whole text, as zslParseRange: leading spaces allowed, "" is 0, overflow is ±inf, NaN refused. */
function parseScoreBound(text: string): number | undefined {
  const s = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (s.length === 0) return 0;
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?inf(?:inity)?$/i.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  return parseDouble(s);
}

function parseScoreRange(minText: string, maxText: string): Range | undefined {
  const minEx = minText.charCodeAt(0) === 40; // (
  const maxEx = maxText.charCodeAt(0) === 40;
  const min = parseScoreBound(minEx ? minText.slice(1) : minText);
  const max = parseScoreBound(maxEx ? maxText.slice(1) : maxText);
  if (min === undefined || max === undefined) return undefined;
  return {
    belowMin: minEx ? (n) => n.score <= min : (n) => n.score < min,
    upToMax: maxEx ? (n) => n.score < max : (n) => n.score <= max,
  };
}

/** One lex bound: "-", "+", "[member" or "(member"; undefined if malformed. */
function parseLexBound(text: string): { value: string; ex: boolean; inf: -1 | 0 | 1 } | undefined {
  const c = text.charCodeAt(0);
  if (c === 45 || c === 43) return text.length === 1 ? { value: '', ex: true, inf: c === 45 ? -1 : 1 } : undefined;
  if (c === 40 || c === 91) return { value: text.slice(1), ex: c === 40, inf: 0 };
  return undefined;
}

function parseLexRange(minText: string, maxText: string): Range | undefined {
  const min = parseLexBound(minText);
  const max = parseLexBound(maxText);
  if (min === undefined || max === undefined) return undefined;
  const belowMin: (n: ZNode) => boolean =
    min.inf === -1 ? () => false : min.inf === 1 ? () => true : min.ex ? (n) => n.member <= min.value : (n) => n.member < min.value;
  const upToMax: (n: ZNode) => boolean =
    max.inf === -1 ? () => false : max.inf === 1 ? () => true : max.ex ? (n) => n.member < max.value : (n) => n.member <= max.value;
  return { belowMin, upToMax };
}

/** The ranks [lo, hi) of the members inside `range`. */
function rankInterval(zset: ZSetValue, range: Range): [number, number] {
  const lo = zset.countBefore(range.belowMin);
  const hi = zset.countBefore(range.upToMax);
  return [lo, Math.max(lo, hi)];
}

/** Rank indexes as Redis sanitizes them (negative from the end); undefined when the range is empty. */
function rankRange(start: number, end: number, size: number): [number, number] | undefined {
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return undefined;
  if (end >= size) end = size - 1;
  return [start, end];
}

/** Member (and score) replies: RESP2 flat; RESP3 WITHSCORES as [member, double] pairs. */
export function replyNodes(ctx: CommandContext, nodes: readonly ZNode[], withScores: boolean): void {
  replyNodesHeader(ctx, nodes.length, withScores);
  for (const n of nodes) replyNode(ctx, n, withScores);
}

function replyNodesHeader(ctx: CommandContext, count: number, withScores: boolean): void {
  ctx.reply.array(withScores && ctx.reply.protocol === 2 ? count * 2 : count);
}

function replyNode(ctx: CommandContext, n: ZNode, withScores: boolean): void {
  const reply = ctx.reply;
  if (!withScores) return reply.bulk(n.member);
  if (reply.protocol === 3) reply.array(2);
  reply.bulk(n.member);
  reply.double(n.score);
}

// ==== ZADD / ZINCRBY ====

function zadd(ctx: CommandContext, args: string[]): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
  let i = 2;
  for (; i < args.length; i++) {
    const flag = args[i].toLowerCase();
    if (flag === 'nx') nx = true;
    else if (flag === 'xx') xx = true;
    else if (flag === 'gt') gt = true;
    else if (flag === 'lt') lt = true;
    else if (flag === 'ch') ch = true;
    else if (flag === 'incr') incr = true;
    else break;
  }
  const elements = args.length - i;
  if (elements === 0 || elements % 2 !== 0) return ctx.reply.error(SYNTAX);
  if (nx && xx) return ctx.reply.error('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 2) return ctx.reply.error('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = i; j < args.length; j += 2) {
    const score = parseDouble(args[j]);
    if (score === undefined) return ctx.reply.error(NOT_FLOAT);
    scores.push(score);
  }
  addScores(ctx, args[1], scores, args, i, { nx, xx, gt, lt, ch, incr });
}

interface AddOptions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/** zaddGenericCommand after parsing: members are args[first + 1], args[first + 3], ... */
function addScores(ctx: CommandContext, key: string, scores: number[], args: string[], first: number, o: AddOptions): void {
  const reply = ctx.reply;
  let zset = lookupZSet(ctx, key, true);
  if (zset === null) return reply.error(WRONGTYPE);
  if (zset === undefined) {
    if (o.xx) return o.incr ? reply.nil() : reply.integer(0);
    zset = new ZSetValue();
  }
  const created = ctx.keyspace.peek(ctx.client.db, key) === undefined;
  let added = 0, updated = 0;
  let incrResult: number | undefined;
  for (let k = 0; k < scores.length; k++) {
    const member = args[first + 2 * k + 1];
    let score = scores[k];
    const current = zset.score(member);
    if (current !== undefined) {
      if (o.nx) continue;
      if (o.incr) {
        score += current;
        if (Number.isNaN(score)) {
          if (created && zset.size > 0) ctx.keyspace.set(ctx.client.db, key, zset);
          return reply.error(NAN_SCORE);
        }
      }
      if ((o.lt && score >= current) || (o.gt && score <= current)) continue;
      incrResult = score;
      if (score !== current) {
        store(zset, member, score);
        updated++;
      }
    } else {
      if (o.xx) continue;
      store(zset, member, score);
      incrResult = score;
      added++;
    }
  }
  if (created) {
    if (zset.size > 0) ctx.keyspace.set(ctx.client.db, key, zset);
  } else if (added + updated > 0) ctx.keyspace.resized(ctx.client.db, key);
  if (o.incr) return incrResult === undefined ? reply.nil() : reply.double(incrResult);
  reply.integer(o.ch ? added + updated : added);
}

/** A listpack keeps scores as text and reads -0 back as 0; a skiplist keeps -0 (as redis-server 7.0.15). */
function store(zset: ZSetValue, member: string, score: number): void {
  zset.set(member, score);
  if (Object.is(score, -0) && zset.encoding() === 'listpack') zset.set(member, 0);
}

function zincrby(ctx: CommandContext, args: string[]): void {
  const increment = parseDouble(args[2]);
  if (increment === undefined) return ctx.reply.error(NOT_FLOAT);
  addScores(ctx, args[1], [increment], ['', '', args[3]], 1, { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true });
}

// ==== Single-member reads and removal ====

function zcard(ctx: CommandContext, args: string[]): void {
  const zset = lookupZSet(ctx, args[1], false);
  if (zset === null) return ctx.reply.error(WRONGTYPE);
  ctx.reply.integer(zset === undefined ? 0 : zset.size);
}

function zscore(ctx: CommandContext, args: string[]): void {
  const zset = lookupZSet(ctx, args[1], false);
  if (zset === null) return ctx.reply.error(WRONGTYPE);
  const score = zset?.score(args[2]);
  if (score === undefined) ctx.reply.nil();
  else ctx.reply.double(score);
}

function zmscore(ctx: CommandContext, args: string[]): void {
  const zset = lookupZSet(ctx, args[1], false);
  if (zset === null) return ctx.reply.error(WRONGTYPE);
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const score = zset?.score(args[i]);
    if (score === undefined) ctx.reply.nil();
    else ctx.reply.double(score);
  }
}

function zrem(ctx: CommandContext, args: string[]): void {
  const zset = lookupZSet(ctx, args[1], true);
  if (zset === undefined) return ctx.reply.integer(0);
  if (zset === null) return ctx.reply.error(WRONGTYPE);
  let removed = 0;
  for (let i = 2; i < args.length; i++) if (zset.delete(args[i])) removed++;
  if (removed > 0) changed(ctx, args[1], zset);
  ctx.reply.integer(removed);
}

function rankCommand(reverse: boolean) {
  return (ctx: CommandContext, args: string[]): void => {
    const zset = lookupZSet(ctx, args[1], false);
    if (zset === null) return ctx.reply.error(WRONGTYPE);
    const rank = zset?.rank(args[2]);
    if (rank === undefined || zset === undefined) return ctx.reply.nil();
    ctx.reply.integer(reverse ? zset.size - 1 - rank : rank);
  };
}

function zcount(ctx: CommandContext, args: string[]): void {
  const range = parseScoreRange(args[2], args[3]);
  if (range === undefined) return ctx.reply.error(NOT_FLOAT_RANGE);
  countInRange(ctx, args[1], range);
}

function zlexcount(ctx: CommandContext, args: string[]): void {
  const range = parseLexRange(args[2], args[3]);
  if (range === undefined) return ctx.reply.error(NOT_LEX_RANGE);
  countInRange(ctx, args[1], range);
}

function countInRange(ctx: CommandContext, key: string, range: Range): void {
  const zset = lookupZSet(ctx, key, false);
  if (zset === null) return ctx.reply.error(WRONGTYPE);
  if (zset === undefined) return ctx.reply.integer(0);
  const [lo, hi] = rankInterval(zset, range);
  ctx.reply.integer(hi - lo);
}

// ==== ZRANGE and its legacy forms ====

type RangeType = 'auto' | 'rank' | 'score' | 'lex';

/**
 * zrangeGenericCommand. The legacy commands fix `type` and `reverse` (so REV/BYSCORE/BYLEX are syntax errors
 * there). With `store` (ZRANGESTORE dst src ...) every index moves one to the right, WITHSCORES is a syntax
 * error and the range replaces dst.
 */
function zrangeGeneric(ctx: CommandContext, args: string[], type: RangeType, rev: boolean | undefined, store = false): void {
  const reply = ctx.reply;
  const key = store ? 2 : 1;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = key + 3; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const left = args.length - j - 1;
    if (!store && opt === 'withscores') withScores = true;
    else if (opt === 'limit' && left >= 2) {
      const o = parseInteger(args[j + 1]);
      if (o === undefined) return reply.error(NOT_INTEGER);
      const l = parseInteger(args[j + 2]);
      if (l === undefined) return reply.error(NOT_INTEGER);
      offset = o;
      limit = l;
      j += 2;
    } else if (rev === undefined && opt === 'rev') rev = true;
    else if (type === 'auto' && opt === 'bylex') type = 'lex';
    else if (type === 'auto' && opt === 'byscore') type = 'score';
    else return reply.error(SYNTAX);
  }
  const reverse = rev ?? false;
  const kind = type === 'auto' ? 'rank' : type;
  if (limit !== -1 && kind === 'rank') return reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && kind === 'lex') return reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const [minText, maxText] = reverse && kind !== 'rank' ? [args[key + 2], args[key + 1]] : [args[key + 1], args[key + 2]];
  let range: Range | undefined;
  let start = 0, end = 0;
  if (kind === 'rank') {
    const s = parseInteger(minText);
    const e = parseInteger(maxText);
    if (s === undefined || e === undefined) return reply.error(NOT_INTEGER);
    start = s;
    end = e;
  } else {
    range = kind === 'score' ? parseScoreRange(minText, maxText) : parseLexRange(minText, maxText);
    if (range === undefined) return reply.error(kind === 'score' ? NOT_FLOAT_RANGE : NOT_LEX_RANGE);
  }
  const zset = lookupZSet(ctx, args[key], store);
  if (zset === null) return reply.error(WRONGTYPE);
  let nodes: ZNode[] = [];
  if (zset !== undefined && range === undefined) {
    const ranks = rankRange(start, end, zset.size);
    if (ranks !== undefined) nodes = [...zset.range(ranks[0], ranks[1], reverse)];
  } else if (zset !== undefined && range !== undefined) {
    nodes = selectRange(zset, range, reverse, offset, limit);
  }
  if (!store) return replyNodes(ctx, nodes, withScores);
  const result = new ZSetValue();
  for (const n of nodes) result.set(n.member, n.score);
  storeResult(ctx, args[1], result);
}

/** *STORE: the result replaces dst (TTL dropped) or, when empty, deletes it; replies its size. */
export function storeResult(ctx: CommandContext, dst: string, result: ZSetValue): void {
  if (result.size === 0) ctx.keyspace.delete(ctx.client.db, dst);
  else ctx.keyspace.set(ctx.client.db, dst, withListpackZeros(result));
  ctx.reply.integer(result.size);
}

/** A result built as a skiplist and converted to a listpack (it is small) reads -0 back as 0, as in Redis. */
function withListpackZeros(zset: ZSetValue): ZSetValue {
  if (zset.encoding() !== 'listpack') return zset;
  const zeros: string[] = [];
  for (const n of zset.range(0, zset.size - 1)) if (Object.is(n.score, -0)) zeros.push(n.member);
  for (const m of zeros) zset.set(m, 0);
  return zset;
}

/** The members in `range`, in order (or reverse), skipping `offset` (negative: none at all), at most `limit` (negative: all). */
function selectRange(zset: ZSetValue, range: Range, reverse: boolean, offset: number, limit: number): ZNode[] {
  if (offset < 0) return [];
  const [lo, hi] = rankInterval(zset, range);
  let count = hi - lo - offset;
  if (count <= 0) return [];
  if (limit >= 0 && limit < count) count = limit;
  if (count === 0) return [];
  const from = reverse ? zset.size - hi + offset : lo + offset;
  return [...zset.range(from, from + count - 1, reverse)];
}

// ==== Pops and removal by range ====

/**
 * How a pop replies. 'pair': ZPOPMIN key → [member, score]. 'pairs': ZPOPMIN key count → member/score
 * pairs (flat in RESP2). 'keyed-pair': BZPOPMIN → [key, member, score]. 'keyed-pairs': ZMPOP/BZMPOP →
 * [key, [[member, score], ...]] in both protocols.
 */
export type PopShape = 'pair' | 'pairs' | 'keyed-pair' | 'keyed-pairs';

/**
 * Pops up to `count` members (count >= 1) from the low (or, with `max`, high) end of the non-empty `zset`
 * stored at `key`, deletes the key if it empties, and replies with the popped members in `shape`.
 */
export function zsetPop(ctx: CommandContext, key: string, zset: ZSetValue, max: boolean, count: number, shape: PopShape): void {
  const reply = ctx.reply;
  const nodes = [...zset.range(0, Math.min(count, zset.size) - 1, max)];
  for (const node of nodes) zset.delete(node.member);
  changed(ctx, key, zset);
  if (shape === 'pairs') return replyNodes(ctx, nodes, true);
  if (shape === 'keyed-pairs') {
    reply.array(2);
    reply.bulk(key);
    reply.array(nodes.length);
    for (const n of nodes) {
      reply.array(2);
      reply.bulk(n.member);
      reply.double(n.score);
    }
    return;
  }
  reply.array(shape === 'pair' ? 2 : 3);
  if (shape === 'keyed-pair') reply.bulk(key);
  reply.bulk(nodes[0].member);
  reply.double(nodes[0].score);
}

function popCommand(max: boolean) {
  return (ctx: CommandContext, args: string[]): void => {
    const reply = ctx.reply;
    if (args.length > 3) return reply.error(SYNTAX);
    let count = 1;
    if (args.length === 3) {
      const c = parseInteger(args[2]);
      if (c === undefined || c < 0) return reply.error(MUST_BE_POSITIVE);
      count = c;
    }
    const zset = lookupZSet(ctx, args[1], true);
    if (zset === null) return reply.error(WRONGTYPE);
    if (zset === undefined || count === 0) return reply.array(0);
    zsetPop(ctx, args[1], zset, max, count, args.length === 2 ? 'pair' : 'pairs');
  };
}

/**
 * The first key in `keys` holding a non-empty sorted set, undefined if none, or null after replying
 * WRONGTYPE for a key of another type met before it.
 */
export function firstNonEmptyZSet(ctx: CommandContext, keys: readonly string[]): { key: string; zset: ZSetValue } | undefined | null {
  for (const key of keys) {
    const zset = lookupZSet(ctx, key, true);
    if (zset === null) {
      ctx.reply.error(WRONGTYPE);
      return null;
    }
    if (zset !== undefined && zset.size > 0) return { key, zset };
  }
  return undefined;
}

/** ZMPOP's and BZMPOP's sides: MAX is side 1. */
export const MIN_MAX = ['min', 'max'] as const;

function zmpop(ctx: CommandContext, args: string[]): void {
  const parsed = parseMultiPop(args, 1, MIN_MAX);
  if (typeof parsed === 'string') return ctx.reply.error(parsed);
  const found = firstNonEmptyZSet(ctx, parsed.keys);
  if (found === null) return;
  if (found === undefined) return ctx.reply.nilArray();
  zsetPop(ctx, found.key, found.zset, parsed.side === 1, parsed.count, 'keyed-pairs');
}

function zremrangebyrank(ctx: CommandContext, args: string[]): void {
  const start = parseInteger(args[2]);
  const end = parseInteger(args[3]);
  if (start === undefined || end === undefined) return ctx.reply.error(NOT_INTEGER);
  removeRange(ctx, args[1], (zset) => rankRange(start, end, zset.size) ?? [0, -1]);
}

function zremrangebyscore(ctx: CommandContext, args: string[]): void {
  const range = parseScoreRange(args[2], args[3]);
  if (range === undefined) return ctx.reply.error(NOT_FLOAT_RANGE);
  removeRange(ctx, args[1], (zset) => intervalToInclusive(rankInterval(zset, range)));
}

function zremrangebylex(ctx: CommandContext, args: string[]): void {
  const range = parseLexRange(args[2], args[3]);
  if (range === undefined) return ctx.reply.error(NOT_LEX_RANGE);
  removeRange(ctx, args[1], (zset) => intervalToInclusive(rankInterval(zset, range)));
}

function intervalToInclusive([lo, hi]: [number, number]): [number, number] {
  return [lo, hi - 1];
}

function removeRange(ctx: CommandContext, key: string, ranks: (zset: ZSetValue) => [number, number]): void {
  const zset = lookupZSet(ctx, key, true);
  if (zset === undefined) return ctx.reply.integer(0);
  if (zset === null) return ctx.reply.error(WRONGTYPE);
  const [start, end] = ranks(zset);
  if (start > end) return ctx.reply.integer(0);
  const nodes = [...zset.range(start, end)];
  for (const node of nodes) zset.delete(node.member);
  changed(ctx, key, zset);
  ctx.reply.integer(nodes.length);
}

// ==== ZRANDMEMBER and ZSCAN ====

function zrandmember(ctx: CommandContext, args: string[]): void {
  const reply = ctx.reply;
  if (args.length === 2) {
    const zset = lookupZSet(ctx, args[1], false);
    if (zset === null) return reply.error(WRONGTYPE);
    return reply.bulk(zset === undefined ? null : zset.at(randomIndex(zset.size)).member);
  }
  const parsed = parseRandomCount(ctx, args, 'withscores');
  if (parsed === undefined) return;
  const zset = lookupZSet(ctx, args[1], false);
  if (zset === null) return reply.error(WRONGTYPE);
  if (zset === undefined || parsed.count === 0) return reply.array(0);
  randomNodes(ctx, zset, parsed.count, parsed.withOption);
}

/**
 * A negative count (or 1) picks |count| members independently; a count at least the size replies the whole
 * set from the highest rank down, as Redis 7.0 does; otherwise `count` distinct members.
 */
function randomNodes(ctx: CommandContext, zset: ZSetValue, count: number, withScores: boolean): void {
  const size = zset.size;
  if (count < 0 || count === 1) {
    const n = Math.abs(count);
    if (n > MAX_RANDOM_REPLY) return ctx.reply.error(RANDOM_REPLY_TOO_LARGE);
    replyNodesHeader(ctx, n, withScores);
    for (let k = 0; k < n; k++) replyNode(ctx, zset.at(randomIndex(size)), withScores);
    return;
  }
  if (count >= size) return replyNodes(ctx, [...zset.range(0, size - 1, true)], withScores);
  replyNodesHeader(ctx, count, withScores);
  for (const rank of distinctIndexes(size, count)) replyNode(ctx, zset.at(rank), withScores);
}

/**
 * ZSCAN. A listpack is returned whole with cursor 0, as Redis does, scores as the listpack stores them
 * (d2string). A skiplist is walked by rank from the top down, the cursor being the number of ranks not yet
 * visited, scores as "%.17g". A member removed below the cursor makes one already visited come back (SCAN
 * allows that); a member added below it pushes one unvisited member above the cursor, so unlike Redis's
 * hash-table cursor a concurrent insert can hide a member from the rest of the scan.
 */
function zscan(ctx: CommandContext, args: string[]): void {
  const reply = ctx.reply;
  const cursor = parseScanCursor(args[2]);
  if (cursor === undefined) return reply.error('ERR invalid cursor');
  const zset = lookupZSet(ctx, args[1], false);
  if (zset === null) return reply.error(WRONGTYPE);
  if (zset === undefined) return replyScan(reply, 0, []);
  const options = parseScanOptions(args, 3, false);
  if (typeof options === 'string') return reply.error(options);
  const { count, pattern } = options;
  const listpack = zset.encoding() === 'listpack';
  const position = listpack || cursor === 0 ? zset.size : Math.min(cursor, zset.size);
  const visits = listpack ? position : Math.min(count, position);
  const found: string[] = [];
  for (const n of zset.range(zset.size - position, zset.size - position + visits - 1, !listpack)) {
    if (pattern === undefined || globMatch(pattern, n.member)) found.push(n.member, listpack ? d2string(n.score) : formatDouble(n.score));
  }
  replyScan(reply, position - visits, found);
}

// ==== Table ====

type Flags = CommandSpec['flags'];
const READ_FAST = ['read', 'sortedset', 'fast'];
const READ_SLOW = ['read', 'sortedset', 'slow'];
const WRITE_FAST = ['write', 'sortedset', 'fast'];
const WRITE_SLOW = ['write', 'sortedset', 'slow'];
const RO: Flags = ['readonly'];
const RO_FAST: Flags = ['readonly', 'fast'];

/** `keys` is Redis's legacy (first, last, step); numkeys commands say 0,0,0 and are flagged movablekeys. */
function spec(name: string, arity: number, flags: Flags, categories: readonly string[], summary: string, handler: CommandSpec['handler'], keys = [1, 1, 1]): CommandSpec {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], step: keys[2], summary, categories, handler };
}

/** Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO (ZRANK has no WITHSCORE in 7.0). */
export const sortedSetCommands: readonly CommandSpec[] = [
  spec('zadd', -4, ['write', 'denyoom', 'fast'], WRITE_FAST, 'Add one or more members to a sorted set, or update its score if it already exists', zadd),
  spec('zcard', 2, RO_FAST, READ_FAST, 'Get the number of members in a sorted set', zcard),
  spec('zscore', 3, RO_FAST, READ_FAST, 'Get the score associated with the given member in a sorted set', zscore),
  spec('zmscore', -3, RO_FAST, READ_FAST, 'Get the score associated with the given members in a sorted set', zmscore),
  spec('zincrby', 4, ['write', 'denyoom', 'fast'], WRITE_FAST, 'Increment the score of a member in a sorted set', zincrby),
  spec('zrem', -3, ['write', 'fast'], WRITE_FAST, 'Remove one or more members from a sorted set', zrem),
  spec('zrank', 3, RO_FAST, READ_FAST, 'Determine the index of a member in a sorted set', rankCommand(false)),
  spec('zrevrank', 3, RO_FAST, READ_FAST, 'Determine the index of a member in a sorted set, with scores ordered from high to low', rankCommand(true)),
  spec('zcount', 4, RO_FAST, READ_FAST, 'Count the members in a sorted set with scores within the given values', zcount),
  spec('zrange', -4, RO, READ_SLOW, 'Return a range of members in a sorted set', (ctx, args) => zrangeGeneric(ctx, args, 'auto', undefined)),
  spec('zrangebyscore', -4, RO, READ_SLOW, 'Return a range of members in a sorted set, by score', (ctx, args) => zrangeGeneric(ctx, args, 'score', false)),
  spec('zrevrangebyscore', -4, RO, READ_SLOW, 'Return a range of members in a sorted set, by score, with scores ordered from high to low', (ctx, args) => zrangeGeneric(ctx, args, 'score', true)),
  spec('zrevrange', -4, RO, READ_SLOW, 'Return a range of members in a sorted set, by index, with scores ordered from high to low', (ctx, args) => zrangeGeneric(ctx, args, 'rank', true)),
  spec('zrangebylex', -4, RO, READ_SLOW, 'Return a range of members in a sorted set, by lexicographical range', (ctx, args) => zrangeGeneric(ctx, args, 'lex', false)),
  spec('zrevrangebylex', -4, RO, READ_SLOW, 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.', (ctx, args) => zrangeGeneric(ctx, args, 'lex', true)),
  spec('zlexcount', 4, RO_FAST, READ_FAST, 'Count the number of members in a sorted set between a given lexicographical range', zlexcount),
  spec('zpopmin', -2, ['write', 'fast'], WRITE_FAST, 'Remove and return members with the lowest scores in a sorted set', popCommand(false)),
  spec('zpopmax', -2, ['write', 'fast'], WRITE_FAST, 'Remove and return members with the highest scores in a sorted set', popCommand(true)),
  spec('zremrangebyrank', 4, ['write'], WRITE_SLOW, 'Remove all members in a sorted set within the given indexes', zremrangebyrank),
  spec('zremrangebyscore', 4, ['write'], WRITE_SLOW, 'Remove all members in a sorted set within the given scores', zremrangebyscore),
  spec('zremrangebylex', 4, ['write'], WRITE_SLOW, 'Remove all members in a sorted set between the given lexicographical range', zremrangebylex),
  spec('zrangestore', -5, ['write', 'denyoom'], WRITE_SLOW, 'Store a range of members from sorted set into another key', (ctx, args) => zrangeGeneric(ctx, args, 'auto', undefined, true), [1, 2, 1]),
  { ...spec('zmpop', -4, ['write', 'movablekeys'], WRITE_SLOW, 'Remove and return members with scores in a sorted set', zmpop, [0, 0, 0]), keys: numkeysKeys(1) },
  spec('zrandmember', -2, RO, READ_SLOW, 'Get one or multiple random elements from a sorted set', zrandmember),
  spec('zscan', -3, RO, READ_SLOW, 'Incrementally iterate sorted sets elements and associated scores', zscan),
  { ...spec('zunion', -3, ['readonly', 'movablekeys'], READ_SLOW, 'Add multiple sorted sets', zunion, [0, 0, 0]), keys: numkeysKeys(1) },
  { ...spec('zinter', -3, ['readonly', 'movablekeys'], READ_SLOW, 'Intersect multiple sorted sets', zinter, [0, 0, 0]), keys: numkeysKeys(1) },
  { ...spec('zdiff', -3, ['readonly', 'movablekeys'], READ_SLOW, 'Subtract multiple sorted sets', zdiff, [0, 0, 0]), keys: numkeysKeys(1) },
  { ...spec('zunionstore', -4, ['write', 'denyoom', 'movablekeys'], WRITE_SLOW, 'Add multiple sorted sets and store the resulting sorted set in a new key', zunionstore), keys: numkeysKeys(2, [1]) },
  { ...spec('zinterstore', -4, ['write', 'denyoom', 'movablekeys'], WRITE_SLOW, 'Intersect multiple sorted sets and store the resulting sorted set in a new key', zinterstore), keys: numkeysKeys(2, [1]) },
  { ...spec('zdiffstore', -4, ['write', 'denyoom', 'movablekeys'], WRITE_SLOW, 'Subtract multiple sorted sets and store the resulting sorted set in a new key', zdiffstore), keys: numkeysKeys(2, [1]) },
  { ...spec('zintercard', -3, ['readonly', 'movablekeys'], READ_SLOW, 'Intersect multiple sorted sets and return the cardinality of the result', zintercard, [0, 0, 0]), keys: numkeysKeys(1) },
];
