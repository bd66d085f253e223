/** Which node serves a command: here, a MOVED redirect, or a CROSSSLOT refusal, as Redis's getNodeByQuery. */
import type { CommandSpec } from '../../engine/src/commands/command.js';
import { commandKeys } from '../../engine/src/commands/key-positions.js';
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

/**
 * Routes a command by its keys. As Redis, the slot check comes before ownership: keys in two slots give
 * CROSSSLOT even when this node owns both or neither. Commands without keys, and commands whose key
 * positions cannot be parsed (bad numkeys), run here: the handler then replies with its own error, as Redis does.
 */
export function route(spec: CommandSpec, args: string[], topology: Topology, selfId: string): RouteResult {
  const keys = commandKeys(spec, args);
  if (keys === undefined || keys.length === 0) return NOKEYS;
  const slot = keySlot(args[keys[0]!]!);
  for (let k = 1; k < keys.length; k++) {
    if (keySlot(args[keys[k]!]!) !== slot) return CROSSSLOT;
  }
  const owner = topology.ownerOfSlot(slot);
  return owner.id === selfId ? LOCAL : { kind: 'moved', slot, node: owner };
}

/** The error text of a non-local route; undefined for 'local' and 'nokeys'. */
export function routeError(result: RouteResult): string | undefined {
  if (result.kind === 'moved') return movedError(result.slot, result.node);
  if (result.kind === 'crossslot') return CROSSSLOT_ERROR;
  return undefined;
}
