/**
 * String commands with Redis 7 semantics: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX
 * APPEND STRLEN GETRANGE SETRANGE INCR INCRBY DECR DECRBY INCRBYFLOAT.
 */
import type { CommandContext, CommandSpec } from './command.js';
import { NOT_FLOAT, NOT_INTEGER, OFFSET_OUT_OF_RANGE, OVERFLOW, STRING_TOO_LONG, SYNTAX, WRONG_ARITY, WRONGTYPE } from './errors.js';
import { addInt64, negateInt64, parseInt64, parseInteger, setExpireArgument, type Int64 } from './args.js';
import { addLongDouble, formatLongDoubleHuman, isFiniteLongDouble, LD_ZERO, parseLongDouble } from './long-double.js';
import { propagateRewrite } from './replication.js';

const DEFAULT_MAX_BULK_LEN = 512 * 1024 * 1024;

// ==== GET and SET: the hot path ====

function get(ctx: CommandContext, args: string[]): void {
  const value = ctx.keyspace.lookupRead(ctx.client.db, args[1]);
  if (value === undefined) ctx.reply.nil();
  else if (typeof value === 'string') ctx.reply.bulk(value);
  else ctx.reply.error(WRONGTYPE);
}

function set(ctx: CommandContext, args: string[]): void {
  if (args.length === 3) {
    ctx.keyspace.set(ctx.client.db, args[1], args[2], 0);
    ctx.reply.ok();
    return;
  }
  const options = parseSetOptions(args, 3, true);
  if (options === undefined) return ctx.reply.error(SYNTAX);
  setGeneric(ctx, args[1], args[2], options.flags, options.expire, 'set', false);
}

// Option flags of SET and GETEX (OBJ_SET_* in Redis).
const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface SetOptions {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument. */
  expire: string | undefined;
}

/**
 * Redis's parseExtendedStringArgumentsOrReply: each option may repeat, but conflicting ones (NX with XX,
 * two different expiry forms, KEEPTTL or PERSIST with an expiry) are a syntax error. undefined = syntax error.
 */
function parseSetOptions(args: string[], start: number, forSet: boolean): SetOptions | undefined {
  let flags = 0;
  let expire: string | undefined;
  for (let j = start; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const hasNext = j + 1 < args.length;
    let expireFlag = 0;
    if (opt === 'nx' && forSet && !(flags & XX)) flags |= NX;
    else if (opt === 'xx' && forSet && !(flags & NX)) flags |= XX;
    else if (opt === 'get' && forSet) flags |= GET;
    else if (opt === 'keepttl' && forSet && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (opt === 'persist' && !forSet && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (opt === 'ex') expireFlag = EX;
    else if (opt === 'px') expireFlag = PX;
    else if (opt === 'exat') expireFlag = EXAT;
    else if (opt === 'pxat') expireFlag = PXAT;
    else return undefined;
    if (expireFlag !== 0) {
      if (!hasNext || flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expireFlag))) return undefined;
      flags |= expireFlag;
      expire = args[++j];
    }
  }
  return { flags, expire };
}

/** Absolute expiry (ms) for the expiry flag in `flags`, or the error text. */
function expireFromOption(ctx: CommandContext, flags: number, text: string, cmd: string): number | string {
  const unit = flags & (EX | EXAT) ? 1000 : 1;
  const relative = (flags & (EX | PX)) !== 0;
  return setExpireArgument(text, unit, relative ? ctx.engine.clock.now() : 0, cmd);
}

/**
 * setGenericCommand: SET with options, SETNX (replies 1/0 instead of OK/nil), SETEX, PSETEX.
 */
function setGeneric(ctx: CommandContext, key: string, value: string, flags: number, expire: string | undefined, cmd: string, integerReply: boolean): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  let expireAt = 0;
  if (expire !== undefined) {
    const at = expireFromOption(ctx, flags, expire, cmd);
    if (typeof at === 'string') return reply.error(at);
    expireAt = at;
  }
  if (flags & GET) {
    const old = keyspace.lookupRead(db, key);
    if (old === undefined) reply.nil();
    else if (typeof old === 'string') reply.bulk(old);
    else return reply.error(WRONGTYPE);
  }
  if (flags & (NX | XX)) {
    const found = keyspace.lookupWrite(db, key) !== undefined;
    if ((flags & NX && found) || (flags & XX && !found)) {
      if (!(flags & GET)) {
        if (integerReply) reply.integer(0);
        else reply.nil();
      }
      return;
    }
  }
  keyspace.set(db, key, value, expireAt, (flags & KEEPTTL) !== 0);
  // A relative TTL goes to replicas as the absolute time it became (Redis 7: SET key value PXAT ms).
  if (expire !== undefined && ctx.server.replication !== undefined) propagateRewrite(ctx, ['SET', key, value, 'PXAT', String(expireAt)]);
  if (!(flags & GET)) {
    if (integerReply) reply.integer(1);
    else reply.ok();
  }
}

