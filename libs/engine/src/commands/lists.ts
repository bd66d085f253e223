/**
 * List commands with Redis 7.0 semantics: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT
 * LREM LTRIM LPOS RPOPLPUSH LMOVE LMPOP, and the blocking BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP.
 */
import { numkeysKeys } from './key-positions.js';
import type { CommandContext, CommandSpec } from './command.js';
import { NO_SUCH_KEY, NOT_INTEGER, SYNTAX, WRONG_ARITY, WRONGTYPE } from './errors.js';
import { parseInteger, parseMultiPop } from './args.js';
import { ListValue } from '../types/list.js';
import { deadlineArg } from './blocking.js';
import { propagateRewrite } from './replication.js';

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const INDEX_OUT_OF_RANGE = 'ERR index out of range';
const RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const LONG_MAX = 9223372036854775807;

// ==== Lookups ====

/** The list at `key` for reading; undefined if missing; null after replying WRONGTYPE. */
function readList(ctx: CommandContext, key: string): ListValue | undefined | null {
  const value = ctx.keyspace.lookupRead(ctx.client.db, key);
  if (value === undefined || value instanceof ListValue) return value;
  ctx.reply.error(WRONGTYPE);
  return null;
}

/** The list at `key` for writing; undefined if missing; null after replying WRONGTYPE. */
function writeList(ctx: CommandContext, key: string): ListValue | undefined | null {
  const value = ctx.keyspace.lookupWrite(ctx.client.db, key);
  if (value === undefined || value instanceof ListValue) return value;
  ctx.reply.error(WRONGTYPE);
  return null;
}

/** After an in-place mutation: delete the key if the list became empty, else re-account its memory. */
function mutated(ctx: CommandContext, key: string, list: ListValue): void {
  if (list.length === 0) ctx.keyspace.delete(ctx.client.db, key);
  else ctx.keyspace.resized(ctx.client.db, key);
}

/** An integer in [min, max], or undefined after replying `message` (NOT_INTEGER if not an integer at all). */
function rangedArgument(ctx: CommandContext, text: string, min: number, max: number, message: string, notInteger = NOT_INTEGER): number | undefined {
  const v = parseInteger(text);
  if (v === undefined) ctx.reply.error(notInteger);
  else if (v < min || v > max) ctx.reply.error(message);
  else return v;
  return undefined;
}

/** "left" → true (head), "right" → false (tail), undefined if neither. */
function parseSide(text: string): boolean | undefined {
  const t = text.toLowerCase();
  return t === 'left' ? true : t === 'right' ? false : undefined;
}

// ==== Push ====

function pushGeneric(ctx: CommandContext, args: string[], head: boolean, onlyIfExists: boolean): void {
  const key = args[1];
  let list = writeList(ctx, key);
  if (list === null) return;
  if (list === undefined) {
    if (onlyIfExists) return ctx.reply.integer(0);
    list = new ListValue();
    pushAll(list, args, head);
    ctx.keyspace.set(ctx.client.db, key, list);
  } else {
    pushAll(list, args, head);
    ctx.keyspace.resized(ctx.client.db, key);
  }
  ctx.reply.integer(list.length);
}

function pushAll(list: ListValue, args: string[], head: boolean): void {
  for (let j = 2; j < args.length; j++) {
    if (head) list.pushFront(args[j]);
    else list.pushBack(args[j]);
  }
}

const lpush = (ctx: CommandContext, args: string[]): void => pushGeneric(ctx, args, true, false);
const rpush = (ctx: CommandContext, args: string[]): void => pushGeneric(ctx, args, false, false);
const lpushx = (ctx: CommandContext, args: string[]): void => pushGeneric(ctx, args, true, true);
const rpushx = (ctx: CommandContext, args: string[]): void => pushGeneric(ctx, args, false, true);

// ==== Pop ====

/** Reply `count` elements popped from one end, in pop order, as an array. */
function replyPopped(ctx: CommandContext, list: ListValue, head: boolean, count: number): void {
  const n = Math.min(count, list.length);
  ctx.reply.array(n);
  for (let i = 0; i < n; i++) ctx.reply.bulk((head ? list.popFront() : list.popBack()) as string);
}

