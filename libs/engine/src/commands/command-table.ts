import type { CommandContext, CommandSpec } from './command.js';
import { LATENCY_BUCKETS_US } from './server-state.js';
import { connectionCommands } from './connection.js';
import { infoCommands } from './info.js';
import { configCommands } from './config.js';
import { clientCommands } from './client.js';
import { commandInfoCommands } from './command-info.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { NOAUTH, OOM, WRONG_ARITY, unknownCommand, unknownSubcommand } from './errors.js';

/**
 * The command table: name → spec, and the one place every transport runs a command through.
 *
 * `execute` does what Redis's processCommand does before and after a handler, in this order: look the
 * command up, check arity (and the subcommand of a container), require AUTH when `requirepass` is set, free
 * memory for commands flagged `denyoom` (or refuse with OOM), run the handler, count calls, time and errors.
 * No allocation on this path: the stats objects are created once per command name.
 */
export class CommandTable {
  private readonly commands = new Map<string, CommandSpec>();

  constructor(specs: Iterable<CommandSpec> = []) {
    for (const spec of specs) this.register(spec);
  }

  register(spec: CommandSpec): void {
    if (this.commands.has(spec.name)) throw new Error(`command ${spec.name} registered twice`);
    this.commands.set(spec.name, spec);
  }

  registerAll(specs: Iterable<CommandSpec>): void {
    for (const spec of specs) this.register(spec);
  }

  /** Case-insensitive lookup. */
  lookup(name: string): CommandSpec | undefined {
    return this.commands.get(name) ?? this.commands.get(name.toLowerCase());
  }

  all(): IterableIterator<CommandSpec> {
    return this.commands.values();
  }

  get size(): number {
    return this.commands.size;
  }

  execute(ctx: CommandContext, args: string[]): void {
    const { reply, server } = ctx;
    let spec = this.commands.get(args[0]);
    if (spec === undefined) spec = this.commands.get(args[0].toLowerCase());
    if (spec === undefined) {
      server.totalErrorReplies++;
      // Redis checks auth before telling an unauthenticated client anything about the command table.
      reply.error(server.requirePass !== '' && !ctx.client.authenticated ? NOAUTH : unknownCommand(args));
      return;
    }
    let statsName = spec.name;
    if (spec.subcommands !== undefined && args.length > 1) {
      const sub = findSubcommand(spec, args[1]);
      if (sub === undefined) {
        if (!isHelp(args[1])) {
          server.totalErrorReplies++;
          server.statsFor(spec.name).rejectedCalls++;
          reply.error(unknownSubcommand(args[1], spec.name));
          return;
        }
      } else {
        spec = sub;
        statsName = sub.name;
      }
    }
    const stats = server.statsFor(statsName);
    const arity = spec.arity;
    if ((arity > 0 && args.length !== arity) || args.length < -arity) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      reply.error(WRONG_ARITY(statsName));
      return;
    }
    if (server.requirePass !== '' && !ctx.client.authenticated && !spec.flags.includes('no_auth')) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      reply.error(NOAUTH);
      return;
    }
    if (ctx.engine.maxmemory !== 0 && spec.flags.includes('denyoom') && !ctx.engine.freeMemoryIfNeeded()) {
      stats.rejectedCalls++;
      server.totalErrorReplies++;
      reply.error(OOM);
      return;
    }
    const errorsBefore = reply.errors;
    const start = performance.now();
    spec.handler(ctx, args);
    const us = (performance.now() - start) * 1000;
    stats.calls++;
    stats.usec += us;
    server.totalCommandsProcessed++;
    server.latencySumUs += us;
    server.latencyBuckets[bucketOf(us)]++;
    if (reply.errors !== errorsBefore) {
      stats.failedCalls++;
      server.totalErrorReplies++;
    }
    ctx.client.lastCommand = statsName;
  }
}

function bucketOf(us: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_US.length && us > LATENCY_BUCKETS_US[i]) i++;
  return i;
}

function isHelp(arg: string): boolean {
  return arg.length === 4 && arg.toLowerCase() === 'help';
}

/** Subcommand specs are named "container|sub", as Redis names them in COMMAND INFO and commandstats. */
function findSubcommand(spec: CommandSpec, arg: string): CommandSpec | undefined {
  const name = `${spec.name}|${arg.toLowerCase()}`;
  for (const sub of spec.subcommands!) if (sub.name === name) return sub;
  return undefined;
}

/** A table with every command family registered. */
export function createCommandTable(): CommandTable {
  const table = new CommandTable();
  table.registerAll(connectionCommands);
  table.registerAll(stringCommands);
  table.registerAll(keyCommands);
  table.registerAll(infoCommands);
  table.registerAll(configCommands);
  table.registerAll(clientCommands);
  table.registerAll(commandInfoCommands(table));
  return table;
}
