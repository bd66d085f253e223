/**
 * The blocking sorted-set pops BZPOPMIN BZPOPMAX BZMPOP: ZPOPMIN/ZPOPMAX/ZMPOP when a key can serve now,
 * else a nil reply inside EXEC, else the client parks on its keys (blocking.ts) until a ZADD serves it.
 * Argument checks run in Redis's order: BZPOPMIN's timeout first, BZMPOP's numkeys and options first.
 */
import { numkeysKeys } from './key-positions.js';
import type { CommandContext, CommandSpec } from './command.js';
import { deadlineArg } from './blocking.js';
import { firstNonEmptyZSet, lookupZSet, MIN_MAX, zsetPop, type PopShape } from './sorted-sets.js';
import { parseMultiPop } from './args.js';
import type { ZSetValue } from '../types/zset.js';
import { propagateRewrite } from './replication.js';

/** Pop from the first non-empty key now, or block on all of them; `shape` is the reply's. */
function popOrBlock(ctx: CommandContext, keys: readonly string[], deadline: number, max: boolean, count: number, shape: PopShape): void {
  const found = firstNonEmptyZSet(ctx, keys);
  if (found === null) return;
  if (found !== undefined) return popNow(ctx, found.key, found.zset, max, count, shape);
  ctx.server.blocking.block(ctx, keys, deadline, 'zset', (c, key) => popNow(c, key, lookupZSet(c, key, true) as ZSetValue, max, count, shape));
}

/** Served now or later, replicas get the ZPOPMIN/ZPOPMAX key count it amounted to. */
function popNow(ctx: CommandContext, key: string, zset: ZSetValue, max: boolean, count: number, shape: PopShape): void {
  zsetPop(ctx, key, zset, max, count, shape);
  if (ctx.server.replication !== undefined) propagateRewrite(ctx, [max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(count)]);
}

function bzpop(max: boolean) {
  return (ctx: CommandContext, args: string[]): void => {
    const deadline = deadlineArg(ctx, args[args.length - 1]);
    if (deadline === undefined) return;
    popOrBlock(ctx, args.slice(1, -1), deadline, max, 1, 'keyed-pair');
  };
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
function bzmpop(ctx: CommandContext, args: string[]): void {
  const parsed = parseMultiPop(args, 2, MIN_MAX);
  if (typeof parsed === 'string') return ctx.reply.error(parsed);
  const deadline = deadlineArg(ctx, args[1]);
  if (deadline === undefined) return;
  popOrBlock(ctx, parsed.keys, deadline, parsed.side === 1, parsed.count, 'keyed-pairs');
}

const CATEGORIES = ['write', 'sortedset', 'fast', 'blocking'];

/** Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO. */
export const blockingSortedSetCommands: readonly CommandSpec[] = [
  { name: 'bzpopmin', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], firstKey: 1, lastKey: -2, step: 1, categories: CATEGORIES, summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available', handler: bzpop(false) },
  { name: 'bzpopmax', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], firstKey: 1, lastKey: -2, step: 1, categories: CATEGORIES, summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available', handler: bzpop(true) },
  { name: 'bzmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], firstKey: 0, lastKey: 0, step: 0, categories: ['write', 'sortedset', 'slow', 'blocking'], summary: 'Remove and return members with scores in a sorted set or block until one is available', handler: bzmpop, keys: numkeysKeys(2) },
];