function setnx(ctx: CommandContext, args: string[]): void {
  setGeneric(ctx, args[1], args[2], NX, undefined, 'setnx', true);
}

function setex(ctx: CommandContext, args: string[]): void {
  setGeneric(ctx, args[1], args[3], EX, args[2], 'setex', false);
}

function psetex(ctx: CommandContext, args: string[]): void {
  setGeneric(ctx, args[1], args[3], PX, args[2], 'psetex', false);
}

// ==== Read-and-modify ====

/** Reply the string at key (nil if missing); false (after replying WRONGTYPE) if it holds another type. */
function replyString(ctx: CommandContext, key: string): boolean {
  const value = ctx.keyspace.lookupRead(ctx.client.db, key);
  if (value === undefined) ctx.reply.nil();
  else if (typeof value === 'string') ctx.reply.bulk(value);
  else {
    ctx.reply.error(WRONGTYPE);
    return false;
  }
  return true;
}

function getset(ctx: CommandContext, args: string[]): void {
  if (!replyString(ctx, args[1])) return;
  ctx.keyspace.set(ctx.client.db, args[1], args[2], 0);
}

function getdel(ctx: CommandContext, args: string[]): void {
  const db = ctx.client.db;
  const value = ctx.keyspace.lookupRead(db, args[1]);
  if (value === undefined) return ctx.reply.nil();
  if (typeof value !== 'string') return ctx.reply.error(WRONGTYPE);
  ctx.reply.bulk(value);
  ctx.keyspace.delete(db, args[1]);
}

function getex(ctx: CommandContext, args: string[]): void {
  const options = parseSetOptions(args, 2, false);
  if (options === undefined) return ctx.reply.error(SYNTAX);
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  const key = args[1];
  const value = keyspace.lookupRead(db, key);
  if (value === undefined) return reply.nil();
  if (typeof value !== 'string') return reply.error(WRONGTYPE);
  const { flags, expire } = options;
  let expireAt = 0;
  if (expire !== undefined) {
    const at = expireFromOption(ctx, flags, expire, 'getex');
    if (typeof at === 'string') return reply.error(at);
    expireAt = at;
  }
  reply.bulk(value);
  if (expire !== undefined) {
    // An EXAT/PXAT already past deletes the key (setExpireAt does, as Redis's checkAlreadyExpired).
    keyspace.setExpireAt(db, key, expireAt);
    if (ctx.server.replication !== undefined) {
      propagateRewrite(ctx, keyspace.has(db, key) ? ['PEXPIREAT', key, String(expireAt)] : ['DEL', key]);
    }
  } else if (flags & PERSIST && keyspace.persist(db, key) && ctx.server.replication !== undefined) {
    propagateRewrite(ctx, ['PERSIST', key]);
  }
}

function mget(ctx: CommandContext, args: string[]): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  reply.array(args.length - 1);
  for (let i = 1; i < args.length; i++) {
    const value = keyspace.lookupRead(db, args[i]);
    if (typeof value === 'string') reply.bulk(value);
    else reply.nil();
  }
}

function mset(ctx: CommandContext, args: string[]): void {
  if (args.length % 2 === 0) return ctx.reply.error(WRONG_ARITY('mset'));
  const db = ctx.client.db;
  for (let i = 1; i < args.length; i += 2) ctx.keyspace.set(db, args[i], args[i + 1], 0);
  ctx.reply.ok();
}

function msetnx(ctx: CommandContext, args: string[]): void {
  if (args.length % 2 === 0) return ctx.reply.error(WRONG_ARITY('msetnx'));
  const db = ctx.client.db;
  for (let i = 1; i < args.length; i += 2) {
    if (ctx.keyspace.lookupWrite(db, args[i]) !== undefined) return ctx.reply.integer(0);
  }
  for (let i = 1; i < args.length; i += 2) ctx.keyspace.set(db, args[i], args[i + 1], 0);
  ctx.reply.integer(1);
}

// ==== Lengths and ranges ====

