/**
 * Generic key commands with Redis 7 semantics: DEL UNLINK EXISTS TYPE EXPIRE PEXPIRE EXPIREAT PEXPIREAT
 * EXPIRETIME PEXPIRETIME TTL PTTL PERSIST RENAME RENAMENX KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL TOUCH
 * OBJECT (ENCODING FREQ IDLETIME REFCOUNT HELP).
 */
import type { CommandContext, CommandSpec } from './command.js';
import type { Value } from '../value.js';
import { DB_INDEX_OUT_OF_RANGE, NO_SUCH_KEY, NOT_INTEGER, SYNTAX, unknownSubcommand, WRONG_ARITY } from './errors.js';
import { expireArgument, isIntegerString, parseInt64 } from './args.js';
import { globMatch } from './glob.js';
import { parseScanCursor, parseScanOptions, replyScan } from './scan-args.js';
import { replyHelp } from './config.js';
import { propagateRewrite } from './replication.js';

/**
 * Lookup as Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): lazy expiry and keyspace hit/miss counting,
 * but no LRU/LFU touch (EXISTS, TYPE, TTL, OBJECT).
 */
function lookupNoTouch(ctx: CommandContext, key: string): Value | undefined {
  const value = ctx.keyspace.peek(ctx.client.db, key);
  if (value === undefined) ctx.engine.stats.keyspaceMisses++;
  else ctx.engine.stats.keyspaceHits++;
  return value;
}

// ==== Existence and deletion ====

function del(ctx: CommandContext, args: string[]): void {
  const db = ctx.client.db;
  let deleted = 0;
  for (let i = 1; i < args.length; i++) if (ctx.keyspace.delete(db, args[i])) deleted++;
  ctx.reply.integer(deleted);
}

/** EXISTS counts a key once per time it is named. */
function exists(ctx: CommandContext, args: string[]): void {
  let count = 0;
  for (let i = 1; i < args.length; i++) if (lookupNoTouch(ctx, args[i]) !== undefined) count++;
  ctx.reply.integer(count);
}

function type(ctx: CommandContext, args: string[]): void {
  const value = lookupNoTouch(ctx, args[1]);
  ctx.reply.simple(value === undefined ? 'none' : typeof value === 'string' ? 'string' : value.type);
}

function touch(ctx: CommandContext, args: string[]): void {
  const db = ctx.client.db;
  let count = 0;
  for (let i = 1; i < args.length; i++) if (ctx.keyspace.lookupRead(db, args[i]) !== undefined) count++;
  ctx.reply.integer(count);
}

// ==== Expiry ====

// EXPIRE options (Redis 7).
const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/**
 * expireGenericCommand: options NX XX GT LT, then the time (relative to `base` ms, in `unit` ms), with
 * Redis's overflow checks; a time already past deletes the key and still replies 1.
 */
function expireGeneric(ctx: CommandContext, args: string[], unit: 1 | 1000, base: number, cmd: string): void {
  const { keyspace, reply } = ctx;
  let flags = 0;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    if (opt === 'nx') flags |= NX;
    else if (opt === 'xx') flags |= XX;
    else if (opt === 'gt') flags |= GT;
    else if (opt === 'lt') flags |= LT;
    else return reply.error(`ERR Unsupported option ${args[j]}`);
  }
  if (flags & NX && flags & (XX | GT | LT)) {
    return reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & GT && flags & LT) return reply.error('ERR GT and LT options at the same time are not compatible');
  const when = expireArgument(args[2], unit, base, cmd);
  if (typeof when === 'string') return reply.error(when);
  const db = ctx.client.db;
  const key = args[1];
  if (keyspace.lookupWrite(db, key) === undefined) return reply.integer(0);
  if (flags !== 0) {
    const at = keyspace.expireAt(db, key);
    const current = at === 0 ? -1 : at; // Redis's getExpire: -1 = no TTL
    if (flags & NX && current !== -1) return reply.integer(0);
    if (flags & XX && current === -1) return reply.integer(0);
    if (flags & GT && (when <= current || current === -1)) return reply.integer(0);
    if (flags & LT && current !== -1 && when >= current) return reply.integer(0);
  }
  keyspace.setExpireAt(db, key, when);
  // Replicas get the absolute time (Redis: PEXPIREAT), or the DEL a time already past amounted to.
  if (ctx.server.replication !== undefined) {
    propagateRewrite(ctx, keyspace.has(db, key) ? ['PEXPIREAT', key, String(when)] : ['DEL', key]);
  }
  reply.integer(1);
}

