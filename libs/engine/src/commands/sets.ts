/**
 * Set commands with Redis 7.0 semantics: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SPOP SRANDMEMBER SMOVE
 * SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 */
import { distinctIndexes } from './random-picks.js';
import { numkeysKeys } from './key-positions.js';
import type { CommandContext, CommandSpec } from './command.js';
import { SetValue } from '../types/set.js';
import { MAX_RANDOM_REPLY, NOT_INTEGER, RANDOM_REPLY_TOO_LARGE, SYNTAX, WRONGTYPE } from './errors.js';
import { parseInt64, parseInteger } from './args.js';
import { globMatch } from './glob.js';
import { parseScanCursor, parseScanOptions, replyScan } from './scan-args.js';
import { propagateRewrite } from './replication.js';

/** The set at key: undefined if missing, null if the key holds another type. */
function lookupSet(ctx: CommandContext, key: string, write: boolean): SetValue | undefined | null {
  const db = ctx.client.db;
  const value = write ? ctx.keyspace.lookupWrite(db, key) : ctx.keyspace.lookupRead(db, key);
  if (value === undefined) return undefined;
  return value instanceof SetValue ? value : null;
}

/** Writes every member of `members` as a RESP3 set (RESP2 array). */
function replyMembers(ctx: CommandContext, members: Iterable<string>, count: number): void {
  ctx.reply.set(count);
  for (const m of members) ctx.reply.bulk(m);
}

// ==== Single-set commands ====

function sadd(ctx: CommandContext, args: string[]): void {
  let set = lookupSet(ctx, args[1], true);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  const created = set === undefined;
  if (set === undefined) set = new SetValue();
  let added = 0;
  for (let i = 2; i < args.length; i++) if (set.add(args[i])) added++;
  if (created) ctx.keyspace.set(ctx.client.db, args[1], set);
  else if (added > 0) ctx.keyspace.resized(ctx.client.db, args[1]);
  ctx.reply.integer(added);
}

function srem(ctx: CommandContext, args: string[]): void {
  const set = lookupSet(ctx, args[1], true);
  if (set === undefined) return ctx.reply.integer(0);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  let removed = 0;
  for (let i = 2; i < args.length; i++) if (set.remove(args[i])) removed++;
  if (removed > 0) changed(ctx, args[1], set);
  ctx.reply.integer(removed);
}

/** After members left `set` in place: delete the key if it is empty, else re-account its memory. */
function changed(ctx: CommandContext, key: string, set: SetValue): void {
  if (set.size === 0) ctx.keyspace.delete(ctx.client.db, key);
  else ctx.keyspace.resized(ctx.client.db, key);
}

function scard(ctx: CommandContext, args: string[]): void {
  const set = lookupSet(ctx, args[1], false);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  ctx.reply.integer(set === undefined ? 0 : set.size);
}

function sismember(ctx: CommandContext, args: string[]): void {
  const set = lookupSet(ctx, args[1], false);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  ctx.reply.integer(set !== undefined && set.has(args[2]) ? 1 : 0);
}

function smismember(ctx: CommandContext, args: string[]): void {
  const set = lookupSet(ctx, args[1], false);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) ctx.reply.integer(set !== undefined && set.has(args[i]) ? 1 : 0);
}

function smembers(ctx: CommandContext, args: string[]): void {
  const set = lookupSet(ctx, args[1], false);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  if (set === undefined) return ctx.reply.set(0);
  replyMembers(ctx, set.values(), set.size);
}

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

function spop(ctx: CommandContext, args: string[]): void {
  if (args.length === 3) return spopWithCount(ctx, args);
  if (args.length > 3) return ctx.reply.error(SYNTAX);
  const set = lookupSet(ctx, args[1], true);
  if (set === undefined) return ctx.reply.nil();
  if (set === null) return ctx.reply.error(WRONGTYPE);
  const member = set.pop() as string;
  changed(ctx, args[1], set);
  // Replicas get what the random pop did (Redis: SREM key member).
  if (ctx.server.replication !== undefined) propagateRewrite(ctx, ['SREM', args[1], member]);
  ctx.reply.bulk(member);
}

