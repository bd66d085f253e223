import { commandKeys } from './key-positions.js';
import type { CommandContext, CommandSpec } from './command.js';
import type { CommandTable } from './command-table.js';
import { replyHelp } from './config.js';
import { globMatch } from './glob.js';

/**
 * COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, HELP), read from the command table so the
 * table stays the single source of arity, flags and key positions. Built with a reference to the table.
 */

function group(spec: CommandSpec): string {
  const c = spec.categories;
  for (const g of ['string', 'list', 'hash', 'set', 'sortedset', 'pubsub', 'connection', 'transactions']) {
    if (c.includes(g)) return g === 'sortedset' ? 'sorted-set' : g === 'transactions' ? 'transactions' : g;
  }
  return c.includes('keyspace') ? 'generic' : 'server';
}

function writeInfo(ctx: CommandContext, spec: CommandSpec): void {
  const r = ctx.reply;
  r.array(10);
  r.bulk(spec.name);
  r.integer(spec.arity);
  r.set(spec.flags.length);
  for (const f of spec.flags) r.simple(f);
  r.integer(spec.firstKey);
  r.integer(spec.lastKey);
  r.integer(spec.step);
  r.set(spec.categories.length);
  for (const c of spec.categories) r.simple(`@${c}`);
  r.set(0); // tips
  r.array(0); // key specifications: the legacy (first, last, step) above describe our key positions
  const subs = spec.subcommands ?? [];
  r.array(subs.length);
  for (const s of subs) writeInfo(ctx, s);
}

function writeDocs(ctx: CommandContext, spec: CommandSpec): void {
  const r = ctx.reply;
  const subs = spec.subcommands ?? [];
  r.map(subs.length > 0 ? 4 : 3);
  r.bulk('summary');
  r.bulk(spec.summary);
  r.bulk('since');
  r.bulk('1.0.0');
  r.bulk('group');
  r.bulk(group(spec));
  if (subs.length > 0) {
    r.bulk('subcommands');
    r.map(subs.length);
    for (const s of subs) {
      r.bulk(s.name);
      writeDocs(ctx, s);
    }
  }
}

/** Finds "get" or "config|get" (COMMAND INFO accepts both forms). */
function find(table: CommandTable, name: string): CommandSpec | undefined {
  const lower = name.toLowerCase();
  const bar = lower.indexOf('|');
  if (bar < 0) return table.lookup(lower);
  const parent = table.lookup(lower.slice(0, bar));
  return parent?.subcommands?.find((s) => s.name === lower);
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'HELP',
  '    Print this help.',
];

export function commandInfoCommands(table: CommandTable): readonly CommandSpec[] {
  const all = (): CommandSpec[] => [...table.all()];

  const command = (ctx: CommandContext): void => {
    const specs = all();
    ctx.reply.array(specs.length);
    for (const s of specs) writeInfo(ctx, s);
  };
  const count = (ctx: CommandContext): void => ctx.reply.integer(table.size);
  const info = (ctx: CommandContext, args: string[]): void => {
    const specs = args.length > 2 ? args.slice(2).map((n) => find(table, n)) : all();
    ctx.reply.array(specs.length);
    for (const s of specs) {
      if (s === undefined) ctx.reply.nilArray();
      else writeInfo(ctx, s);
    }
  };
  const docs = (ctx: CommandContext, args: string[]): void => {
    const specs = (args.length > 2 ? args.slice(2).map((n) => find(table, n)) : all()).filter((s): s is CommandSpec => s !== undefined);
    ctx.reply.map(specs.length);
    for (const s of specs) {
      ctx.reply.bulk(s.name);
      writeDocs(ctx, s);
    }
  };
  const list = (ctx: CommandContext, args: string[]): void => {
    let names = all().map((s) => s.name);
    if (args.length === 5 && args[2].toLowerCase() === 'filterby') {
      const kind = args[3].toLowerCase();
      const arg = args[4];
      if (kind === 'pattern') names = names.filter((n) => globMatch(arg, n, true));
      else if (kind === 'aclcat') names = all().filter((s) => s.categories.includes(arg.toLowerCase())).map((s) => s.name);
      else if (kind === 'module') names = [];
      else return ctx.reply.error('ERR syntax error');
    } else if (args.length !== 2) {
      return ctx.reply.error('ERR syntax error');
    }
    ctx.reply.array(names.length);
    for (const n of names) ctx.reply.bulk(n);
  };
  const getkeys = (ctx: CommandContext, args: string[]): void => {
    const target = args.slice(2);
    const spec = table.lookup(target[0]);
    if (spec === undefined) return ctx.reply.error('ERR Invalid command specified');
    if ((spec.arity > 0 && target.length !== spec.arity) || target.length < -spec.arity) {
      return ctx.reply.error('ERR Invalid number of arguments specified for command');
    }
    const keys = commandKeys(spec, target);
    if (keys === undefined) return ctx.reply.error('ERR Invalid arguments specified for command');
    if (keys.length === 0) return ctx.reply.error('ERR The command has no key arguments');
    ctx.reply.array(keys.length);
    for (const k of keys) ctx.reply.bulk(target[k]);
  };

  const sub = (name: string, arity: number, summary: string, handler: CommandSpec['handler']): CommandSpec => ({
    name, arity, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, summary, categories: ['slow', 'connection'], handler,
  });
  return [
    {
      ...sub('command', -1, 'Returns detailed information about all commands.', command),
      subcommands: [
        sub('command|count', 2, 'Returns a count of commands.', count),
        sub('command|info', -2, 'Returns information about one, multiple or all commands.', info),
        sub('command|docs', -2, 'Returns documentary information about one, multiple or all commands.', docs),
        sub('command|list', -2, 'Returns a list of command names.', list),
        sub('command|getkeys', -4, 'Extracts the key names from an arbitrary command.', getkeys),
        sub('command|help', 2, 'Returns helpful text about the different subcommands.', (ctx) => replyHelp(ctx, HELP)),
      ],
    },
  ];
}
