/**
 * SORT and SORT_RO with Redis 7.0 semantics (sort.c): order the elements of a list, set or sorted set
 * numerically or (ALPHA) bytewise, by themselves or by weights found through a BY pattern, keep a LIMIT
 * window, and reply the elements or what GET patterns find for them, or STORE that as a list.
 *
 * Order. Numeric ties fall back to comparing the elements, so that order is total. ALPHA ties (equal or
 * missing BY weights) keep the order the elements were loaded in, as glibc's stable qsort does in Redis.
 * A BY pattern without '*' ("nosort") skips sorting: lists and sorted sets keep their own order (DESC walks
 * it backwards) and a set its iteration order, except that a set being STOREd is sorted ALPHA, as Redis
 * does so that replicas agree.
 */
import { sortKeys } from './key-positions.js';
import type { CommandContext, CommandSpec } from './command.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from './errors.js';
import { parseDouble, parseInteger } from './args.js';
import { ListValue } from '../types/list.js';
import { SetValue } from '../types/set.js';
import { ZSetValue } from '../types/zset.js';
import { HashValue } from '../types/hash.js';
import type { Value } from '../value.js';

const NOT_DOUBLE = "ERR One or more scores can't be converted into double";
const BY_IN_CLUSTER = 'ERR BY option of SORT denied in Cluster mode.';
const GET_IN_CLUSTER = 'ERR GET option of SORT denied in Cluster mode.';
const MIN_NORMAL_DOUBLE = 2.2250738585072014e-308;
/** What a missing key sorts as (never mutated). */
const NO_ELEMENTS = new ListValue();

// ==== Patterns ====

/**
 * A BY or GET pattern, split once per command: "#" stands for the element itself; otherwise the first '*'
 * is replaced by the element to name a string key, or a hash key when "->field" follows the '*'. A
 * pattern without '*' names nothing.
 */
interface KeyPattern {
  readonly self: boolean;
  readonly star: number;
  readonly prefix: string;
  readonly suffix: string;
  readonly field: string | undefined;
}

function compilePattern(text: string): KeyPattern {
  const star = text.indexOf('*');
  const arrow = star < 0 ? -1 : text.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < text.length;
  return {
    self: text === '#',
    star,
    prefix: star < 0 ? '' : text.slice(0, star),
    suffix: star < 0 ? '' : text.slice(star + 1, hasField ? arrow : text.length),
    field: hasField ? text.slice(arrow + 2) : undefined,
  };
}

/** What `pattern` finds for `element`: a string value or hash field, undefined if missing or of another type. */
function lookupPattern(ctx: CommandContext, pattern: KeyPattern, element: string): string | undefined {
  if (pattern.self) return element;
  if (pattern.star < 0) return undefined;
  const value = ctx.keyspace.lookupRead(ctx.client.db, pattern.prefix + element + pattern.suffix);
  if (pattern.field === undefined) return typeof value === 'string' ? value : undefined;
  return value instanceof HashValue ? value.get(pattern.field) : undefined;
}

/**
 * A weight as Redis reads it with strtod: up to a NUL byte, leading white space skipped, "" is 0; trailing
 * garbage, NaN, overflow and underflow (ERANGE, subnormals included) are refused.
 */
