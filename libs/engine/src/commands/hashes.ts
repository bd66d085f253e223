/**
 * Hash commands with Redis 7.0 semantics: HSET HGET HMGET HDEL HLEN HEXISTS HGETALL HKEYS HVALS HSETNX HMSET
 * HSTRLEN HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 */
import { distinctIndexes, parseRandomCount, randomIndex } from './random-picks.js';
import type { CommandContext, CommandSpec } from './command.js';
import { MAX_RANDOM_REPLY, NOT_FLOAT, NOT_INTEGER, OVERFLOW, RANDOM_REPLY_TOO_LARGE, WRONG_ARITY, WRONGTYPE } from './errors.js';
import { addInt64, parseInt64 } from './args.js';
import { addLongDouble, formatLongDoubleHuman, isFiniteLongDouble, LD_ZERO, parseLongDouble } from './long-double.js';
import { globMatch } from './glob.js';
import { parseScanCursor, parseScanOptions, replyScan } from './scan-args.js';
import { HashValue } from '../types/hash.js';
import { propagateRewrite } from './replication.js';

/** The hash at key, undefined if missing, or null after replying WRONGTYPE. */
function readHash(ctx: CommandContext, key: string): HashValue | undefined | null {
  const value = ctx.keyspace.lookupRead(ctx.client.db, key);
  if (value === undefined || value instanceof HashValue) return value;
  ctx.reply.error(WRONGTYPE);
  return null;
}

/** The hash at key for writing, created (not yet stored) if missing, or null after replying WRONGTYPE. */
function writeHash(ctx: CommandContext, key: string): HashValue | null {
  const value = ctx.keyspace.lookupWrite(ctx.client.db, key);
  if (value === undefined) return new HashValue();
  if (value instanceof HashValue) return value;
  ctx.reply.error(WRONGTYPE);
  return null;
}

/** Store a new hash or re-account a mutated one; an emptied hash deletes its key. */
function saveHash(ctx: CommandContext, key: string, hash: HashValue, isNew: boolean): void {
  const db = ctx.client.db;
  if (hash.size === 0) {
    if (!isNew) ctx.keyspace.delete(db, key);
  } else if (isNew) {
    ctx.keyspace.set(db, key, hash);
  } else {
    ctx.keyspace.resized(db, key);
  }
}

// ==== Writes ====

function setFields(ctx: CommandContext, args: string[], cmd: string): number | undefined {
  if (args.length % 2 === 1) {
    ctx.reply.error(WRONG_ARITY(cmd));
    return undefined;
  }
  const hash = writeHash(ctx, args[1]);
  if (hash === null) return undefined;
  const isNew = hash.size === 0;
  let created = 0;
  for (let i = 2; i < args.length; i += 2) if (hash.set(args[i], args[i + 1])) created++;
  saveHash(ctx, args[1], hash, isNew);
  return created;
}

function hset(ctx: CommandContext, args: string[]): void {
  const created = setFields(ctx, args, 'hset');
  if (created !== undefined) ctx.reply.integer(created);
}

function hmset(ctx: CommandContext, args: string[]): void {
  if (setFields(ctx, args, 'hmset') !== undefined) ctx.reply.ok();
}

function hsetnx(ctx: CommandContext, args: string[]): void {
  const hash = writeHash(ctx, args[1]);
  if (hash === null) return;
  if (hash.has(args[2])) return ctx.reply.integer(0);
  const isNew = hash.size === 0;
  hash.set(args[2], args[3]);
  saveHash(ctx, args[1], hash, isNew);
  ctx.reply.integer(1);
}

function hdel(ctx: CommandContext, args: string[]): void {
  const value = ctx.keyspace.lookupWrite(ctx.client.db, args[1]);
  if (value === undefined) return ctx.reply.integer(0);
  if (!(value instanceof HashValue)) return ctx.reply.error(WRONGTYPE);
  let deleted = 0;
  for (let i = 2; i < args.length && value.size > 0; i++) if (value.delete(args[i])) deleted++;
  if (deleted > 0) saveHash(ctx, args[1], value, false);
  ctx.reply.integer(deleted);
}

