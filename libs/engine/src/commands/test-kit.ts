/** Helpers for command unit specs: a real Engine on a FakeClock and a way to run one command to a JS value. */
import { Engine } from '../engine.js';
import type { AggregateValue } from '../value.js';
import { FakeClock } from '../clock.js';
import type { ClientSession, CommandContext } from './command.js';
import type { BlockedClient } from './blocking.js';
import type { Subscriber } from '../pubsub-registry.js';
import { CommandTable } from './command-table.js';
import { ConfigStore } from './config-store.js';
import { InternalSession } from './internal-session.js';
import { NODE_PARAMS } from './params.js';
import { ServerState } from './server-state.js';
import { ReplyError, StatusReply, ValueReply } from './value-reply.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { hashCommands } from './hashes.js';
import { setCommands } from './sets.js';
import { sortedSetCommands } from './sorted-sets.js';
import { blockingSortedSetCommands } from './sorted-set-blocking.js';
import { sortCommands } from './sort.js';
import { transactionCommands } from './transactions.js';
import { clientCommands } from './client.js';

/** The connection, data type and transaction commands, dispatched as the node does (arity, subcommands). */
const table = new CommandTable([...connectionCommands, ...stringCommands, ...keyCommands, ...listCommands, ...hashCommands, ...setCommands, ...sortedSetCommands, ...blockingSortedSetCommands, ...sortCommands, ...clientCommands]);
table.registerAll(transactionCommands(table));

export interface TestContext extends CommandContext {
  readonly engine: Engine;
  readonly clock: FakeClock;
  readonly reply: ValueReply;
}

/** A context over `engine` (default: a fresh Engine on a FakeClock), database 0, RESP2 replies. */
export function makeContext(engine?: Engine): TestContext {
  const clock = engine?.clock instanceof FakeClock ? engine.clock : new FakeClock();
  const e = engine ?? new Engine({ clock });
  const server = new ServerState(new ConfigStore(NODE_PARAMS));
  const client = new InternalSession(server.nextClientId());
  return { engine: e, keyspace: e.keyspace, server, client, reply: new ValueReply(2), clock };
}

/**
 * Run one command; returns the reply as a value: string | null | number | array, "+status" strings for
 * status replies, and "-ERR ..." strings for errors, so expectations read like redis-cli output.
 */
export function run(ctx: TestContext, ...args: string[]): unknown {
  table.execute(ctx, args);
  return simplify(ctx.reply.take());
}

function simplify(v: unknown): unknown {
  if (v instanceof StatusReply) return '+' + v.status;
  if (v instanceof ReplyError) return '-' + v.message;
  if (Array.isArray(v)) return v.map(simplify);
  return v;
}

/** A step of a scripted session: a command and the reply redis-server 7.0 gives to it. */
export type Step = [command: string[], reply: unknown];

/**
 * Run `steps` in order on `ctx` and return them with the replies actually given, for
 * `expect(replay(ctx, steps)).toEqual(steps)`. `lpush key x` stands in for a list command until lists exist:
 * it stores an aggregate value (type "list") so WRONGTYPE paths can be tested, and replies 1.
 */
export function replay(ctx: TestContext, steps: readonly Step[]): Step[] {
  return steps.map(([command]): Step => {
    if (command[0] === 'lpush') {
      ctx.keyspace.set(ctx.client.db, command[1], fakeList());
      return [command, 1];
    }
    return [command, run(ctx, ...command)];
  });
}

/** A stand-in aggregate value of type "list". */
export function fakeList(): AggregateValue {
  return { type: 'list', bytes: 1, encoding: () => 'listpack' };
}

/** A seeded pseudo-random generator in [0, 1) (mulberry32), for reproducible random tests. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A session that passes for a RESP connection (kind "resp"), for specs of commands that need one: blocking
 * commands and pub/sub. Counts the transport calls a real connection would act on.
 */
export class RespLikeSession implements ClientSession {
  name = '';
  db = 0;
  protocol: 2 | 3 = 2;
  authenticated = true;
  readonly addr = '127.0.0.1:5000';
  readonly laddr = '127.0.0.1:6379';
  readonly createdAt = 0;
  lastInteraction = 0;
  lastCommand = '';
  libName = '';
  libVer = '';
  readonly kind = 'resp' as const;
  multi = undefined;
  watch = undefined;
  blocked: BlockedClient | undefined = undefined;
  pubsub: Subscriber | undefined = undefined;
  replOffset = 0;
  replSlot = -1;
  readOnly = false;
  /** Calls of unblocked() and pushWritten(). */
  unblocks = 0;
  pushes = 0;
  constructor(readonly id: number) {}
  close(): void {}
  outputBytes(): number {
    return 0;
  }
  queryBytes(): number {
    return 0;
  }
  unblocked(): void {
    this.unblocks++;
  }
  pushWritten(): void {
    this.pushes++;
  }
}
