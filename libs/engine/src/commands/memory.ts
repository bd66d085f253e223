import type { CommandContext, CommandSpec } from './command.js';
import { parseInteger } from './args.js';
import { replyHelp } from './config.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';

/**
 * MEMORY USAGE and MEMORY HELP. USAGE reports the bytes the store accounts to the key (key, value and entry
 * overhead: what maxmemory counts), not Redis's allocator sizes; SAMPLES is validated as Redis does and
 * otherwise unused, since every key's size is accounted exactly.
 */

/** MEMORY USAGE key [SAMPLES count]: options are checked before the key is looked up, as Redis. */
function memoryUsage(ctx: CommandContext, args: string[]): void {
  for (let i = 3; i < args.length; i++) {
    if (args[i].toLowerCase() !== 'samples' || i + 1 >= args.length) return ctx.reply.error(SYNTAX);
    const samples = parseInteger(args[i + 1]);
    if (samples === undefined) return ctx.reply.error(NOT_INTEGER);
    if (samples < 0) return ctx.reply.error(SYNTAX);
    i++;
  }
  const bytes = ctx.keyspace.accountedBytes(ctx.client.db, args[2]);
  if (bytes < 0) ctx.reply.nil();
  else ctx.reply.integer(bytes);
}

const HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

function memoryHelp(ctx: CommandContext): void {
  replyHelp(ctx, HELP);
}

export const memoryCommands: readonly CommandSpec[] = [
  {
    name: 'memory', arity: -2, flags: [], firstKey: 0, lastKey: 0, step: 0, summary: 'A container for memory diagnostics commands.', categories: ['slow'], handler: memoryHelp,
    subcommands: [
      { name: 'memory|usage', arity: -3, flags: ['readonly'], firstKey: 2, lastKey: 2, step: 1, summary: 'Estimates the memory usage of a key.', categories: ['read', 'slow'], handler: memoryUsage },
      { name: 'memory|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, summary: 'Returns helpful text about the different subcommands.', categories: ['slow'], handler: memoryHelp },
    ],
  },
];