function hincrby(ctx: CommandContext, args: string[]): void {
  const increment = parseInt64(args[3]);
  if (increment === undefined) return ctx.reply.error(NOT_INTEGER);
  const hash = writeHash(ctx, args[1]);
  if (hash === null) return;
  const old = hash.get(args[2]);
  const current = old === undefined ? 0 : parseInt64(old);
  if (current === undefined) return ctx.reply.error('ERR hash value is not an integer');
  const sum = addInt64(current, increment);
  if (sum === undefined) return ctx.reply.error(OVERFLOW);
  const isNew = hash.size === 0;
  hash.set(args[2], String(sum));
  saveHash(ctx, args[1], hash, isNew);
  ctx.reply.integer(sum);
}

function hincrbyfloat(ctx: CommandContext, args: string[]): void {
  const increment = parseLongDouble(args[3]);
  if (increment === undefined) return ctx.reply.error(NOT_FLOAT);
  if (!isFiniteLongDouble(increment)) return ctx.reply.error('ERR value is NaN or Infinity');
  const hash = writeHash(ctx, args[1]);
  if (hash === null) return;
  const old = hash.get(args[2]);
  const current = old === undefined ? LD_ZERO : parseLongDouble(old);
  if (current === undefined) return ctx.reply.error('ERR hash value is not a float');
  const sum = addLongDouble(current, increment);
  if (!isFiniteLongDouble(sum)) return ctx.reply.error('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(sum);
  const isNew = hash.size === 0;
  hash.set(args[2], text);
  saveHash(ctx, args[1], hash, isNew);
  // The sum goes to replicas as the string it became (Redis: HSET key field value).
  if (ctx.server.replication !== undefined) propagateRewrite(ctx, ['HSET', args[1], args[2], text]);
  ctx.reply.bulk(text);
}

// ==== Reads ====

function hget(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  ctx.reply.bulk(hash?.get(args[2]) ?? null);
}

function hmget(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) ctx.reply.bulk(hash?.get(args[i]) ?? null);
}

function hlen(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash !== null) ctx.reply.integer(hash?.size ?? 0);
}

function hexists(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash !== null) ctx.reply.integer(hash?.has(args[2]) ? 1 : 0);
}

function hstrlen(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash !== null) ctx.reply.integer(hash?.get(args[2])?.length ?? 0);
}

function hgetall(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  const size = hash?.size ?? 0;
  ctx.reply.map(size);
  for (let i = 0; i < size; i++) {
    ctx.reply.bulk(hash!.fieldAt(i));
    ctx.reply.bulk(hash!.valueAt(i));
  }
}

function hkeys(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  const size = hash?.size ?? 0;
  ctx.reply.array(size);
  for (let i = 0; i < size; i++) ctx.reply.bulk(hash!.fieldAt(i));
}

function hvals(ctx: CommandContext, args: string[]): void {
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  const size = hash?.size ?? 0;
  ctx.reply.array(size);
  for (let i = 0; i < size; i++) ctx.reply.bulk(hash!.valueAt(i));
}

// ==== HRANDFIELD ====

function hrandfield(ctx: CommandContext, args: string[]): void {
  const { reply } = ctx;
  if (args.length === 2) {
    const hash = readHash(ctx, args[1]);
    if (hash === null) return;
    if (hash === undefined) return reply.nil();
    return reply.bulk(hash.fieldAt(randomIndex(hash.size)));
  }
  const parsed = parseRandomCount(ctx, args, 'withvalues');
  if (parsed === undefined) return;
  const { count, withOption: withValues } = parsed;
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  if (hash === undefined || count === 0) return reply.array(0);
  const size = hash.size;
  if (count < 0 || count === 1) {
    // With replacement: -count independent picks.
    const n = Math.abs(count);
    if (n > MAX_RANDOM_REPLY) return reply.error(RANDOM_REPLY_TOO_LARGE);
    replyPairsHeader(ctx, n, withValues);
    for (let k = 0; k < n; k++) replyPair(ctx, hash, randomIndex(size), withValues);
    return;
  }
  if (count >= size) {
    replyPairsHeader(ctx, size, withValues);
    for (let i = 0; i < size; i++) replyPair(ctx, hash, i, withValues);
    return;
  }
  replyPairsHeader(ctx, count, withValues);
  for (const i of distinctIndexes(size, count)) replyPair(ctx, hash, i, withValues);
}