function expire(ctx: CommandContext, args: string[]): void {
  expireGeneric(ctx, args, 1000, ctx.engine.clock.now(), 'expire');
}

function pexpire(ctx: CommandContext, args: string[]): void {
  expireGeneric(ctx, args, 1, ctx.engine.clock.now(), 'pexpire');
}

function expireat(ctx: CommandContext, args: string[]): void {
  expireGeneric(ctx, args, 1000, 0, 'expireat');
}

function pexpireat(ctx: CommandContext, args: string[]): void {
  expireGeneric(ctx, args, 1, 0, 'pexpireat');
}

/** TTL/PTTL: -2 missing, -1 no TTL, else remaining time (seconds rounded to nearest, as Redis). */
function ttlGeneric(ctx: CommandContext, key: string, inMs: boolean): void {
  if (lookupNoTouch(ctx, key) === undefined) return ctx.reply.integer(-2);
  const at = ctx.keyspace.expireAt(ctx.client.db, key);
  if (at === 0) return ctx.reply.integer(-1);
  let ttl = at - ctx.engine.clock.now();
  if (ttl < 0) ttl = 0;
  ctx.reply.integer(inMs ? ttl : Math.floor((ttl + 500) / 1000));
}

/** EXPIRETIME/PEXPIRETIME: -2 missing, -1 no TTL, else the absolute Unix time. */
function expiretimeGeneric(ctx: CommandContext, key: string, inMs: boolean): void {
  if (lookupNoTouch(ctx, key) === undefined) return ctx.reply.integer(-2);
  const at = ctx.keyspace.expireAt(ctx.client.db, key);
  if (at === 0) return ctx.reply.integer(-1);
  ctx.reply.integer(inMs ? at : Math.floor((at + 500) / 1000)); // rounded, as Redis's ttlGenericCommand
}

function persist(ctx: CommandContext, args: string[]): void {
  const db = ctx.client.db;
  if (ctx.keyspace.lookupWrite(db, args[1]) === undefined) return ctx.reply.integer(0);
  ctx.reply.integer(ctx.keyspace.persist(db, args[1]) ? 1 : 0);
}

// ==== Copying ====

/** An aggregate that can deep-copy itself (every type in ../types has clone()). */
interface Cloneable {
  clone(): Value;
}

/** COPY source destination [DB destination-db] [REPLACE]: the value is deep-copied with its TTL. */
function copy(ctx: CommandContext, args: string[]): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  let targetDb = db;
  let replace = false;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && j + 1 < args.length) {
      const n = parseInt64(args[++j]);
      if (n === undefined || n < -0x80000000n || n > 0x7fffffffn) return reply.error(NOT_INTEGER);
      if (n < 0n || n >= BigInt(ctx.engine.databases)) return reply.error(DB_INDEX_OUT_OF_RANGE);
      targetDb = Number(n);
    } else {
      return reply.error(SYNTAX);
    }
  }
  const from = args[1];
  const to = args[2];
  if (targetDb === db && from === to) return reply.error('ERR source and destination objects are the same');
  const value = keyspace.lookupRead(db, from);
  if (value === undefined) return reply.integer(0);
  if (keyspace.lookupWrite(targetDb, to) !== undefined) {
    if (!replace) return reply.integer(0);
    keyspace.delete(targetDb, to);
  }
  const duplicate = typeof value === 'string' ? value : (value as unknown as Cloneable).clone();
  keyspace.set(targetDb, to, duplicate, keyspace.expireAt(db, from));
  reply.integer(1);
}

// ==== Renaming ====

