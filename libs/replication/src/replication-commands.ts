/**
 * PSYNC and REPLCONF, the commands a replica sends to its primary (Redis's internal replication commands, with
 * Redis's arities, flags and errors; ringcache's additions are the SLOTS argument of PSYNC and the REPLCONF
 * options below). The node's replication runtime serves them through ServerState.replicationHooks, whose
 * `primaryStream` is this node's stream; without replication both answer an error.
 *
 * REPLCONF options: `listening-port <port>`, `ringcache-id <id>`, `ip-address <ip>`, `capa <x>` (before PSYNC,
 * +OK); on a replica link, without reply: `ACK <offset>`, `ADDSLOTS <slots>` (snapshot these, then stream
 * them), `ADDSLOTS <slots> REPLID <id> OFFSET <n> APPLIED <bytes>` (the same, or resumed from that place in
 * a failed primary's stream this node took over: PrimaryStream.resumeSlots), `DELSLOTS <slots>`.
 */
import { parseInteger } from '../../engine/src/commands/args.js';
import type { CommandContext, CommandSpec } from '../../engine/src/commands/command.js';
import { NOT_INTEGER, SYNTAX as SYNTAX_ERROR } from '../../engine/src/commands/errors.js';
import type { ReplicationHooks } from '../../engine/src/commands/replication-hooks.js';
import type { PrimaryStream, ReplicaIdentity, ResumeRequest } from './primary-stream.js';
import { parseSlots } from './slot-set.js';

export const NO_REPLICATION = 'ERR replication is not enabled on this node (cluster-enabled yes and replicas > 0)';
export const PSYNC_SLOTS_ERROR = 'ERR PSYNC SLOTS must be slot ranges like 0-100,200';

/** The hooks of a node with replication carry its stream. */
interface HooksWithStream extends ReplicationHooks {
  readonly primaryStream: PrimaryStream;
}

function streamOf(ctx: CommandContext): PrimaryStream | undefined {
  const hooks = ctx.server.replicationHooks as Partial<HooksWithStream> | undefined;
  return hooks?.primaryStream;
}

/** Identity a connection announced with REPLCONF before its PSYNC, by client id. */
const announced = new Map<number, Partial<ReplicaIdentity>>();

function psync(ctx: CommandContext, args: string[]): void {
  const stream = streamOf(ctx);
  if (stream === undefined || ctx.client.kind !== 'resp') return ctx.reply.error(NO_REPLICATION);
  const offset = parseInteger(args[2]!);
  if (offset === undefined) return ctx.reply.error(NOT_INTEGER);
  let held = parseSlots('');
  if (args.length === 5 && args[3]!.toUpperCase() === 'SLOTS') held = parseSlots(args[4]!);
  else if (args.length !== 3) return ctx.reply.error(SYNTAX_ERROR);
  if (held === undefined) return ctx.reply.error(PSYNC_SLOTS_ERROR);
  const identity = announced.get(ctx.client.id) ?? {};
  announced.delete(ctx.client.id);
  const [peerHost = ''] = splitPeer(ctx.client.addr);
  const from = { replId: args[1]!, offset: Number(offset) };
  const partial = stream.canResume(from);
  stream.countSync(partial, from.replId !== '?');
  const link = stream.attach(ctx, { id: identity.id ?? '', host: identity.host ?? peerHost, port: identity.port ?? 0 }, held, partial);
  ctx.reply.simple(partial ? `CONTINUE ${stream.log.replId}` : `FULLRESYNC ${stream.log.replId} ${stream.log.offset}`);
  stream.start(link, from, partial);
}

function replconf(ctx: CommandContext, args: string[]): void {
  if (args.length % 2 === 0) return ctx.reply.error(SYNTAX_ERROR);
  const stream = streamOf(ctx);
  const link = stream?.linkOf(ctx.client.id);
  if (link !== undefined && stream !== undefined) {
    // On a replica link nothing is replied: the connection carries the stream the other way.
    const option = args[1]!.toLowerCase();
    if (option === 'ack') {
      const offset = parseInteger(args[2]!);
      if (offset !== undefined) stream.acknowledge(link, Number(offset));
    } else if (option === 'addslots' || option === 'delslots') {
      const mask = parseSlots(args[2]!);
      if (mask !== undefined) {
        const from = option === 'addslots' ? resumeRequest(args) : undefined;
        if (from !== undefined) stream.resumeSlots(link, mask, from);
        else if (option === 'addslots') stream.addSlots(link, mask);
        else stream.removeSlots(link, mask);
      }
    }
    return;
  }
  const identity = announced.get(ctx.client.id) ?? {};
  for (let i = 1; i < args.length; i += 2) {
    const option = args[i]!.toLowerCase();
    const value = args[i + 1]!;
    switch (option) {
      case 'listening-port': {
        const port = parseInteger(value);
        if (port === undefined) return ctx.reply.error(NOT_INTEGER);
        identity.port = Number(port);
        break;
      }
      case 'ip-address':
        identity.host = value;
        break;
      case 'ringcache-id':
        identity.id = value;
        break;
      case 'capa':
      case 'ack':
      case 'getack':
        break;
      default:
        return ctx.reply.error(`ERR Unrecognized REPLCONF option: ${args[i]}`);
    }
  }
  if (streamOf(ctx) !== undefined) {
    if (announced.size > 1024) for (const id of announced.keys()) if (!ctx.server.clients.has(id)) announced.delete(id);
    announced.set(ctx.client.id, identity);
  }
  ctx.reply.ok();
}

/** The `REPLID <id> OFFSET <n> APPLIED <bytes>` after `REPLCONF ADDSLOTS <slots>`, when all three are there and valid. */
function resumeRequest(args: readonly string[]): ResumeRequest | undefined {
  if (args.length !== 9) return undefined;
  let replId: string | undefined;
  let offset: number | undefined;
  let applied: number | undefined;
  for (let i = 3; i < args.length; i += 2) {
    const option = args[i]!.toUpperCase();
    if (option === 'REPLID') replId = args[i + 1]!;
    else if (option === 'OFFSET') offset = parseInteger(args[i + 1]!);
    else if (option === 'APPLIED') applied = parseInteger(args[i + 1]!);
  }
  if (replId === undefined || offset === undefined || applied === undefined || offset < 0 || applied < 0) return undefined;
  return { replId, offset, applied };
}

/** "ip:port" (or "[v6]:port") of a peer into its host. */
function splitPeer(addr: string): [string, string] {
  const at = addr.lastIndexOf(':');
  return at === -1 ? [addr, ''] : [addr.slice(0, at), addr.slice(at + 1)];
}

export const replicationCommands: readonly CommandSpec[] = [
  {
    name: 'psync',
    arity: -3,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Internal command used for replication',
    handler: psync,
  },
  {
    name: 'replconf',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'An internal command for configuring the replication stream',
    handler: replconf,
  },
];