/** RESP2 flattens field-value pairs; RESP3 nests each pair as a two-element array. */
function replyPairsHeader(ctx: CommandContext, n: number, withValues: boolean): void {
  ctx.reply.array(withValues && ctx.reply.protocol === 2 ? n * 2 : n);
}

function replyPair(ctx: CommandContext, hash: HashValue, i: number, withValues: boolean): void {
  const { reply } = ctx;
  if (!withValues) return reply.bulk(hash.fieldAt(i));
  if (reply.protocol === 3) reply.array(2);
  reply.bulk(hash.fieldAt(i));
  reply.bulk(hash.valueAt(i));
}

// ==== HSCAN ====


function hscan(ctx: CommandContext, args: string[]): void {
  const { reply } = ctx;
  const cursor = parseScanCursor(args[2]);
  if (cursor === undefined) return reply.error('ERR invalid cursor');
  const hash = readHash(ctx, args[1]);
  if (hash === null) return;
  if (hash === undefined) return replyScan(reply, 0, []);
  const options = parseScanOptions(args, 3, false);
  if (typeof options === 'string') return reply.error(options);
  const { count, pattern } = options;
  const found: string[] = [];
  const next = hash.scan(cursor, count, (field, value) => {
    if (pattern === undefined || globMatch(pattern, field)) found.push(field, value);
  });
  replyScan(reply, next, found);
}

// ==== The table ====

type Flags = CommandSpec['flags'];
const READ: Flags = ['readonly'];
const READ_FAST: Flags = ['readonly', 'fast'];
const WRITE_OOM_FAST: Flags = ['write', 'denyoom', 'fast'];
const WRITE_FAST: Flags = ['write', 'fast'];
const READ_FAST_CATS = ['read', 'hash', 'fast'];
const READ_SLOW_CATS = ['read', 'hash', 'slow'];
const WRITE_FAST_CATS = ['write', 'hash', 'fast'];

function spec(name: string, arity: number, flags: Flags, categories: readonly string[], summary: string, handler: CommandSpec['handler']): CommandSpec {
  return { name, arity, flags, firstKey: 1, lastKey: 1, step: 1, summary, categories, handler };
}

/** Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO. */
export const hashCommands: readonly CommandSpec[] = [
  spec('hset', -4, WRITE_OOM_FAST, WRITE_FAST_CATS, 'Set the string value of a hash field', hset),
  spec('hget', 3, READ_FAST, READ_FAST_CATS, 'Get the value of a hash field', hget),
  spec('hmget', -3, READ_FAST, READ_FAST_CATS, 'Get the values of all the given hash fields', hmget),
  spec('hdel', -3, WRITE_FAST, WRITE_FAST_CATS, 'Delete one or more hash fields', hdel),
  spec('hlen', 2, READ_FAST, READ_FAST_CATS, 'Get the number of fields in a hash', hlen),
  spec('hexists', 3, READ_FAST, READ_FAST_CATS, 'Determine if a hash field exists', hexists),
  spec('hgetall', 2, READ, READ_SLOW_CATS, 'Get all the fields and values in a hash', hgetall),
  spec('hkeys', 2, READ, READ_SLOW_CATS, 'Get all the fields in a hash', hkeys),
  spec('hvals', 2, READ, READ_SLOW_CATS, 'Get all the values in a hash', hvals),
  spec('hsetnx', 4, WRITE_OOM_FAST, WRITE_FAST_CATS, 'Set the value of a hash field, only if the field does not exist', hsetnx),
  spec('hmset', -4, WRITE_OOM_FAST, WRITE_FAST_CATS, 'Set multiple hash fields to multiple values', hmset),
  spec('hstrlen', 3, READ_FAST, READ_FAST_CATS, 'Get the length of the value of a hash field', hstrlen),
  spec('hincrby', 4, WRITE_OOM_FAST, WRITE_FAST_CATS, 'Increment the integer value of a hash field by the given number', hincrby),
  spec('hincrbyfloat', 4, WRITE_OOM_FAST, WRITE_FAST_CATS, 'Increment the float value of a hash field by the given amount', hincrbyfloat),
  spec('hrandfield', -2, READ, READ_SLOW_CATS, 'Get one or multiple random fields from a hash', hrandfield),
  spec('hscan', -3, READ, READ_SLOW_CATS, 'Incrementally iterate hash fields and associated values', hscan),
];