/** RENAME/RENAMENX: the value moves with its TTL; renaming a key to itself is a no-op if it exists. */
function renameGeneric(ctx: CommandContext, args: string[], nx: boolean): void {
  const { keyspace, reply } = ctx;
  const db = ctx.client.db;
  const from = args[1];
  const to = args[2];
  const value = keyspace.lookupWrite(db, from);
  if (value === undefined) return reply.error(NO_SUCH_KEY);
  if (from === to) return nx ? reply.integer(0) : reply.ok();
  const expireAt = keyspace.expireAt(db, from);
  if (keyspace.lookupWrite(db, to) !== undefined) {
    if (nx) return reply.integer(0);
    keyspace.delete(db, to);
  }
  keyspace.delete(db, from);
  keyspace.set(db, to, value, expireAt > 0 ? expireAt : 0);
  if (nx) reply.integer(1);
  else reply.ok();
}

// ==== Iteration ====

function keys(ctx: CommandContext, args: string[]): void {
  const pattern = args[1];
  const all = pattern === '*';
  const found: string[] = [];
  for (const key of ctx.keyspace.keys(ctx.client.db)) if (all || globMatch(pattern, key)) found.push(key);
  ctx.reply.array(found.length);
  for (const key of found) ctx.reply.bulk(key);
}


function scan(ctx: CommandContext, args: string[]): void {
  const { keyspace, reply } = ctx;
  const cursor = parseScanCursor(args[1]);
  if (cursor === undefined) return reply.error('ERR invalid cursor');
  const options = parseScanOptions(args, 2, true);
  if (typeof options === 'string') return reply.error(options);
  const { count, pattern, typeName } = options;
  const db = ctx.client.db;
  const found: string[] = [];
  const next = keyspace.scan(db, cursor, count, (key) => found.push(key));
  let kept = found;
  if (pattern !== undefined || typeName !== undefined) {
    kept = [];
    for (const key of found) {
      if (pattern !== undefined && !globMatch(pattern, key)) continue;
      if (typeName !== undefined) {
        const value = lookupNoTouch(ctx, key);
        if (value === undefined || (typeof value === 'string' ? 'string' : value.type) !== typeName) continue;
      }
      kept.push(key);
    }
  }
  replyScan(reply, next, kept);
}

function randomkey(ctx: CommandContext): void {
  const key = ctx.keyspace.randomKey(ctx.client.db);
  if (key === undefined) ctx.reply.nil();
  else ctx.reply.bulk(key);
}

function dbsize(ctx: CommandContext): void {
  ctx.reply.integer(ctx.keyspace.size(ctx.client.db));
}

/** FLUSHDB/FLUSHALL take an optional ASYNC or SYNC; both flush at once here. */
function validFlushArgs(args: string[]): boolean {
  if (args.length === 1) return true;
  if (args.length !== 2) return false;
  const mode = args[1].toLowerCase();
  return mode === 'async' || mode === 'sync';
}

function flushdb(ctx: CommandContext, args: string[]): void {
  if (!validFlushArgs(args)) return ctx.reply.error(SYNTAX);
  ctx.keyspace.flushDb(ctx.client.db);
  ctx.reply.ok();
}

function flushall(ctx: CommandContext, args: string[]): void {
  if (!validFlushArgs(args)) return ctx.reply.error(SYNTAX);
  ctx.keyspace.flushAll();
  ctx.reply.ok();
}

// ==== OBJECT ====

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/** Redis's refcount of shared objects (OBJ_SHARED_REFCOUNT). */
const SHARED_REFCOUNT = 2147483647;

function lfuSelected(ctx: CommandContext): boolean {
  return ctx.engine.policy.name.endsWith('-lfu');
}

/** Redis's encoding for a string: "int" if it reads as a 64-bit integer, "embstr" up to 44 bytes, else "raw". */
export function stringEncoding(value: string): string {
  if (isIntegerString(value)) return 'int';
  return value.length <= 44 ? 'embstr' : 'raw';
}

function objectEncoding(ctx: CommandContext, args: string[]): void {
  const value = lookupNoTouch(ctx, args[2]);
  if (value === undefined) return ctx.reply.nil();
  ctx.reply.bulk(typeof value === 'string' ? stringEncoding(value) : value.encoding());
}

/**
 * Redis shares the objects for integers 0..9999 (refcount INT_MAX) unless maxmemory is set with an LRU or
 * LFU policy, which needs a private object per key; every other value has refcount 1.
 */