function spopWithCount(ctx: CommandContext, args: string[]): void {
  const count = parseInteger(args[2]);
  if (count === undefined || count < 0) return ctx.reply.error(MUST_BE_POSITIVE);
  const set = lookupSet(ctx, args[1], true);
  if (set === undefined) return ctx.reply.set(0);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  if (count === 0) return ctx.reply.set(0);
  if (count >= set.size) {
    ctx.keyspace.delete(ctx.client.db, args[1]);
    if (ctx.server.replication !== undefined) propagateRewrite(ctx, ['DEL', args[1]]);
    return replyMembers(ctx, set.values(), set.size);
  }
  ctx.reply.set(count);
  // Replicas get the members popped (Redis: SREM key member ...).
  const srem = ctx.server.replication === undefined ? undefined : ['SREM', args[1]];
  for (let i = 0; i < count; i++) {
    const member = set.pop() as string;
    ctx.reply.bulk(member);
    srem?.push(member);
  }
  if (srem !== undefined) propagateRewrite(ctx, srem);
  // Redis pops a count this close to the size by building a new set of the remaining members (its
  // SPOP_MOVE_STRATEGY_MUL = 5), which may be an intset again.
  if (set.size * SPOP_MOVE_STRATEGY_MUL <= count) set.rebuilt();
  changed(ctx, args[1], set);
}

const SPOP_MOVE_STRATEGY_MUL = 5;

const SRANDMEMBER_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

function srandmember(ctx: CommandContext, args: string[]): void {
  if (args.length === 3) return srandmemberWithCount(ctx, args);
  if (args.length > 3) return ctx.reply.error(SYNTAX);
  const set = lookupSet(ctx, args[1], false);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  ctx.reply.bulk(set === undefined ? null : (set.random() as string));
}

/**
 * A positive count gives distinct members (the whole set if count >= size); a negative count gives |count|
 * members drawn independently, so repeats are possible.
 */
function srandmemberWithCount(ctx: CommandContext, args: string[]): void {
  const parsed = parseInt64(args[2]);
  if (parsed === undefined) return ctx.reply.error(NOT_INTEGER);
  if (parsed === -9223372036854775808n) return ctx.reply.error(SRANDMEMBER_RANGE);
  const count = Number(parsed);
  const set = lookupSet(ctx, args[1], false);
  if (set === undefined) return ctx.reply.array(0);
  if (set === null) return ctx.reply.error(WRONGTYPE);
  const reply = ctx.reply;
  if (count < 0) {
    if (-count > MAX_RANDOM_REPLY) return reply.error(RANDOM_REPLY_TOO_LARGE);
    reply.array(-count);
    for (let i = 0; i < -count; i++) reply.bulk(set.random() as string);
  } else if (count >= set.size) {
    reply.array(set.size);
    for (const m of set.values()) reply.bulk(m);
  } else {
    reply.array(count);
    for (const position of distinctIndexes(set.size, count)) reply.bulk(set.at(position));
  }
}

function smove(ctx: CommandContext, args: string[]): void {
  const [, srcKey, dstKey, member] = args;
  const src = lookupSet(ctx, srcKey, true);
  const dst = lookupSet(ctx, dstKey, true);
  if (src === undefined) return ctx.reply.integer(0);
  if (src === null || dst === null) return ctx.reply.error(WRONGTYPE);
  if (src === dst) return ctx.reply.integer(src.has(member) ? 1 : 0);
  if (!src.remove(member)) return ctx.reply.integer(0);
  changed(ctx, srcKey, src);
  if (dst === undefined) {
    const created = new SetValue();
    created.add(member);
    ctx.keyspace.set(ctx.client.db, dstKey, created);
  } else if (dst.add(member)) {
    ctx.keyspace.resized(ctx.client.db, dstKey);
  }
  ctx.reply.integer(1);
}

// ==== Multi-set operations ====

/**
 * The sets named by args[from..to), undefined for missing keys; null (after replying WRONGTYPE) if any key
 * holds another type. Every key is looked up, as Redis does, so a later WRONGTYPE wins over a missing key.
 */
function lookupSets(ctx: CommandContext, args: string[], from: number, to: number, write: boolean): (SetValue | undefined)[] | null {
  const sets: (SetValue | undefined)[] = [];
  for (let i = from; i < to; i++) {
    const set = lookupSet(ctx, args[i], write);
    if (set === null) {
      ctx.reply.error(WRONGTYPE);
      return null;
    }
    sets.push(set);
  }
  return sets;
}