function popGeneric(ctx: CommandContext, args: string[], head: boolean): void {
  if (args.length > 3) return ctx.reply.error(WRONG_ARITY(args[0].toLowerCase()));
  const hasCount = args.length === 3;
  let count = 0;
  if (hasCount) {
    const c = rangedArgument(ctx, args[2], 0, LONG_MAX, MUST_BE_POSITIVE, MUST_BE_POSITIVE);
    if (c === undefined) return;
    count = c;
  }
  const list = writeList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return hasCount ? ctx.reply.nilArray() : ctx.reply.nil();
  if (hasCount && count === 0) return ctx.reply.array(0);
  if (!hasCount) ctx.reply.bulk((head ? list.popFront() : list.popBack()) as string);
  else replyPopped(ctx, list, head, count);
  mutated(ctx, args[1], list);
}

const lpop = (ctx: CommandContext, args: string[]): void => popGeneric(ctx, args, true);
const rpop = (ctx: CommandContext, args: string[]): void => popGeneric(ctx, args, false);

/** LMPOP's and BLMPOP's sides: LEFT is side 0, the head. */
const LEFT_RIGHT = ['left', 'right'] as const;

/** Reply [key, [elements]] with up to `count` popped from the list at `key` (which exists). */
function mpopFrom(ctx: CommandContext, key: string, list: ListValue, head: boolean, count: number): void {
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  replyPopped(ctx, list, head, count);
  mutated(ctx, key, list);
}

/**
 * Pop from the first non-empty list among `keys` with `pop`; false if all are missing, true once replied
 * (served, or WRONGTYPE at the first key holding another type).
 */