function objectRefcount(ctx: CommandContext, args: string[]): void {
  const value = lookupNoTouch(ctx, args[2]);
  if (value === undefined) return ctx.reply.nil();
  const policy = ctx.engine.policy.name;
  const sharing = ctx.engine.maxmemory === 0 || !(policy.endsWith('-lru') || policy.endsWith('-lfu'));
  const shared = sharing && typeof value === 'string' && value.length <= 4 && isIntegerString(value) && value.charCodeAt(0) !== 45;
  ctx.reply.integer(shared ? SHARED_REFCOUNT : 1);
}

function objectIdletime(ctx: CommandContext, args: string[]): void {
  if (lookupNoTouch(ctx, args[2]) === undefined) return ctx.reply.nil();
  if (lfuSelected(ctx)) return ctx.reply.error(LFU_SELECTED);
  ctx.reply.integer(Math.floor(ctx.keyspace.idleMs(ctx.client.db, args[2]) / 1000));
}

function objectFreq(ctx: CommandContext, args: string[]): void {
  if (lookupNoTouch(ctx, args[2]) === undefined) return ctx.reply.nil();
  if (!lfuSelected(ctx)) return ctx.reply.error(LFU_NOT_SELECTED);
  ctx.reply.integer(ctx.keyspace.frequency(ctx.client.db, args[2]));
}

function objectHelp(ctx: CommandContext): void {
  replyHelp(ctx, OBJECT_HELP);
}