/** Members of every set, smallest set first; `limit` > 0 stops early. Empty if any set is missing. */
function intersect(sets: (SetValue | undefined)[], limit = 0): string[] {
  const result: string[] = [];
  if (sets.some((s) => s === undefined)) return result;
  const ordered = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const [smallest, ...others] = ordered;
  for (const m of smallest.values()) {
    if (others.every((s) => s.has(m))) {
      result.push(m);
      if (result.length === limit) break;
    }
  }
  return result;
}

function union(sets: (SetValue | undefined)[]): SetValue {
  const result = new SetValue();
  for (const set of sets) if (set !== undefined) for (const m of set.values()) result.add(m);
  return result;
}

function difference(sets: (SetValue | undefined)[]): SetValue {
  const result = new SetValue();
  const [first, ...others] = sets;
  if (first === undefined) return result;
  for (const m of first.values()) if (others.every((s) => s === undefined || !s.has(m))) result.add(m);
  return result;
}

function setOf(members: string[]): SetValue {
  const set = new SetValue();
  for (const m of members) set.add(m);
  return set;
}

/** *STORE: the result replaces dst (TTL dropped) or, when empty, deletes it; replies its size. */
function store(ctx: CommandContext, dst: string, result: SetValue): void {
  if (result.size === 0) ctx.keyspace.delete(ctx.client.db, dst);
  else ctx.keyspace.set(ctx.client.db, dst, result);
  ctx.reply.integer(result.size);
}

function sinter(ctx: CommandContext, args: string[]): void {
  const sets = lookupSets(ctx, args, 1, args.length, false);
  if (sets === null) return;
  const members = intersect(sets);
  replyMembers(ctx, members, members.length);
}

function sinterstore(ctx: CommandContext, args: string[]): void {
  const sets = lookupSets(ctx, args, 2, args.length, true);
  if (sets !== null) store(ctx, args[1], setOf(intersect(sets)));
}

function sintercard(ctx: CommandContext, args: string[]): void {
  const numkeys = parseInteger(args[1]);
  if (numkeys === undefined || numkeys < 1) return ctx.reply.error('ERR numkeys should be greater than 0');
  if (numkeys > args.length - 2) return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let i = 2 + numkeys; i < args.length; i++) {
    if (args[i].toLowerCase() === 'limit' && i + 1 < args.length) {
      const n = parseInteger(args[++i]);
      if (n === undefined || n < 0) return ctx.reply.error("ERR LIMIT can't be negative");
      limit = n;
    } else {
      return ctx.reply.error(SYNTAX);
    }
  }
  const sets = lookupSets(ctx, args, 2, 2 + numkeys, false);
  if (sets !== null) ctx.reply.integer(intersect(sets, limit).length);
}

function sunion(ctx: CommandContext, args: string[]): void {
  const sets = lookupSets(ctx, args, 1, args.length, false);
  if (sets === null) return;
  const result = union(sets);
  replyMembers(ctx, result.values(), result.size);
}

function sunionstore(ctx: CommandContext, args: string[]): void {
  const sets = lookupSets(ctx, args, 2, args.length, true);
  if (sets !== null) store(ctx, args[1], union(sets));
}

function sdiff(ctx: CommandContext, args: string[]): void {
  const sets = lookupSets(ctx, args, 1, args.length, false);
  if (sets === null) return;
  const result = difference(sets);
  replyMembers(ctx, result.values(), result.size);
}

function sdiffstore(ctx: CommandContext, args: string[]): void {
  const sets = lookupSets(ctx, args, 2, args.length, true);
  if (sets !== null) store(ctx, args[1], difference(sets));
}

// ==== SSCAN ====


/**
 * SSCAN. An intset-encoded set is returned whole with cursor 0, as Redis does. Otherwise the cursor is the
 * number of array positions not yet visited, walked from the top down: new members are appended above the
 * walk and a removal moves the top member into the hole, so a member present throughout the iteration is
 * never skipped (it may be returned twice, which SCAN allows).
 */