function parseWeight(text: string): number | undefined {
  const nul = text.indexOf('\0');
  if (nul >= 0) text = text.slice(0, nul);
  if (text.length === 0) return 0;
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const v = parseDouble(i === 0 ? text : text.slice(i));
  return v === undefined || (v !== 0 && Math.abs(v) < MIN_NORMAL_DOUBLE) ? undefined : v;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

// ==== Options ====

interface SortRequest {
  desc: boolean;
  alpha: boolean;
  offset: number;
  count: number;
  /** Weights' pattern; undefined: the elements are their own weights. */
  by: KeyPattern | undefined;
  /** A BY pattern without '*' was given: keep the stored order. */
  dontSort: boolean;
  readonly gets: KeyPattern[];
  store: string | undefined;
}

/** The options after the key, or undefined after replying the error Redis gives. */
function parseRequest(ctx: CommandContext, args: string[], readonly: boolean): SortRequest | undefined {
  const req: SortRequest = { desc: false, alpha: false, offset: 0, count: -1, by: undefined, dontSort: false, gets: [], store: undefined };
  for (let j = 2; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const left = args.length - j - 1;
    if (opt === 'asc') req.desc = false;
    else if (opt === 'desc') req.desc = true;
    else if (opt === 'alpha') req.alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const offset = parseInteger(args[j + 1]);
      const count = parseInteger(args[j + 2]);
      if (offset === undefined || count === undefined) return fail(ctx, NOT_INTEGER);
      req.offset = offset;
      req.count = count;
      j += 2;
    } else if (opt === 'store' && left >= 1 && !readonly) {
      req.store = args[++j];
    } else if (opt === 'by' && left >= 1) {
      const pattern = compilePattern(args[++j]);
      if (pattern.star < 0) req.dontSort = true;
      else if (ctx.server.clusterEnabled) return fail(ctx, BY_IN_CLUSTER);
      req.by = pattern;
    } else if (opt === 'get' && left >= 1) {
      if (ctx.server.clusterEnabled) return fail(ctx, GET_IN_CLUSTER);
      req.gets.push(compilePattern(args[++j]));
    } else {
      return fail(ctx, SYNTAX);
    }
  }
  return req;
}

function fail(ctx: CommandContext, message: string): undefined {
  ctx.reply.error(message);
  return undefined;
}

// ==== Sorting ====