const objectSubcommands: readonly CommandSpec[] = [
  { name: 'object|encoding', arity: 3, flags: ['readonly'], firstKey: 2, lastKey: 2, step: 1, categories: ['keyspace', 'read', 'slow'], summary: 'Inspect the internal encoding of a Redis object', handler: objectEncoding },
  { name: 'object|freq', arity: 3, flags: ['readonly'], firstKey: 2, lastKey: 2, step: 1, categories: ['keyspace', 'read', 'slow'], summary: 'Get the logarithmic access frequency counter of a Redis object', handler: objectFreq },
  { name: 'object|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, categories: ['keyspace', 'slow'], summary: 'Show helpful text about the different subcommands', handler: objectHelp },
  { name: 'object|idletime', arity: 3, flags: ['readonly'], firstKey: 2, lastKey: 2, step: 1, categories: ['keyspace', 'read', 'slow'], summary: 'Get the time since a Redis object was last accessed', handler: objectIdletime },
  { name: 'object|refcount', arity: 3, flags: ['readonly'], firstKey: 2, lastKey: 2, step: 1, categories: ['keyspace', 'read', 'slow'], summary: 'Get the number of references to the value of the key', handler: objectRefcount },
];

/**
 * The container itself: the command table normally routes to a subcommand spec before this runs; called
 * directly (or with a bare OBJECT), it routes the same way, with the same errors.
 */
function object(ctx: CommandContext, args: string[]): void {
  if (args.length < 2) return ctx.reply.error(WRONG_ARITY('object'));
  const name = `object|${args[1].toLowerCase()}`;
  const sub = objectSubcommands.find((s) => s.name === name);
  if (sub === undefined) return ctx.reply.error(unknownSubcommand(args[1], 'object'));
  if ((sub.arity > 0 && args.length !== sub.arity) || args.length < -sub.arity) return ctx.reply.error(WRONG_ARITY(sub.name));
  sub.handler(ctx, args);
}

// ==== The table ====

type Flags = CommandSpec['flags'];
const KEY_READ_FAST = ['keyspace', 'read', 'fast'];
const KEY_WRITE_FAST = ['keyspace', 'write', 'fast'];

function spec(name: string, arity: number, flags: Flags, firstKey: number, lastKey: number, step: number, categories: readonly string[], summary: string, handler: CommandSpec['handler']): CommandSpec {
  return { name, arity, flags, firstKey, lastKey, step, summary, categories, handler };
}

/** Arity, flags, key positions and categories as Redis 7.0's COMMAND INFO. */
export const keyCommands: readonly CommandSpec[] = [
  spec('del', -2, ['write'], 1, -1, 1, ['keyspace', 'write', 'slow'], 'Delete a key', del),
  spec('unlink', -2, ['write', 'fast'], 1, -1, 1, KEY_WRITE_FAST, 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.', del),
  spec('exists', -2, ['readonly', 'fast'], 1, -1, 1, KEY_READ_FAST, 'Determine if a key exists', exists),
  spec('type', 2, ['readonly', 'fast'], 1, 1, 1, KEY_READ_FAST, 'Determine the type stored at key', type),
  spec('expire', -3, ['write', 'fast'], 1, 1, 1, KEY_WRITE_FAST, "Set a key's time to live in seconds", expire),
  spec('pexpire', -3, ['write', 'fast'], 1, 1, 1, KEY_WRITE_FAST, "Set a key's time to live in milliseconds", pexpire),
  spec('expireat', -3, ['write', 'fast'], 1, 1, 1, KEY_WRITE_FAST, 'Set the expiration for a key as a UNIX timestamp', expireat),
  spec('pexpireat', -3, ['write', 'fast'], 1, 1, 1, KEY_WRITE_FAST, 'Set the expiration for a key as a UNIX timestamp specified in milliseconds', pexpireat),
  spec('expiretime', 2, ['readonly', 'fast'], 1, 1, 1, KEY_READ_FAST, 'Get the expiration Unix timestamp for a key', (ctx, args) => expiretimeGeneric(ctx, args[1], false)),
  spec('pexpiretime', 2, ['readonly', 'fast'], 1, 1, 1, KEY_READ_FAST, 'Get the expiration Unix timestamp for a key in milliseconds', (ctx, args) => expiretimeGeneric(ctx, args[1], true)),
  spec('ttl', 2, ['readonly', 'fast'], 1, 1, 1, KEY_READ_FAST, 'Get the time to live for a key in seconds', (ctx, args) => ttlGeneric(ctx, args[1], false)),
  spec('pttl', 2, ['readonly', 'fast'], 1, 1, 1, KEY_READ_FAST, 'Get the time to live for a key in milliseconds', (ctx, args) => ttlGeneric(ctx, args[1], true)),
  spec('persist', 2, ['write', 'fast'], 1, 1, 1, KEY_WRITE_FAST, 'Remove the expiration from a key', persist),
  spec('copy', -3, ['write', 'denyoom'], 1, 2, 1, ['keyspace', 'write', 'slow'], 'Copy a key', copy),
  spec('rename', 3, ['write'], 1, 2, 1, ['keyspace', 'write', 'slow'], 'Rename a key', (ctx, args) => renameGeneric(ctx, args, false)),
  spec('renamenx', 3, ['write', 'fast'], 1, 2, 1, KEY_WRITE_FAST, 'Rename a key, only if the new key does not exist', (ctx, args) => renameGeneric(ctx, args, true)),
  spec('keys', 2, ['readonly'], 0, 0, 0, ['keyspace', 'read', 'slow', 'dangerous'], 'Find all keys matching the given pattern', keys),
  spec('scan', -2, ['readonly'], 0, 0, 0, ['keyspace', 'read', 'slow'], 'Incrementally iterate the keys space', scan),
  spec('randomkey', 1, ['readonly'], 0, 0, 0, ['keyspace', 'read', 'slow'], 'Return a random key from the keyspace', randomkey),
  spec('dbsize', 1, ['readonly', 'fast'], 0, 0, 0, KEY_READ_FAST, 'Return the number of keys in the selected database', dbsize),
  spec('flushdb', -1, ['write'], 0, 0, 0, ['keyspace', 'write', 'slow', 'dangerous'], 'Remove all keys from the current database', flushdb),
  spec('flushall', -1, ['write'], 0, 0, 0, ['keyspace', 'write', 'slow', 'dangerous'], 'Remove all keys from all databases', flushall),
  spec('touch', -2, ['readonly', 'fast'], 1, -1, 1, KEY_READ_FAST, 'Alters the last access time of a key(s). Returns the number of existing keys specified.', touch),
  { ...spec('object', -2, [], 0, 0, 0, ['slow'], 'A container for object introspection commands', object), subcommands: objectSubcommands },
];
