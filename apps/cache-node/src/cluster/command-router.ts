/**
 * How the Nest TCP and HTTP transports run commands in cluster mode: here when this node owns the keys, else
 * forwarded to the owner over RESP (PeerLinks: one connection per member), so those callers need no
 * routing of their own. Multi-key commands are split by slot and reassembled (not atomic across slots).
 * Standalone, and for keys owned here, it is the CommandExecutor's synchronous call and nothing more.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import { ReplyError } from '../../../../libs/engine/src/commands/value-reply.js';
import { groupBySlot } from '../../../../libs/cluster/src/slots.js';
import { PeerLinks } from './peer-links.js';

/** A forwarded command that meets MOVED again (the topology changed meanwhile) follows at most this many more. */
const MAX_REDIRECTS = 3;

/** A reply, or its promise when the command went to another node. */
export type Routed<T = unknown> = T | Promise<T>;

@Injectable()
export class CommandRouter {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(ServerState) private readonly server: ServerState,
    @Inject(PeerLinks) private readonly peers: PeerLinks,
  ) {}

  /** The reply of `args` (binary strings), a ReplyError value for an error reply (never thrown), as CommandExecutor. */
  call(args: string[]): Routed {
    const reply = this.executor.call(args);
    if (reply instanceof ReplyError && reply.message.startsWith('MOVED ')) return this.forward(reply.message, args, MAX_REDIRECTS);
    return reply;
  }

  /**
   * MGET, DEL, EXISTS (`keys`) or MSET (`keys` with `values`) over keys in any slots: one command per slot,
   * reassembled: MGET's values in the caller's order, DEL/EXISTS summed, MSET 'OK'. The first error reply wins.
   */
  callPerSlot(command: 'MGET' | 'DEL' | 'EXISTS' | 'MSET', keys: string[], values?: string[]): Routed {
    const build = (indexes: readonly number[]): string[] => {
      const args: string[] = [command];
      for (const i of indexes) {
        args.push(keys[i]!);
        if (values !== undefined) args.push(values[i]!);
      }
      return args;
    };
    const all = keys.map((_, i) => i);
    if (this.server.cluster === undefined) return this.call(build(all));
    const groups = groupBySlot(keys);
    if (groups.size === 1) return this.call(build(all));
    const parts = [...groups.values()];
    return Promise.all(parts.map((indexes) => this.call(build(indexes)))).then((replies) => {
      const error = replies.find((reply) => reply instanceof ReplyError);
      if (error !== undefined) return error;
      if (command === 'MSET') return replies[0];
      if (command !== 'MGET') return (replies as number[]).reduce((sum, n) => sum + n, 0);
      const merged: unknown[] = new Array(keys.length);
      parts.forEach((indexes, p) => indexes.forEach((i, k) => (merged[i] = (replies[p] as unknown[])[k])));
      return merged;
    });
  }

  private async forward(moved: string, args: string[], redirects: number): Promise<unknown> {
    const address = moved.slice(moved.lastIndexOf(' ') + 1);
    try {
      const reply = await this.peers.to(address).callBuffer(args[0]!, ...args.slice(1).map((arg) => Buffer.from(arg, 'latin1')));
      return toBinary(reply);
    } catch (error) {
      const message = (error as Error).message;
      if (message.startsWith('MOVED ') && redirects > 0) return this.forward(message, args, redirects - 1);
      // ioredis's ReplyError for an error reply; anything else is the owner being unreachable.
      if ((error as Error).name === 'ReplyError') return new ReplyError(message);
      return new ReplyError(`CLUSTERDOWN cannot reach the owner ${address}: ${message}`);
    }
  }
}

/** `fn` of a reply, now or when it arrives: the local path stays synchronous. */
export function whenRouted<T, R>(routed: Routed<T>, fn: (reply: T) => R): Routed<R> {
  return routed instanceof Promise ? routed.then(fn) : fn(routed);
}

/** ioredis's Buffer replies as the executor's binary strings; arrays element by element. */
function toBinary(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.latin1Slice(0, reply.length);
  if (Array.isArray(reply)) return reply.map(toBinary);
  return reply;
}