/** One element with what it sorts by: a numeric score, or (ALPHA with BY) its weight, undefined if missing. */
interface SortEntry {
  readonly element: string;
  score: number;
  weight: string | undefined;
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumeric(a: SortEntry, b: SortEntry): number {
  return a.score < b.score ? -1 : a.score > b.score ? 1 : compareBytes(a.element, b.element);
}

function compareElements(a: SortEntry, b: SortEntry): number {
  return compareBytes(a.element, b.element);
}

/** Missing weights sort first. */
function compareWeights(a: SortEntry, b: SortEntry): number {
  if (a.weight === undefined || b.weight === undefined) {
    return a.weight === b.weight ? 0 : a.weight === undefined ? -1 : 1;
  }
  return compareBytes(a.weight, b.weight);
}

/** Weighs every entry; false if a numeric weight is not a double (Redis still sorts, then replies the error). */
function weigh(ctx: CommandContext, entries: SortEntry[], req: SortRequest): boolean {
  let ok = true;
  for (const entry of entries) {
    const weight = req.by === undefined ? entry.element : lookupPattern(ctx, req.by, entry.element);
    if (req.alpha) {
      entry.weight = weight;
    } else if (weight !== undefined) {
      const score = parseWeight(weight);
      if (score === undefined) ok = false;
      else entry.score = score;
    }
  }
  return ok;
}

function sortEntries(entries: SortEntry[], req: SortRequest): void {
  const compare = !req.alpha ? compareNumeric : req.by === undefined ? compareElements : compareWeights;
  entries.sort(req.desc ? (a, b) => compare(b, a) : compare);
}

// ==== Loading ====

/** The window [start, end] of `length` elements that LIMIT keeps, as Redis clamps it. */
function limitWindow(req: SortRequest, length: number): [number, number] {
  let start = Math.min(Math.max(req.offset, 0), length);
  const count = Math.min(Math.max(req.count, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  return [start, Math.min(end, length - 1)];
}

function sizeOf(value: ListValue | SetValue | ZSetValue): number {
  return value instanceof ListValue ? value.length : value.size;
}

function entry(element: string): SortEntry {
  return { element, score: 0, weight: undefined };
}

/** Every element, in stored order. */
function loadAll(value: ListValue | SetValue | ZSetValue): SortEntry[] {
  const entries: SortEntry[] = [];
  if (value instanceof ListValue) {
    for (let i = 0; i < value.length; i++) entries.push(entry(value.at(i) as string));
  } else if (value instanceof SetValue) {
    for (const member of value.values()) entries.push(entry(member));
  } else {
    for (const node of value.range(0, value.size - 1)) entries.push(entry(node.member));
  }
  return entries;
}

/** Unsorted list or sorted set: only the window, walked backwards for DESC. */
function loadWindow(value: ListValue | ZSetValue, start: number, end: number, desc: boolean): SortEntry[] {
  const entries: SortEntry[] = [];
  if (value instanceof ListValue) {
    for (let r = start; r <= end; r++) entries.push(entry(value.at(desc ? value.length - 1 - r : r) as string));
  } else {
    for (const node of value.range(start, end, desc)) entries.push(entry(node.member));
  }
  return entries;
}

// ==== Output ====

function replyEntries(ctx: CommandContext, entries: SortEntry[], start: number, end: number, gets: KeyPattern[]): void {
  const { reply } = ctx;
  reply.array(gets.length === 0 ? end - start + 1 : gets.length * (end - start + 1));
  for (let j = start; j <= end; j++) {
    const element = entries[j].element;
    if (gets.length === 0) reply.bulk(element);
    for (const get of gets) {
      const found = lookupPattern(ctx, get, element);
      if (found === undefined) reply.nil();
      else reply.bulk(found);
    }
  }
}

/** STORE: the output as a list (a missing GET stores ""), replacing `key`; an empty output deletes it. */
function storeEntries(ctx: CommandContext, key: string, entries: SortEntry[], start: number, end: number, gets: KeyPattern[]): void {
  const list = new ListValue();
  for (let j = start; j <= end; j++) {
    const element = entries[j].element;
    if (gets.length === 0) list.pushBack(element);
    for (const get of gets) list.pushBack(lookupPattern(ctx, get, element) ?? '');
  }
  if (list.length > 0) ctx.keyspace.set(ctx.client.db, key, list);
  else ctx.keyspace.delete(ctx.client.db, key);
  ctx.reply.integer(list.length);
}

function isSortable(value: Value): value is ListValue | SetValue | ZSetValue {
  return value instanceof ListValue || value instanceof SetValue || value instanceof ZSetValue;
}

function sortGeneric(ctx: CommandContext, args: string[], readonly: boolean): void {
  const req = parseRequest(ctx, args, readonly);
  if (req === undefined) return;
  const value = ctx.keyspace.lookupRead(ctx.client.db, args[1]) ?? NO_ELEMENTS;
  if (!isSortable(value)) return ctx.reply.error(WRONGTYPE);
  if (req.dontSort && value instanceof SetValue && req.store !== undefined) {
    req.dontSort = false;
    req.alpha = true;
    req.by = undefined;
  }
  let [start, end] = limitWindow(req, sizeOf(value));
  let entries: SortEntry[];
  let weighed = true;
  if (req.dontSort && !(value instanceof SetValue)) {
    entries = end >= start ? loadWindow(value, start, end, req.desc) : [];
    end -= start;
    start = 0;
  } else {
    entries = loadAll(value);
    if (!req.dontSort) {
      weighed = weigh(ctx, entries, req);
      sortEntries(entries, req);
    }
  }
  if (!weighed) return ctx.reply.error(NOT_DOUBLE);
  if (req.store === undefined) replyEntries(ctx, entries, start, end, req.gets);
  else storeEntries(ctx, req.store, entries, start, end, req.gets);
}

const sort = (ctx: CommandContext, args: string[]): void => sortGeneric(ctx, args, false);
const sortRo = (ctx: CommandContext, args: string[]): void => sortGeneric(ctx, args, true);

/**
 * As Redis 7.0's COMMAND INFO, except the "movablekeys" flag, which is not a CommandFlag here: the legacy
 * key range covers the sorted key only (STORE's destination and BY/GET keys are found by parsing).
 */
export const sortCommands: readonly CommandSpec[] = [
  { name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], firstKey: 1, lastKey: 1, step: 1, summary: 'Sort the elements in a list, set or sorted set', categories: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'], handler: sort, keys: sortKeys },
  { name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], firstKey: 1, lastKey: 1, step: 1, summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.', categories: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'], handler: sortRo },
];
