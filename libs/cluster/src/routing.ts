/** Which node serves a command: here, a MOVED redirect, or a CROSSSLOT refusal, as Redis's getNodeByQuery. */
import type { CommandSpec } from '../../engine/src/commands/command.js';
import { keySlot } from './slots.js';
import type { ClusterNode, Topology } from './topology.js';

export type RouteResult =
  | { kind: 'local' }
  | { kind: 'moved'; slot: number; node: ClusterNode }
  | { kind: 'crossslot' }
  | { kind: 'nokeys' };

const LOCAL: RouteResult = { kind: 'local' };
const CROSSSLOT: RouteResult = { kind: 'crossslot' };
const NOKEYS: RouteResult = { kind: 'nokeys' };

/** The error text Redis 7.0 sends for keys spanning slots (the "-" of RESP is the writer's). */
export const CROSSSLOT_ERROR = "CROSSSLOT Keys in request don't hash to the same slot";

/** `MOVED <slot> <host>:<port>`, as Redis 7.0. */
export function movedError(slot: number, node: ClusterNode): string {
  return `MOVED ${slot} ${node.host}:${node.port}`;
}

/** commandSlot's answer for a command without keys. */
export const NO_KEYS = -1;
/** commandSlot's answer for keys in more than one slot. */
export const CROSS_SLOT = -2;

/**
 * The one slot all of a command's keys hash to, NO_KEYS, or CROSS_SLOT. Commands with a key range are read
 * without allocating; key finders (movablekeys) return their index list. Malformed key arguments (a bad
 * numkeys) count as no keys: the command then runs here and replies its own error, as in Redis.
 */
export function commandSlot(spec: CommandSpec, args: readonly string[]): number {
  let slot = NO_KEYS;
  if (spec.keys !== undefined) {
    const keys = spec.keys(args);
    if (keys === undefined) return NO_KEYS;
    for (const index of keys) {
      const s = keySlot(args[index]!);
      if (slot !== NO_KEYS && s !== slot) return CROSS_SLOT;
      slot = s;
    }
    return slot;
  }
  if (spec.firstKey === 0) return NO_KEYS;
  const last = spec.lastKey < 0 ? args.length + spec.lastKey : spec.lastKey;
  for (let i = spec.firstKey; i <= last && i < args.length; i += spec.step) {
    const s = keySlot(args[i]!);
    if (slot !== NO_KEYS && s !== slot) return CROSS_SLOT;
    slot = s;
  }
  return slot;
}

/**
 * Routes a command by its keys. As Redis, the slot check comes before ownership: keys in two slots give
 * CROSSSLOT even when this node owns both or neither.
 */
export function route(spec: CommandSpec, args: string[], topology: Topology, selfId: string): RouteResult {
  const slot = commandSlot(spec, args);
  if (slot === NO_KEYS) return NOKEYS;
  if (slot === CROSS_SLOT) return CROSSSLOT;
  const owner = topology.ownerOfSlot(slot);
  return owner.id === selfId ? LOCAL : { kind: 'moved', slot, node: owner };
}

/** The error text of a non-local route; undefined for 'local' and 'nokeys'. */
export function routeError(result: RouteResult): string | undefined {
  if (result.kind === 'moved') return movedError(result.slot, result.node);
  if (result.kind === 'crossslot') return CROSSSLOT_ERROR;
  return undefined;
}
