/**
 * Payloads of the Nest TCP message patterns and their checks. Keys and values are UTF-8 text (as JSON carries
 * them); TTLs and counts are safe integers. Unknown properties are refused, so a typo (`ttl` for `ttl_ms`)
 * fails loudly; a payload that is not an object is checked as an empty one.
 *
 * Each check is a plain synchronous function: a fast test that allocates nothing and returns the payload as
 * its type, else a slow path that lists every problem and throws one RpcException. The messages, and their
 * order (unknown properties first, then fields in declaration order), are class-validator's, which these
 * checks replaced on the hot path.
 */
import { RpcException } from '@nestjs/microservices';

export interface KeyPayload {
  key: string;
}

/** `{ key }` or `{ keys: [...] }` (del, exists); `keys` wins when both are given. */
export interface KeyOrKeysPayload {
  key?: string;
  keys?: string[];
}

export interface KeysPayload {
  keys: string[];
}

export interface SetPayload {
  key: string;
  value: string;
  /** Positive milliseconds; null or absent for no TTL. */
  ttl_ms?: number | null;
}

/** `{ k: v, ... }` or `[[k, v], ...]`, at least one entry, string values. */
export type MsetEntries = Record<string, string> | Array<[string, string]>;

export interface MsetPayload {
  entries: MsetEntries;
}

export interface ExpirePayload {
  key: string;
  /** Seconds from now; zero or negative deletes the key, as EXPIRE does. */
  seconds: number;
}

export interface IncrPayload {
  key: string;
  /** Default 1 (also for null); any safe integer, negative decrements. */
  by?: number | null;
}

type Fields = Record<string, unknown>;

const MAX = Number.MAX_SAFE_INTEGER;
const MSET_MESSAGE = 'entries must be a non-empty object of string values or an array of [key, value] string pairs';

// ---- fast tests: no allocation -------------------------------------------------------------------------

function isFields(p: unknown): p is Fields {
  return typeof p === 'object' && p !== null;
}

/** True when p has no enumerable property other than the names given (unused names repeat the first). */
function hasOnly(p: Fields, a: string, b: string = a, c: string = a): boolean {
  for (const name in p) if (name !== a && name !== b && name !== c) return false;
  return true;
}

function isSafeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v <= MAX && v >= -MAX;
}

function isKeyList(v: unknown): v is string[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

function isMsetEntries(v: unknown): v is MsetEntries {
  if (Array.isArray(v)) {
    if (v.length === 0) return false;
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || typeof e[1] !== 'string') return false;
    }
    return true;
  }
  if (!isFields(v)) return false;
  let any = false;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (typeof v[k] !== 'string') return false;
    any = true;
  }
  return any;
}

// ---- checks, one per payload shape ---------------------------------------------------------------------

export function checkKey(p: unknown): KeyPayload {
  if (isFields(p) && typeof p.key === 'string' && hasOnly(p, 'key')) return p as unknown as KeyPayload;
  const problems = unknownProperties(p, ['key']);
  mustBeString(problems, 'key', field(p, 'key'));
  return verdict<KeyPayload>(p, problems);
}

export function checkKeyOrKeys(p: unknown): KeyOrKeysPayload {
  if (isFields(p) && hasOnly(p, 'key', 'keys') && (p.keys === undefined ? typeof p.key === 'string' : isKeyList(p.keys))) {
    return p as KeyOrKeysPayload;
  }
  const problems = unknownProperties(p, ['key', 'keys']);
  const keys = field(p, 'keys');
  if (keys === undefined) mustBeString(problems, 'key', field(p, 'key'));
  if (keys !== undefined || field(p, 'key') === undefined) mustBeKeyList(problems, 'keys', keys);
  return verdict<KeyOrKeysPayload>(p, problems);
}

export function checkKeys(p: unknown): KeysPayload {
  if (isFields(p) && isKeyList(p.keys) && hasOnly(p, 'keys')) return p as unknown as KeysPayload;
  const problems = unknownProperties(p, ['keys']);
  mustBeKeyList(problems, 'keys', field(p, 'keys'));
  return verdict<KeysPayload>(p, problems);
}

