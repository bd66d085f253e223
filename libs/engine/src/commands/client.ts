import type { ClientSession, CommandContext, CommandSpec } from './command.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import { parseInteger } from './args.js';
import { replyHelp } from './config.js';

/** CLIENT ID / SETNAME / GETNAME / LIST / INFO / KILL / SETINFO / HELP, formatted as Redis 7. */

const BAD_NAME = /[^\x21-\x7e]/;

/** CLIENT LIST / KILL TYPE: a client with subscriptions is "pubsub", any other "normal" (no replicas yet). */
function clientType(c: ClientSession): string {
  return c.pubsub !== undefined ? 'pubsub' : 'normal';
}

/** One CLIENT LIST line, in Redis 7's field order. */
export function describeClient(c: ClientSession, now: number): string {
  const age = Math.floor((now - c.createdAt) / 1000);
  const idle = Math.floor((now - c.lastInteraction) / 1000);
  const qbuf = c.queryBytes();
  const omem = c.outputBytes();
  const sub = c.pubsub;
  const flags = (sub !== undefined ? 'P' : '') + (c.multi !== undefined ? 'x' : '') + (c.blocked !== undefined ? 'b' : '') || 'N';
  const multi = c.multi !== undefined ? c.multi.queue.length : -1;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=-1 name=${c.name} age=${age} idle=${idle} flags=${flags} db=${c.db} ` +
    `sub=${sub?.channels.size ?? 0} psub=${sub?.patterns.size ?? 0} ssub=0 multi=${multi} qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 ` +
    `omem=${omem} tot-mem=${qbuf + omem} events=r cmd=${c.lastCommand || 'NULL'} user=default redir=-1 resp=${c.protocol} ` +
    `lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

function clientId(ctx: CommandContext): void {
  ctx.reply.integer(ctx.client.id);
}

function clientSetName(ctx: CommandContext, args: string[]): void {
  if (BAD_NAME.test(args[2])) return ctx.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
  ctx.client.name = args[2];
  ctx.reply.ok();
}

function clientGetName(ctx: CommandContext): void {
  ctx.reply.bulk(ctx.client.name === '' ? null : ctx.client.name);
}

function clientList(ctx: CommandContext, args: string[]): void {
  let ids: Set<number> | undefined;
  let type: string | undefined;
  if (args.length > 2) {
    const opt = args[2].toLowerCase();
    if (opt === 'type' && args.length === 4) {
      type = args[3].toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
        return ctx.reply.error(`ERR Unknown client type '${args[3]}'`);
      }
    } else if (opt === 'id' && args.length > 3) {
      ids = new Set();
      for (let i = 3; i < args.length; i++) {
        if (!/^\d+$/.test(args[i]) || Number(args[i]) < 1) return ctx.reply.error('ERR Invalid client ID');
        ids.add(Number(args[i]));
      }
    } else {
      return ctx.reply.error(SYNTAX);
    }
  }
  const now = Date.now();
  let text = '';
  for (const c of ctx.server.clients.values()) {
    if (ids !== undefined && !ids.has(c.id)) continue;
    if (type !== undefined && clientType(c) !== type) continue;
    text += describeClient(c, now) + '\n';
  }
  ctx.reply.verbatim(text);
}

function clientInfo(ctx: CommandContext): void {
  ctx.reply.verbatim(describeClient(ctx.client, Date.now()) + '\n');
}

/** CLIENT KILL addr:port (old form, replies OK) or CLIENT KILL <filter> <value> ... (replies the count). */
function clientKill(ctx: CommandContext, args: string[]): void {
  const clients = ctx.server.clients;
  if (args.length === 3) {
    for (const c of clients.values()) {
      if (c.addr === args[2]) {
        c.close(c === ctx.client);
        return ctx.reply.ok();
      }
    }
    return ctx.reply.error('ERR No such client');
  }
  if ((args.length - 2) % 2 !== 0) return ctx.reply.error(SYNTAX);
  let id: number | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: string | undefined;
  let user: string | undefined;
  let skipMe = true;
  for (let i = 2; i < args.length; i += 2) {
    const opt = args[i].toLowerCase();
    const val = args[i + 1];
    if (opt === 'id') {
      if (!/^\d+$/.test(val) || Number(val) < 1) return ctx.reply.error('ERR client-id should be greater than 0');
      id = Number(val);
    } else if (opt === 'addr') addr = val;
    else if (opt === 'laddr') laddr = val;
    else if (opt === 'type') {
      type = val.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) return ctx.reply.error(`ERR Unknown client type '${val}'`);
    } else if (opt === 'user') user = val;
    else if (opt === 'skipme') {
      const v = val.toLowerCase();
      if (v !== 'yes' && v !== 'no') return ctx.reply.error(SYNTAX);
      skipMe = v === 'yes';
    } else return ctx.reply.error(SYNTAX);
  }
  if (user !== undefined && user !== 'default') return ctx.reply.error(`ERR No such user '${user}'`);
  let killed = 0;
  for (const c of [...clients.values()]) {
    if (id !== undefined && c.id !== id) continue;
    if (addr !== undefined && c.addr !== addr) continue;
    if (laddr !== undefined && c.laddr !== laddr) continue;
    if (type !== undefined && clientType(c) !== type) continue;
    if (skipMe && c === ctx.client) continue;
    c.close(c === ctx.client);
    killed++;
  }
  ctx.reply.integer(killed);
}