function popFirst(ctx: CommandContext, keys: readonly string[], pop: (key: string, list: ListValue) => void): boolean {
  for (const key of keys) {
    const list = writeList(ctx, key);
    if (list === null) return true;
    if (list === undefined) continue;
    pop(key, list);
    return true;
  }
  return false;
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
function lmpop(ctx: CommandContext, args: string[]): void {
  const p = parseMultiPop(args, 1, LEFT_RIGHT);
  if (typeof p === 'string') return ctx.reply.error(p);
  if (!popFirst(ctx, p.keys, (key, list) => mpopFrom(ctx, key, list, p.side === 0, p.count))) ctx.reply.nilArray();
}

// ==== Move ====

/**
 * Pop from `source` at one end and push onto `destination` at one end; reply the element (nil if none).
 * True if an element moved.
 */
function moveGeneric(ctx: CommandContext, source: string, destination: string, fromHead: boolean, toHead: boolean): boolean {
  const src = writeList(ctx, source);
  if (src === null) return false;
  if (src === undefined) {
    ctx.reply.nil();
    return false;
  }
  let dst = writeList(ctx, destination);
  if (dst === null) return false;
  const element = (fromHead ? src.popFront() : src.popBack()) as string;
  if (dst === undefined) {
    dst = new ListValue();
    if (toHead) dst.pushFront(element);
    else dst.pushBack(element);
    ctx.keyspace.set(ctx.client.db, destination, dst);
  } else {
    if (toHead) dst.pushFront(element);
    else dst.pushBack(element);
    ctx.keyspace.resized(ctx.client.db, destination);
  }
  if (src !== dst) mutated(ctx, source, src);
  ctx.reply.bulk(element);
  return true;
}

function rpoplpush(ctx: CommandContext, args: string[]): void {
  moveGeneric(ctx, args[1], args[2], false, true);
}

function lmove(ctx: CommandContext, args: string[]): void {
  const fromHead = parseSide(args[3]);
  const toHead = parseSide(args[4]);
  if (fromHead === undefined || toHead === undefined) return ctx.reply.error(SYNTAX);
  moveGeneric(ctx, args[1], args[2], fromHead, toHead);
}

// ==== Blocking ====

/**
 * The blocking variants: the same pop/move when a key can serve now; else, as Redis, a nil reply inside EXEC
 * (or from a transport that cannot wait), or the client parks on its keys (blocking.ts) until a push serves it.
 */


function blockingPop(ctx: CommandContext, args: string[], head: boolean): void {
  const deadline = deadlineArg(ctx, args[args.length - 1]);
  if (deadline === undefined) return;
  const pop = (key: string, list: ListValue): void => {
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk((head ? list.popFront() : list.popBack()) as string);
    mutated(ctx, key, list);
    if (ctx.server.replication !== undefined) propagateRewrite(ctx, [head ? 'LPOP' : 'RPOP', key]);
  };
  const keys = args.slice(1, -1);
  if (popFirst(ctx, keys, pop)) return;
  ctx.server.blocking.block(ctx, keys, deadline, 'list', (c, key) => pop(key, writeList(c, key) as ListValue));
}

const blpop = (ctx: CommandContext, args: string[]): void => blockingPop(ctx, args, true);
const brpop = (ctx: CommandContext, args: string[]): void => blockingPop(ctx, args, false);

function blockingMove(ctx: CommandContext, source: string, destination: string, fromHead: boolean, toHead: boolean, timeout: string): void {
  const deadline = deadlineArg(ctx, timeout);
  if (deadline === undefined) return;
  const src = writeList(ctx, source);
  if (src === null) return;
  if (src !== undefined) return moveNow(ctx, source, destination, fromHead, toHead);
  // Served later by the same move: a destination of another type then gets WRONGTYPE, the source untouched.
  ctx.server.blocking.block(ctx, [source], deadline, 'list', (c) => {
    c.server.beforeWrite?.(c.client.db, destination);
    moveNow(c, source, destination, fromHead, toHead);
  }, true);
}

/** A blocking move served: replicas get the LMOVE it amounted to. */
function moveNow(ctx: CommandContext, source: string, destination: string, fromHead: boolean, toHead: boolean): void {
  if (moveGeneric(ctx, source, destination, fromHead, toHead) && ctx.server.replication !== undefined) {
    propagateRewrite(ctx, ['LMOVE', source, destination, fromHead ? 'LEFT' : 'RIGHT', toHead ? 'LEFT' : 'RIGHT']);
  }
}

function brpoplpush(ctx: CommandContext, args: string[]): void {
  blockingMove(ctx, args[1], args[2], false, true, args[3]);
}

function blmove(ctx: CommandContext, args: string[]): void {
  const fromHead = parseSide(args[3]);
  const toHead = parseSide(args[4]);
  if (fromHead === undefined || toHead === undefined) return ctx.reply.error(SYNTAX);
  blockingMove(ctx, args[1], args[2], fromHead, toHead, args[5]);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
function blmpop(ctx: CommandContext, args: string[]): void {
  const p = parseMultiPop(args, 2, LEFT_RIGHT);
  if (typeof p === 'string') return ctx.reply.error(p);
  const deadline = deadlineArg(ctx, args[1]);
  if (deadline === undefined) return;
  const head = p.side === 0;
  if (popFirst(ctx, p.keys, (key, list) => blockingMpopFrom(ctx, key, list, head, p.count))) return;
  ctx.server.blocking.block(ctx, p.keys, deadline, 'list', (c, key) => blockingMpopFrom(c, key, writeList(c, key) as ListValue, head, p.count));
}

/** BLMPOP served, now or later: replicas get the LPOP/RPOP key count it amounted to. */
function blockingMpopFrom(ctx: CommandContext, key: string, list: ListValue, head: boolean, count: number): void {
  mpopFrom(ctx, key, list, head, count);
  if (ctx.server.replication !== undefined) propagateRewrite(ctx, [head ? 'LPOP' : 'RPOP', key, String(count)]);
}

// ==== Read ====

function llen(ctx: CommandContext, args: string[]): void {
  const list = readList(ctx, args[1]);
  if (list !== null) ctx.reply.integer(list === undefined ? 0 : list.length);
}

function lrange(ctx: CommandContext, args: string[]): void {
  let start = parseInteger(args[2]);
  let end = parseInteger(args[3]);
  if (start === undefined || end === undefined) return ctx.reply.error(NOT_INTEGER);
  const list = readList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return ctx.reply.array(0);
  const length = list.length;
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return ctx.reply.array(0);
  if (end >= length) end = length - 1;
  ctx.reply.array(end - start + 1);
  for (let i = start; i <= end; i++) ctx.reply.bulk(list.at(i) as string);
}

function lindex(ctx: CommandContext, args: string[]): void {
  const list = readList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return ctx.reply.nil();
  const index = parseInteger(args[2]);
  if (index === undefined) return ctx.reply.error(NOT_INTEGER);
  const element = list.at(index < 0 ? index + list.length : index);
  if (element === undefined) ctx.reply.nil();
  else ctx.reply.bulk(element);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lpos(ctx: CommandContext, args: string[]): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  let countIgnored = false;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const moreArgs = j + 1 < args.length;
    if (opt === 'rank' && moreArgs) {
      const r = parseInteger(args[++j]);
      if (r === undefined) return ctx.reply.error(NOT_INTEGER);
      if (r === 0) return ctx.reply.error(RANK_ZERO);
      // Redis negates LONG_MIN into itself, which then matches the first hit from the tail (as rank -1), and its
      // COUNT test (matches - rank + 1 >= count) overflows and never stops: every match up to MAXLEN is returned.
      countIgnored = args[j] === '-9223372036854775808';
      rank = countIgnored ? -1 : r;
    } else if (opt === 'count' && moreArgs) {
      const c = rangedArgument(ctx, args[++j], 0, LONG_MAX, "ERR COUNT can't be negative", "ERR COUNT can't be negative");
      if (c === undefined) return;
      count = c;
    } else if (opt === 'maxlen' && moreArgs) {
      const m = rangedArgument(ctx, args[++j], 0, LONG_MAX, "ERR MAXLEN can't be negative", "ERR MAXLEN can't be negative");
      if (m === undefined) return;
      maxlen = m;
    } else {
      return ctx.reply.error(SYNTAX);
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = readList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return count === -1 ? ctx.reply.nil() : ctx.reply.array(0);
  const element = args[2];
  const length = list.length;
  const matches: number[] = [];
  let seen = 0;
  for (let k = 0; k < length && (maxlen === 0 || k < maxlen); k++) {
    const index = fromTail ? length - 1 - k : k;
    if (list.at(index) !== element) continue;
    if (++seen < rank) continue;
    matches.push(index);
    if (count === -1 || (count !== 0 && !countIgnored && matches.length >= count)) break;
  }
  if (count !== -1) {
    ctx.reply.array(matches.length);
    for (const index of matches) ctx.reply.integer(index);
  } else if (matches.length === 0) {
    ctx.reply.nil();
  } else {
    ctx.reply.integer(matches[0]);
  }
}

// ==== Modify in place ====

function lset(ctx: CommandContext, args: string[]): void {
  const list = ctx.keyspace.lookupWrite(ctx.client.db, args[1]);
  if (list === undefined) return ctx.reply.error(NO_SUCH_KEY);
  if (!(list instanceof ListValue)) return ctx.reply.error(WRONGTYPE);
  const index = parseInteger(args[2]);
  if (index === undefined) return ctx.reply.error(NOT_INTEGER);
  const i = index < 0 ? index + list.length : index;
  if (i < 0 || i >= list.length) return ctx.reply.error(INDEX_OUT_OF_RANGE);
  list.setAt(i, args[3]);
  ctx.keyspace.resized(ctx.client.db, args[1]);
  ctx.reply.ok();
}

/** LINSERT key BEFORE|AFTER pivot element */
function linsert(ctx: CommandContext, args: string[]): void {
  const where = args[2].toLowerCase();
  if (where !== 'before' && where !== 'after') return ctx.reply.error(SYNTAX);
  const list = writeList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return ctx.reply.integer(0);
  const pivot = list.indexOf(args[3]);
  if (pivot === -1) return ctx.reply.integer(-1);
  list.insertAt(where === 'after' ? pivot + 1 : pivot, args[4]);
  ctx.keyspace.resized(ctx.client.db, args[1]);
  ctx.reply.integer(list.length);
}

/** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
function lrem(ctx: CommandContext, args: string[]): void {
  const count = parseInteger(args[2]);
  if (count === undefined) return ctx.reply.error(NOT_INTEGER);
  const list = writeList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return ctx.reply.integer(0);
  const removed = list.remove(args[3], Math.abs(count), count < 0);
  if (removed > 0) mutated(ctx, args[1], list);
  ctx.reply.integer(removed);
}

function ltrim(ctx: CommandContext, args: string[]): void {
  let start = parseInteger(args[2]);
  let end = parseInteger(args[3]);
  if (start === undefined || end === undefined) return ctx.reply.error(NOT_INTEGER);
  const list = writeList(ctx, args[1]);
  if (list === null) return;
  if (list === undefined) return ctx.reply.ok();
  const length = list.length;
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) list.trim(1, 0);
  else list.trim(start, Math.min(end, length - 1));
  mutated(ctx, args[1], list);
  ctx.reply.ok();
}

// ==== The table ====

type Flags = CommandSpec['flags'];
const READ: Flags = ['readonly'];
const READ_FAST: Flags = ['readonly', 'fast'];
const WRITE: Flags = ['write'];
const WRITE_FAST: Flags = ['write', 'fast'];
const WRITE_OOM: Flags = ['write', 'denyoom'];
const WRITE_OOM_FAST: Flags = ['write', 'denyoom', 'fast'];
const FAST: readonly string[] = ['write', 'list', 'fast'];
const SLOW: readonly string[] = ['write', 'list', 'slow'];
const READ_SLOW: readonly string[] = ['read', 'list', 'slow'];
const BLOCKING: Flags = ['write', 'noscript', 'blocking'];
const BLOCKING_OOM: Flags = ['write', 'denyoom', 'noscript', 'blocking'];
const BLOCKING_SLOW: readonly string[] = ['write', 'list', 'slow', 'blocking'];

function spec(name: string, arity: number, flags: Flags, firstKey: number, lastKey: number, categories: readonly string[], summary: string, handler: CommandSpec['handler']): CommandSpec {
  return { name, arity, flags, firstKey, lastKey, step: firstKey === 0 ? 0 : 1, summary, categories, handler };
}

/** Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO. */
export const listCommands: readonly CommandSpec[] = [
  spec('lpush', -3, WRITE_OOM_FAST, 1, 1, FAST, 'Prepend one or multiple elements to a list', lpush),
  spec('rpush', -3, WRITE_OOM_FAST, 1, 1, FAST, 'Append one or multiple elements to a list', rpush),
  spec('lpushx', -3, WRITE_OOM_FAST, 1, 1, FAST, 'Prepend an element to a list, only if the list exists', lpushx),
  spec('rpushx', -3, WRITE_OOM_FAST, 1, 1, FAST, 'Append an element to a list, only if the list exists', rpushx),
  spec('lpop', -2, WRITE_FAST, 1, 1, FAST, 'Remove and get the first elements in a list', lpop),
  spec('rpop', -2, WRITE_FAST, 1, 1, FAST, 'Remove and get the last elements in a list', rpop),
  spec('llen', 2, READ_FAST, 1, 1, ['read', 'list', 'fast'], 'Get the length of a list', llen),
  spec('lrange', 4, READ, 1, 1, READ_SLOW, 'Get a range of elements from a list', lrange),
  spec('lindex', 3, READ, 1, 1, READ_SLOW, 'Get an element from a list by its index', lindex),
  spec('lset', 4, WRITE_OOM, 1, 1, SLOW, 'Set the value of an element in a list by its index', lset),
  spec('linsert', 5, WRITE_OOM, 1, 1, SLOW, 'Insert an element before or after another element in a list', linsert),
  spec('lrem', 4, WRITE, 1, 1, SLOW, 'Remove elements from a list', lrem),
  spec('ltrim', 4, WRITE, 1, 1, SLOW, 'Trim a list to the specified range', ltrim),
  spec('lpos', -3, READ, 1, 1, READ_SLOW, 'Return the index of matching elements on a list', lpos),
  spec('rpoplpush', 3, WRITE_OOM, 1, 2, SLOW, 'Remove the last element in a list, prepend it to another list and return it', rpoplpush),
  spec('lmove', 5, WRITE_OOM, 1, 2, SLOW, 'Pop an element from a list, push it to another list and return it', lmove),
  { ...spec('lmpop', -4, ['write', 'movablekeys'], 0, 0, SLOW, 'Pop elements from a list', lmpop), keys: numkeysKeys(1) },
  spec('blpop', -3, BLOCKING, 1, -2, BLOCKING_SLOW, 'Remove and get the first element in a list, or block until one is available', blpop),
  spec('brpop', -3, BLOCKING, 1, -2, BLOCKING_SLOW, 'Remove and get the last element in a list, or block until one is available', brpop),
  spec('brpoplpush', 4, BLOCKING_OOM, 1, 2, BLOCKING_SLOW, 'Pop an element from a list, push it to another list and return it; or block until one is available', brpoplpush),
  spec('blmove', 6, BLOCKING_OOM, 1, 2, BLOCKING_SLOW, 'Pop an element from a list, push it to another list and return it; or block until one is available', blmove),
  { ...spec('blmpop', -5, ['write', 'blocking', 'movablekeys'], 0, 0, BLOCKING_SLOW, 'Pop elements from a list, or block until one is available', blmpop), keys: numkeysKeys(2) },
];