/** proto-max-bulk-len: the largest string APPEND and SETRANGE may build. */
function maxStringLength(ctx: CommandContext): number {
  const config = ctx.server.config;
  return config.has('proto-max-bulk-len') ? config.getNumber('proto-max-bulk-len') : DEFAULT_MAX_BULK_LEN;
}

/**
 * Build a string, answering STRING_TOO_LONG where V8 cannot (its limit, 2^29 - 24 chars, is a few bytes
 * under Redis's default 512 MB).
 */
function buildString(ctx: CommandContext, build: () => string): string | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof RangeError) {
      ctx.reply.error(STRING_TOO_LONG);
      return undefined;
    }
    throw e;
  }
}

function append(ctx: CommandContext, args: string[]): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  const key = args[1];
  const old = keyspace.lookupWrite(db, key);
  if (old === undefined) {
    keyspace.set(db, key, args[2], 0);
    return reply.integer(args[2].length);
  }
  if (typeof old !== 'string') return reply.error(WRONGTYPE);
  if (old.length + args[2].length > maxStringLength(ctx)) return reply.error(STRING_TOO_LONG);
  const value = buildString(ctx, () => old + args[2]);
  if (value === undefined) return;
  keyspace.set(db, key, value, 0, true);
  reply.integer(value.length);
}

function strlen(ctx: CommandContext, args: string[]): void {
  const value = ctx.keyspace.lookupRead(ctx.client.db, args[1]);
  if (value === undefined) ctx.reply.integer(0);
  else if (typeof value === 'string') ctx.reply.integer(value.length);
  else ctx.reply.error(WRONGTYPE);
}

function getrange(ctx: CommandContext, args: string[]): void {
  let start = parseInteger(args[2]);
  let end = parseInteger(args[3]);
  if (start === undefined || end === undefined) return ctx.reply.error(NOT_INTEGER);
  const value = ctx.keyspace.lookupRead(ctx.client.db, args[1]);
  if (value === undefined) return ctx.reply.bulk('');
  if (typeof value !== 'string') return ctx.reply.error(WRONGTYPE);
  const len = value.length;
  if (start < 0 && end < 0 && start > end) return ctx.reply.bulk('');
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return ctx.reply.bulk('');
  ctx.reply.bulk(value.slice(start, end + 1));
}

function setrange(ctx: CommandContext, args: string[]): void {
  const offset = parseInteger(args[2]);
  if (offset === undefined) return ctx.reply.error(NOT_INTEGER);
  if (offset < 0) return ctx.reply.error(OFFSET_OUT_OF_RANGE);
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  const key = args[1];
  const patch = args[3];
  const old = keyspace.lookupWrite(db, key);
  if (old !== undefined && typeof old !== 'string') return reply.error(WRONGTYPE);
  if (patch.length === 0) return reply.integer(old === undefined ? 0 : old.length);
  if (offset + patch.length > maxStringLength(ctx)) return reply.error(STRING_TOO_LONG);
  const base = old ?? '';
  const value = buildString(ctx, () =>
    offset <= base.length
      ? base.slice(0, offset) + patch + base.slice(offset + patch.length)
      : base + '\0'.repeat(offset - base.length) + patch,
  );
  if (value === undefined) return;
  keyspace.set(db, key, value, 0, old !== undefined);
  reply.integer(value.length);
}

// ==== Counters ====

/** INCR/DECR/INCRBY/DECRBY: int64 arithmetic on the string, TTL kept, overflow refused as Redis. */
function incrementBy(ctx: CommandContext, key: string, delta: Int64): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  const old = keyspace.lookupWrite(db, key);
  let current: Int64 = 0;
  if (old !== undefined) {
    if (typeof old !== 'string') return reply.error(WRONGTYPE);
    const parsed = parseInt64(old);
    if (parsed === undefined) return reply.error(NOT_INTEGER);
    current = parsed;
  }
  const result = addInt64(current, delta);
  if (result === undefined) return reply.error(OVERFLOW);
  keyspace.set(db, key, String(result), 0, old !== undefined);
  replyInt64(ctx, result);
}

/** An int64 reply: exact on the wire, also beyond 2^53. */
function replyInt64(ctx: CommandContext, v: Int64): void {
  ctx.reply.integer(v);
}

function incr(ctx: CommandContext, args: string[]): void {
  incrementBy(ctx, args[1], 1);
}

function decr(ctx: CommandContext, args: string[]): void {
  incrementBy(ctx, args[1], -1);
}

function incrby(ctx: CommandContext, args: string[]): void {
  const delta = parseInt64(args[2]);
  if (delta === undefined) return ctx.reply.error(NOT_INTEGER);
  incrementBy(ctx, args[1], delta);
}