function clientSetInfo(ctx: CommandContext, args: string[]): void {
  const attr = args[2].toLowerCase();
  const value = args[3];
  if (attr !== 'lib-name' && attr !== 'lib-ver') return ctx.reply.error(`ERR Unrecognized option '${args[2]}'`);
  if (BAD_NAME.test(value)) {
    return ctx.reply.error(`ERR ${attr.toUpperCase()} cannot contain spaces, newlines or special characters.`);
  }
  if (attr === 'lib-name') ctx.client.libName = value;
  else ctx.client.libVer = value;
  ctx.reply.ok();
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: end another client's blocking wait; 1 if it was blocked. */
function clientUnblock(ctx: CommandContext, args: string[]): void {
  if (args.length > 4) return ctx.reply.error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
  const id = parseInteger(args[2]);
  if (id === undefined) return ctx.reply.error(NOT_INTEGER);
  let error = false;
  if (args.length === 4) {
    const reason = args[3].toLowerCase();
    if (reason !== 'timeout' && reason !== 'error') return ctx.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    error = reason === 'error';
  }
  const target = ctx.server.clients.get(id)?.blocked;
  if (target === undefined) return ctx.reply.integer(0);
  ctx.server.blocking.unblock(target, error);
  ctx.reply.integer(1);
}

function clientNoEvict(ctx: CommandContext, args: string[]): void {
  const v = args[2].toLowerCase();
  if (v !== 'on' && v !== 'off') return ctx.reply.error(SYNTAX);
  ctx.reply.ok();
}

const HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are: ID <client-id>, TYPE (normal|master|replica|pubsub), USER <username>,',
  '    ADDR <ip:port>, LADDR <ip:port>, SKIPME (YES|NO).',
  'LIST [options ...]',
  '    Return information about client connections. Options: TYPE (NORMAL|MASTER|REPLICA|PUBSUB), ID <client-id> ...',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are: LIB-NAME, LIB-VER.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'NO-EVICT (ON|OFF)',
  '    Accepted for compatibility; ringcache never evicts clients.',
  'HELP',
  '    Print this help.',
];

const spec = (name: string, arity: number, summary: string, handler: CommandSpec['handler']): CommandSpec => ({
  name, arity, flags: ['noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, summary, categories: ['slow', 'connection'], handler,
});

/** The subcommands Redis marks admin (and dangerous). */
const admin = (name: string, arity: number, summary: string, handler: CommandSpec['handler']): CommandSpec => ({
  ...spec(name, arity, summary, handler),
  flags: ['admin', 'noscript', 'loading', 'stale'],
  categories: ['admin', 'slow', 'dangerous', 'connection'],
});

export const clientCommands: readonly CommandSpec[] = [
  {
    ...spec('client', -2, 'A container for client connection commands.', (ctx) => replyHelp(ctx, HELP)),
    flags: [],
    categories: ['slow'],
    subcommands: [
      spec('client|id', 2, 'Returns the unique client ID of the connection.', clientId),
      spec('client|setname', 3, 'Sets the connection name.', clientSetName),
      spec('client|getname', 2, 'Returns the name of the connection.', clientGetName),
      admin('client|list', -2, 'Lists open connections.', clientList),
      spec('client|info', 2, 'Returns information about the connection.', clientInfo),
      admin('client|kill', -3, 'Terminates open connections.', clientKill),
      spec('client|setinfo', 4, 'Sets information specific to the client or connection.', clientSetInfo),
      admin('client|unblock', -3, 'Unblocks a client blocked by a blocking command from a different connection.', clientUnblock),
      admin('client|no-evict', 3, 'Sets the client eviction mode of the connection.', clientNoEvict),
      { ...spec('client|help', 2, 'Returns helpful text about the different subcommands.', (ctx) => replyHelp(ctx, HELP)), flags: ['loading', 'stale'] },
    ],
  },
];