export function checkSet(p: unknown): SetPayload {
  if (
    isFields(p) &&
    typeof p.key === 'string' &&
    typeof p.value === 'string' &&
    (p.ttl_ms == null || (isSafeInt(p.ttl_ms) && p.ttl_ms > 0)) &&
    hasOnly(p, 'key', 'value', 'ttl_ms')
  ) {
    return p as unknown as SetPayload;
  }
  const problems = unknownProperties(p, ['key', 'value', 'ttl_ms']);
  mustBeString(problems, 'key', field(p, 'key'));
  mustBeString(problems, 'value', field(p, 'value'));
  const ttl = field(p, 'ttl_ms');
  if (ttl != null) {
    if (!(typeof ttl === 'number' && ttl <= MAX)) problems.push(`ttl_ms must not be greater than ${MAX}`);
    if (!(typeof ttl === 'number' && ttl > 0)) problems.push('ttl_ms must be a positive number');
    if (!Number.isInteger(ttl)) problems.push('ttl_ms must be an integer number');
  }
  return verdict<SetPayload>(p, problems);
}

export function checkMset(p: unknown): MsetPayload {
  if (isFields(p) && isMsetEntries(p.entries) && hasOnly(p, 'entries')) return p as unknown as MsetPayload;
  const problems = unknownProperties(p, ['entries']);
  if (!isMsetEntries(field(p, 'entries'))) problems.push(MSET_MESSAGE);
  return verdict<MsetPayload>(p, problems);
}

export function checkExpire(p: unknown): ExpirePayload {
  if (isFields(p) && typeof p.key === 'string' && isSafeInt(p.seconds) && hasOnly(p, 'key', 'seconds')) {
    return p as unknown as ExpirePayload;
  }
  const problems = unknownProperties(p, ['key', 'seconds']);
  mustBeString(problems, 'key', field(p, 'key'));
  mustBeSafeInt(problems, 'seconds', field(p, 'seconds'));
  return verdict<ExpirePayload>(p, problems);
}

export function checkIncr(p: unknown): IncrPayload {
  if (isFields(p) && typeof p.key === 'string' && (p.by == null || isSafeInt(p.by)) && hasOnly(p, 'key', 'by')) {
    return p as unknown as IncrPayload;
  }
  const problems = unknownProperties(p, ['key', 'by']);
  mustBeString(problems, 'key', field(p, 'key'));
  const by = field(p, 'by');
  if (by != null) mustBeSafeInt(problems, 'by', by);
  return verdict<IncrPayload>(p, problems);
}

// ---- slow path: name every problem ---------------------------------------------------------------------

/** A property of p, or undefined when p is not an object (a non-object is checked as `{}`). */
function field(p: unknown, name: string): unknown {
  return isFields(p) ? p[name] : undefined;
}

/** "property x should not exist" for each unexpected property; `__proto__` is ignored (Nest strips it). */
function unknownProperties(p: unknown, allowed: readonly string[]): string[] {
  const problems: string[] = [];
  if (!isFields(p)) return problems;
  for (const name in p) {
    if (!allowed.includes(name) && name !== '__proto__') problems.push(`property ${name} should not exist`);
  }
  return problems;
}

function mustBeString(problems: string[], name: string, v: unknown): void {
  if (typeof v !== 'string') problems.push(`${name} must be a string`);
}

function mustBeSafeInt(problems: string[], name: string, v: unknown): void {
  if (!(typeof v === 'number' && v <= MAX)) problems.push(`${name} must not be greater than ${MAX}`);
  if (!(typeof v === 'number' && v >= -MAX)) problems.push(`${name} must not be less than -${MAX}`);
  if (!Number.isInteger(v)) problems.push(`${name} must be an integer number`);
}

function mustBeKeyList(problems: string[], name: string, v: unknown): void {
  // class-validator's `each` checks a non-array value itself, so a plain string passes that step.
  const eachString = Array.isArray(v) ? v.every((k) => typeof k === 'string') : typeof v === 'string';
  if (!eachString) problems.push(`each value in ${name} must be a string`);
  if (!(Array.isArray(v) && v.length > 0)) problems.push(`${name} should not be empty`);
  if (!Array.isArray(v)) problems.push(`${name} must be an array`);
}

/** The payload, or an RpcException naming its problems (none left means only an ignored `__proto__`). */
function verdict<T>(p: unknown, problems: string[]): T {
  if (problems.length > 0) throw new RpcException(problems.join('; '));
  return p as T;
}