function decrby(ctx: CommandContext, args: string[]): void {
  const delta = parseInt64(args[2]);
  if (delta === undefined) return ctx.reply.error(NOT_INTEGER);
  const negated = negateInt64(delta);
  if (negated === undefined) return ctx.reply.error('ERR decrement would overflow');
  incrementBy(ctx, args[1], negated);
}

function incrbyfloat(ctx: CommandContext, args: string[]): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  const key = args[1];
  const old = keyspace.lookupWrite(db, key);
  if (old !== undefined && typeof old !== 'string') return reply.error(WRONGTYPE);
  const current = old === undefined ? LD_ZERO : parseLongDouble(old);
  const increment = parseLongDouble(args[2]);
  if (current === undefined || increment === undefined) return reply.error(NOT_FLOAT);
  const sum = addLongDouble(current, increment);
  if (!isFiniteLongDouble(sum)) return reply.error('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(sum);
  keyspace.set(db, key, text, 0, old !== undefined);
  // The sum goes to replicas as the string it became, so float formatting never differs (Redis: SET KEEPTTL).
  if (ctx.server.replication !== undefined) propagateRewrite(ctx, ['SET', key, text, 'KEEPTTL']);
  reply.bulk(text);
}

// ==== The table ====

type Flags = CommandSpec['flags'];
const READ_FAST: Flags = ['readonly', 'fast'];
const WRITE_OOM: Flags = ['write', 'denyoom'];
const WRITE_OOM_FAST: Flags = ['write', 'denyoom', 'fast'];
const WRITE_FAST: Flags = ['write', 'fast'];

function spec(name: string, arity: number, flags: Flags, firstKey: number, lastKey: number, step: number, categories: readonly string[], summary: string, handler: CommandSpec['handler']): CommandSpec {
  return { name, arity, flags, firstKey, lastKey, step, summary, categories, handler };
}

/** Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO. */
export const stringCommands: readonly CommandSpec[] = [
  spec('get', 2, READ_FAST, 1, 1, 1, ['read', 'string', 'fast'], 'Get the value of a key', get),
  spec('set', -3, WRITE_OOM, 1, 1, 1, ['write', 'string', 'slow'], 'Set the string value of a key', set),
  spec('setnx', 3, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Set the value of a key, only if the key does not exist', setnx),
  spec('setex', 4, WRITE_OOM, 1, 1, 1, ['write', 'string', 'slow'], 'Set the value and expiration of a key', setex),
  spec('psetex', 4, WRITE_OOM, 1, 1, 1, ['write', 'string', 'slow'], 'Set the value and expiration in milliseconds of a key', psetex),
  spec('getset', 3, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Set the string value of a key and return its old value', getset),
  spec('getdel', 2, WRITE_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Get the value of a key and delete the key', getdel),
  spec('getex', -2, WRITE_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Get the value of a key and optionally set its expiration', getex),
  spec('mget', -2, READ_FAST, 1, -1, 1, ['read', 'string', 'fast'], 'Get the values of all the given keys', mget),
  spec('mset', -3, WRITE_OOM, 1, -1, 2, ['write', 'string', 'slow'], 'Set multiple keys to multiple values', mset),
  spec('msetnx', -3, WRITE_OOM, 1, -1, 2, ['write', 'string', 'slow'], 'Set multiple keys to multiple values, only if none of the keys exist', msetnx),
  spec('append', 3, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Append a value to a key', append),
  spec('strlen', 2, READ_FAST, 1, 1, 1, ['read', 'string', 'fast'], 'Get the length of the value stored in a key', strlen),
  spec('getrange', 4, ['readonly'], 1, 1, 1, ['read', 'string', 'slow'], 'Get a substring of the string stored at a key', getrange),
  spec('setrange', 4, WRITE_OOM, 1, 1, 1, ['write', 'string', 'slow'], 'Overwrite part of a string at key starting at the specified offset', setrange),
  spec('incr', 2, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Increment the integer value of a key by one', incr),
  spec('incrby', 3, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Increment the integer value of a key by the given amount', incrby),
  spec('decr', 2, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Decrement the integer value of a key by one', decr),
  spec('decrby', 3, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Decrement the integer value of a key by the given number', decrby),
  spec('incrbyfloat', 3, WRITE_OOM_FAST, 1, 1, 1, ['write', 'string', 'fast'], 'Increment the float value of a key by the given amount', incrbyfloat),
];
