import type { CommandContext, CommandSpec } from './command.js';
import { DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, SYNTAX, WRONGPASS } from './errors.js';
import { unwatchAll } from './transactions.js';

/** Connection commands: PING ECHO SELECT QUIT RESET AUTH HELLO TIME. */

/** The version clients see in HELLO and INFO: the Redis 7 feature level ringcache speaks. */
export const REDIS_COMPAT_VERSION = '7.0.15';
export const RINGCACHE_VERSION = '0.1.0';

function ping(ctx: CommandContext, args: string[]): void {
  if (args.length > 2) return ctx.reply.error("ERR wrong number of arguments for 'ping' command");
  if (ctx.client.pubsub !== undefined && ctx.client.protocol === 2) {
    // In RESP2 subscribed mode PING answers in the shape of a message, as Redis.
    ctx.reply.array(2);
    ctx.reply.bulk('pong');
    ctx.reply.bulk(args.length === 2 ? args[1] : '');
    return;
  }
  if (args.length === 2) ctx.reply.bulk(args[1]);
  else ctx.reply.simple('PONG');
}

function echo(ctx: CommandContext, args: string[]): void {
  ctx.reply.bulk(args[1]);
}

function select(ctx: CommandContext, args: string[]): void {
  const text = args[1];
  if (!/^-?\d+$/.test(text)) return ctx.reply.error(NOT_INTEGER);
  const db = Number(text);
  if (ctx.server.clusterEnabled && db !== 0) return ctx.reply.error('ERR SELECT is not allowed in cluster mode');
  if (db < 0 || db >= ctx.engine.databases) return ctx.reply.error(DB_INDEX_OUT_OF_RANGE);
  ctx.client.db = db;
  ctx.reply.ok();
}

function quit(ctx: CommandContext): void {
  ctx.reply.ok();
  ctx.client.close(true);
}

/**
 * RESET, as Redis's clearClientConnectionState: leave any MULTI, WATCH and subscriptions, select database 0,
 * speak RESP2, drop the name, and fall back to the default user, authenticated only if it needs no password.
 * The library name and version stay: they describe the client behind the connection. The command table runs
 * RESET at once inside MULTI (MULTI_CONTROL_COMMANDS), as Redis does.
 */
function reset(ctx: CommandContext): void {
  const { client } = ctx;
  client.multi = undefined;
  unwatchAll(ctx.engine.keyspace, client);
  ctx.server.pubsub.unsubscribeAll(client);
  client.db = 0;
  client.protocol = 2;
  ctx.reply.setProtocol(2);
  client.name = '';
  client.authenticated = ctx.server.requirePass === '';
  ctx.reply.simple('RESET');
}

/**
 * Check a password for `user` the way Redis 7's default user behaves: with no requirepass the default user is
 * "nopass" and accepts any password; otherwise only `requirepass` matches. There are no other users (no ACL).
 */
function passwordMatches(ctx: CommandContext, user: string, password: string): boolean {
  if (user !== 'default') return false;
  return ctx.server.requirePass === '' || password === ctx.server.requirePass;
}

function auth(ctx: CommandContext, args: string[]): void {
  if (args.length > 3) return ctx.reply.error(SYNTAX);
  if (args.length === 2 && ctx.server.requirePass === '') {
    return ctx.reply.error(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  }
  const user = args.length === 3 ? args[1] : 'default';
  const password = args[args.length - 1];
  if (!passwordMatches(ctx, user, password)) {
    ctx.client.authenticated = false;
    return ctx.reply.error(WRONGPASS);
  }
  ctx.client.authenticated = true;
  ctx.reply.ok();
}

function hello(ctx: CommandContext, args: string[]): void {
  let protocol = ctx.client.protocol;
  let i = 1;
  if (args.length > 1) {
    const ver = args[1];
    if (!/^-?\d+$/.test(ver)) return ctx.reply.error('ERR Protocol version is not an integer or out of range');
    const n = Number(ver);
    if (n !== 2 && n !== 3) return ctx.reply.error('NOPROTO unsupported protocol version');
    protocol = n;
    i = 2;
  }
  let name: string | undefined;
  for (; i < args.length; i++) {
    const opt = args[i].toLowerCase();
    const more = args.length - i - 1;
    if (opt === 'auth' && more >= 2) {
      if (!passwordMatches(ctx, args[i + 1], args[i + 2])) return ctx.reply.error(WRONGPASS);
      ctx.client.authenticated = true;
      i += 2;
    } else if (opt === 'setname' && more >= 1) {
      if (/[\s]/.test(args[i + 1]) || /[^\x21-\x7e]/.test(args[i + 1])) {
        return ctx.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
      }
      name = args[i + 1];
      i += 1;
    } else {
      return ctx.reply.error(`ERR Syntax error in HELLO option '${args[i]}'`);
    }
  }
  if (ctx.server.requirePass !== '' && !ctx.client.authenticated) {
    return ctx.reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  }
  if (name !== undefined) ctx.client.name = name;
  ctx.client.protocol = protocol;
  ctx.reply.setProtocol(protocol);
  ctx.reply.map(7);
  ctx.reply.bulk('server');
  ctx.reply.bulk('redis');
  ctx.reply.bulk('version');
  ctx.reply.bulk(REDIS_COMPAT_VERSION);
  ctx.reply.bulk('proto');
  ctx.reply.integer(protocol);
  ctx.reply.bulk('id');
  ctx.reply.integer(ctx.client.id);
  ctx.reply.bulk('mode');
  ctx.reply.bulk(ctx.server.clusterEnabled ? 'cluster' : 'standalone');
  ctx.reply.bulk('role');
  ctx.reply.bulk('master');
  ctx.reply.bulk('modules');
  ctx.reply.array(0);
}

function time(ctx: CommandContext): void {
  const now = ctx.engine.clock.now();
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000) % 1_000_000;
  ctx.reply.array(2);
  ctx.reply.bulk(String(Math.floor(now / 1000)));
  ctx.reply.bulk(String(micros));
}

export const connectionCommands: readonly CommandSpec[] = [
  { name: 'ping', arity: -1, flags: ['fast'], firstKey: 0, lastKey: 0, step: 0, summary: 'Returns the server\'s liveliness response.', categories: ['fast', 'connection'], handler: ping },
  { name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, step: 0, summary: 'Returns the given string.', categories: ['fast', 'connection'], handler: echo },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, step: 0, summary: 'Changes the selected database.', categories: ['fast', 'connection'], handler: select },
  { name: 'quit', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], firstKey: 0, lastKey: 0, step: 0, summary: 'Closes the connection.', categories: ['fast', 'connection'], handler: quit },
  { name: 'reset', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], firstKey: 0, lastKey: 0, step: 0, summary: 'Reset the connection', categories: ['fast', 'connection'], handler: reset },
  { name: 'auth', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], firstKey: 0, lastKey: 0, step: 0, summary: 'Authenticates the connection.', categories: ['fast', 'connection'], handler: auth },
  { name: 'hello', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], firstKey: 0, lastKey: 0, step: 0, summary: 'Handshakes with the Redis server.', categories: ['fast', 'connection'], handler: hello },
  { name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, step: 0, summary: 'Returns the server time.', categories: ['fast'], handler: time },
];
