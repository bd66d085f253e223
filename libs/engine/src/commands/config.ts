import type { CommandContext, CommandSpec } from './command.js';
import { ConfigError } from './config-store.js';
import { globMatch } from './glob.js';

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP, with Redis 7's replies and error wording. */

function configGet(ctx: CommandContext, args: string[]): void {
  const found = new Map<string, string>();
  for (let i = 2; i < args.length; i++) {
    for (const [name, value] of ctx.server.config.match(args[i], (p, t) => globMatch(p, t, true))) found.set(name, value);
  }
  ctx.reply.map(found.size);
  for (const [name, value] of found) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

/** All pairs are validated before any is applied, so a multi-parameter CONFIG SET is all or nothing. */
function configSet(ctx: CommandContext, args: string[]): void {
  const { config } = ctx.server;
  if ((args.length - 2) % 2 !== 0) {
    return ctx.reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${args[args.length - 1]}'`);
  }
  const seen = new Set<string>();
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < args.length; i += 2) {
    const name = args[i].toLowerCase();
    if (!config.has(name)) return ctx.reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${args[i]}'`);
    if (seen.has(name)) return ctx.reply.error(`ERR CONFIG SET failed (possibly related to argument '${args[i]}') - duplicate parameter`);
    seen.add(name);
    try {
      pairs.push([name, config.check(name, args[i + 1])]);
    } catch (err) {
      const reason = err instanceof ConfigError ? err.message : String(err);
      return ctx.reply.error(`ERR CONFIG SET failed (possibly related to argument '${args[i]}') - ${reason}`);
    }
  }
  for (const [name, value] of pairs) config.set(name, value);
  ctx.reply.ok();
}

function configResetStat(ctx: CommandContext): void {
  ctx.server.resetStats();
  ctx.engine.stats.reset();
  ctx.reply.ok();
}

function configRewrite(ctx: CommandContext): void {
  ctx.reply.error('ERR The server is running without a config file');
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Print this help.',
];

/** Reply a container's HELP text as Redis does: an array of status lines. */
export function replyHelp(ctx: CommandContext, lines: readonly string[]): void {
  ctx.reply.array(lines.length);
  for (const line of lines) ctx.reply.simple(line);
}

function configContainer(ctx: CommandContext): void {
  replyHelp(ctx, HELP);
}

const sub = (name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: CommandSpec['handler']): CommandSpec => ({
  name, arity, flags, firstKey: 0, lastKey: 0, step: 0, summary, categories: ['admin', 'slow', 'dangerous'], handler,
});

export const configCommands: readonly CommandSpec[] = [
  {
    ...sub('config', -2, [], 'A container for server configuration commands.', configContainer),
    categories: ['slow'],
    subcommands: [
      sub('config|get', -3, ['admin', 'noscript', 'loading', 'stale'], 'Returns the effective values of configuration parameters.', configGet),
      sub('config|set', -4, ['admin', 'noscript', 'loading', 'stale'], 'Sets configuration parameters in-flight.', configSet),
      sub('config|resetstat', 2, ['admin', 'noscript', 'loading', 'stale'], 'Resets the server\'s statistics.', configResetStat),
      sub('config|rewrite', 2, ['admin', 'noscript', 'loading', 'stale'], 'Persists the effective configuration to file.', configRewrite),
      { ...sub('config|help', 2, ['loading', 'stale'], 'Returns helpful text about the different subcommands.', configContainer), categories: ['slow'] },
    ],
  },
];
