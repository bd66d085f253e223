import type { Store } from './store.js';
import type { Value } from './value.js';
import { ListValue } from './types/list.js';
import { HashValue } from './types/hash.js';
import { SetValue } from './types/set.js';
import { ZSetValue } from './types/zset.js';
import { formatDouble } from './commands/double-text.js';

/**
 * Slot snapshots: one hash slot's keys as ordinary write commands, so that a replica rebuilds them through its
 * command table. See docs/architecture.md, "Slot snapshots".
 *
 * Why commands and not a binary dump: the replica already applies the primary's write stream through the
 * command table (replication.ts), so a snapshot in the same form needs no second loader, and the stream that
 * follows it acts on exactly what the snapshot built. As Redis's AOF rewrite, each key becomes one creating
 * command, then appending commands of at most SNAPSHOT_CHUNK elements (so no single command is huge), then
 * `PEXPIREAT` with the absolute expiry. The value's encoding is not carried: the replica's commands give it
 * the encoding Redis would give a value built that way.
 */

/** Elements (list items, fields, members) per emitted command. */
export const SNAPSHOT_CHUNK = 128;

/**
 * Emit the commands recreating every key of database 0 in hash slot `slot` of `store` (keys counted by hash
 * slot: Store.countKeysByHashSlot), as latin1 binary strings; `args` is fresh for each call. Keys past their
 * TTL at `now` are left out; nothing is expired or touched (no LRU/LFU update). The replica must hold none of
 * the slot's keys beforehand (Store.deleteHashSlots), since aggregates are appended to. Returns the bytes of
 * arguments emitted, so a caller batching slots can stop near its budget.
 */
export function snapshotSlot(store: Store, slot: number, now: number, emit: (args: string[]) => void): number {
  let bytes = 0;
  const out = (args: string[]): void => {
    for (let i = 0; i < args.length; i++) bytes += args[i].length;
    emit(args);
  };
  for (const { key, value, expireAt } of store.hashSlotEntries(slot)) {
    if (expireAt !== 0 && now > expireAt) continue;
    emitValue(key, value, out);
    if (expireAt !== 0) out(['PEXPIREAT', key, String(expireAt)]);
  }
  return bytes;
}

/**
 * Bytes a snapshot of `slot` will roughly take, in O(1): its key count times the store's mean accounted bytes
 * per key (which include per-entry overhead, so this errs high). For deciding whether a batch has room.
 */
export function estimateSlotSnapshotBytes(store: Store, slot: number): number {
  const keys = store.keysInHashSlot(slot);
  const total = store.totalKeys();
  return keys === 0 || total === 0 ? 0 : Math.ceil((keys * store.datasetBytes) / total);
}

/** Emit the commands creating `key` with `value` (no TTL): one creating command, then SNAPSHOT_CHUNK-sized appends. */
export function emitValue(key: string, value: Value, out: (args: string[]) => void): void {
  if (typeof value === 'string') out(['SET', key, value]);
  else if (value instanceof ListValue) emitChunks('RPUSH', key, value.toArray(), 1, out);
  else if (value instanceof HashValue) emitChunks('HSET', key, hashPairs(value), 2, out);
  else if (value instanceof SetValue) emitChunks('SADD', key, [...value.values()], 1, out);
  else if (value instanceof ZSetValue) emitChunks('ZADD', key, zsetPairs(value), 2, out);
  else throw new Error(`cannot snapshot a value of type ${value.type}`);
}

/** `command key` followed by `width`-wide groups of `items`, SNAPSHOT_CHUNK groups per command. */
function emitChunks(command: string, key: string, items: string[], width: number, out: (args: string[]) => void): void {
  const step = SNAPSHOT_CHUNK * width;
  for (let start = 0; start < items.length; start += step) {
    const end = Math.min(items.length, start + step);
    const args = new Array<string>(2 + end - start);
    args[0] = command;
    args[1] = key;
    for (let i = start; i < end; i++) args[2 + i - start] = items[i];
    out(args);
  }
}

/** Fields and values interleaved, in the hash's own order (a small hash keeps its field order). */
function hashPairs(hash: HashValue): string[] {
  const items = new Array<string>(hash.size * 2);
  for (let i = 0; i < hash.size; i++) {
    items[2 * i] = hash.fieldAt(i);
    items[2 * i + 1] = hash.valueAt(i);
  }
  return items;
}

/**
 * Scores and members interleaved in rank order, except members scored -0, which come last. %.17g (with -0, inf,
 * -inf) parses back to the same double, but a listpack keeps scores as text and reads -0 back as 0 (as Redis
 * 7.0), and only a skiplist holds -0: sent last, they reach a zset the replica has already grown into a
 * skiplist, as the primary's is (a listpack never holds -0). One edge stays: a skiplist shrunk back to listpack
 * size is rebuilt as a listpack, where -0 reads 0, as Redis's own AOF rewrite would.
 */
function zsetPairs(zset: ZSetValue): string[] {
  const items = new Array<string>(zset.size * 2);
  if (zset.size === 0) return items;
  let i = 0;
  let negativeZeros: string[] | undefined;
  for (const node of zset.range(0, zset.size - 1)) {
    if (Object.is(node.score, -0)) (negativeZeros ??= []).push(node.member);
    else {
      items[i++] = formatDouble(node.score);
      items[i++] = node.member;
    }
  }
  if (negativeZeros !== undefined) {
    for (const member of negativeZeros) {
      items[i++] = '-0';
      items[i++] = member;
    }
  }
  return items;
}