function sscan(ctx: CommandContext, args: string[]): void {
  const reply = ctx.reply;
  const cursor = parseScanCursor(args[2]);
  if (cursor === undefined) return reply.error('ERR invalid cursor');
  const set = lookupSet(ctx, args[1], false);
  if (set === null) return reply.error(WRONGTYPE);
  if (set === undefined) return replyScan(reply, 0, []);
  const options = parseScanOptions(args, 3, false);
  if (typeof options === 'string') return reply.error(options);
  const { count, pattern } = options;
  const found: string[] = [];
  let next = 0;
  if (set.encoding() === 'intset') {
    for (const m of set.values()) found.push(m);
  } else {
    let position = cursor === 0 ? set.size : Math.min(cursor, set.size);
    for (let visited = 0; visited < count && position > 0; visited++) found.push(set.at(--position));
    next = position;
  }
  const kept = pattern === undefined ? found : found.filter((m) => globMatch(pattern, m));
  replyScan(reply, next, kept);
}

// ==== Table ====

type Flags = CommandSpec['flags'];
const READ_FAST = ['read', 'set', 'fast'];
const READ_SLOW = ['read', 'set', 'slow'];
const WRITE_FAST = ['write', 'set', 'fast'];
const WRITE_SLOW = ['write', 'set', 'slow'];

function spec(name: string, arity: number, flags: Flags, firstKey: number, lastKey: number, categories: readonly string[], summary: string, handler: CommandSpec['handler']): CommandSpec {
  return { name, arity, flags, firstKey, lastKey, step: firstKey === 0 ? 0 : 1, summary, categories, handler };
}

/**
 * Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO. SINTERCARD's "movablekeys" flag
 * is not a CommandFlag here; its legacy key range is 0,0,0 as in Redis.
 */
export const setCommands: readonly CommandSpec[] = [
  spec('sadd', -3, ['write', 'denyoom', 'fast'], 1, 1, WRITE_FAST, 'Add one or more members to a set', sadd),
  spec('srem', -3, ['write', 'fast'], 1, 1, WRITE_FAST, 'Remove one or more members from a set', srem),
  spec('scard', 2, ['readonly', 'fast'], 1, 1, READ_FAST, 'Get the number of members in a set', scard),
  spec('sismember', 3, ['readonly', 'fast'], 1, 1, READ_FAST, 'Determine if a given value is a member of a set', sismember),
  spec('smismember', -3, ['readonly', 'fast'], 1, 1, READ_FAST, 'Returns the membership associated with the given elements for a set', smismember),
  spec('smembers', 2, ['readonly'], 1, 1, READ_SLOW, 'Get all the members in a set', smembers),
  spec('spop', -2, ['write', 'fast'], 1, 1, WRITE_FAST, 'Remove and return one or multiple random members from a set', spop),
  spec('srandmember', -2, ['readonly'], 1, 1, READ_SLOW, 'Get one or multiple random members from a set', srandmember),
  spec('smove', 4, ['write', 'fast'], 1, 2, WRITE_FAST, 'Move a member from one set to another', smove),
  spec('sinter', -2, ['readonly'], 1, -1, READ_SLOW, 'Intersect multiple sets', sinter),
  { ...spec('sintercard', -3, ['readonly', 'movablekeys'], 0, 0, READ_SLOW, 'Intersect multiple sets and return the cardinality of the result', sintercard), keys: numkeysKeys(1) },
  spec('sinterstore', -3, ['write', 'denyoom'], 1, -1, WRITE_SLOW, 'Intersect multiple sets and store the resulting set in a key', sinterstore),
  spec('sunion', -2, ['readonly'], 1, -1, READ_SLOW, 'Add multiple sets', sunion),
  spec('sunionstore', -3, ['write', 'denyoom'], 1, -1, WRITE_SLOW, 'Add multiple sets and store the resulting set in a key', sunionstore),
  spec('sdiff', -2, ['readonly'], 1, -1, READ_SLOW, 'Subtract multiple sets', sdiff),
  spec('sdiffstore', -3, ['write', 'denyoom'], 1, -1, WRITE_SLOW, 'Subtract multiple sets and store the resulting set in a key', sdiffstore),
  spec('sscan', -3, ['readonly'], 1, 1, READ_SLOW, 'Incrementally iterate Set elements', sscan),
];
