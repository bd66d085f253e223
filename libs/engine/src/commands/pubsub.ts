import { PEER_CLIENT_NAME } from './cluster-gate.js';
import type { CommandContext, CommandSpec } from './command.js';
import type { Reply } from './reply.js';
import { replyHelp } from './config.js';
import { globMatch } from './glob.js';

/**
 * SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, with Redis 7.0's replies: confirmations and
 * messages are push frames (`>` in RESP3, arrays in RESP2); the subscriptions live in ServerState's
 * PubSubRegistry. Sharded pub/sub (SSUBSCRIBE, SPUBLISH) is not implemented, so PUBSUB SHARDCHANNELS and
 * SHARDNUMSUB see no shard channels.
 */

/** What a RESP2 client in subscribed mode may still run (Redis's processCommand). */
const ALLOWED_IN_SUBSCRIBED_MODE = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

/**
 * For the command table, on a client with subscriptions: a RESP2 client in subscribed mode can run only the
 * commands above; anything else is refused (replied here, returns true). RESP3 clients may run anything.
 */
export function refusedInSubscribedMode(ctx: CommandContext, name: string): boolean {
  // EXEC runs its queue without this check, as Redis's execCommand (MULTI, SUBSCRIBE, GET, EXEC runs the GET).
  if (ctx.client.protocol !== 2 || ctx.server.execDepth !== 0 || ALLOWED_IN_SUBSCRIBED_MODE.has(name)) return false;
  ctx.reply.error(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
  return true;
}

/** Subscriptions need a connection to push messages to: the Nest TCP and HTTP transports have none. */
function needsConnection(ctx: CommandContext, args: string[]): boolean {
  if (ctx.client.kind === 'resp') return false;
  ctx.reply.error(`ERR ${args[0].toUpperCase()} needs a RESP connection: this transport cannot receive pushed messages`);
  return true;
}

/** One (un)subscribe confirmation: [kind, channel or pattern (nil: there was none), subscriptions left]. */
function confirm(r: Reply, kind: string, name: string | null, count: number): void {
  r.push(3);
  r.bulk(kind);
  r.bulk(name);
  r.integer(count);
}

function subscribe(ctx: CommandContext, args: string[]): void {
  if (needsConnection(ctx, args)) return;
  for (let i = 1; i < args.length; i++) confirm(ctx.reply, 'subscribe', args[i], ctx.server.pubsub.subscribe(ctx, args[i]));
}

function psubscribe(ctx: CommandContext, args: string[]): void {
  if (needsConnection(ctx, args)) return;
  for (let i = 1; i < args.length; i++) confirm(ctx.reply, 'psubscribe', args[i], ctx.server.pubsub.psubscribe(ctx, args[i]));
}

/** UNSUBSCRIBE [channel ...]: none named = all, in subscription order; with none to drop, one nil confirmation. */
function unsubscribe(ctx: CommandContext, args: string[]): void {
  leave(ctx, args, false);
}

function punsubscribe(ctx: CommandContext, args: string[]): void {
  leave(ctx, args, true);
}

function leave(ctx: CommandContext, args: string[], patterns: boolean): void {
  if (needsConnection(ctx, args)) return;
  const { client, reply, server } = ctx;
  const kind = patterns ? 'punsubscribe' : 'unsubscribe';
  const own = patterns ? client.pubsub?.patterns : client.pubsub?.channels;
  const names = args.length > 1 ? args.slice(1) : [...(own ?? [])];
  if (names.length === 0) return confirm(reply, kind, null, client.pubsub?.count ?? 0);
  for (const name of names) {
    confirm(reply, kind, name, patterns ? server.pubsub.punsubscribe(client, name) : server.pubsub.unsubscribe(client, name));
  }
}

/** PUBLISH: the count is of this node's receivers, as Redis Cluster's; a cluster node also relays it to the others. */
function publish(ctx: CommandContext, args: string[]): void {
  ctx.reply.integer(ctx.server.pubsub.publish(args[1], args[2]));
  const relay = ctx.server.publishToPeers;
  if (relay !== undefined && ctx.client.name !== PEER_CLIENT_NAME) relay(args[1], args[2]);
}

/** Redis's addReplySubcommandSyntaxError, naming the subcommand as sent. */
function subcommandSyntax(ctx: CommandContext, args: string[]): void {
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${args[1].slice(0, 128)}'. Try PUBSUB HELP.`);
}

/** PUBSUB CHANNELS [pattern]: channels with subscribers, matching the pattern if given. */
function pubsubChannels(ctx: CommandContext, args: string[]): void {
  if (args.length > 3) return subcommandSyntax(ctx, args);
  const found: string[] = [];
  for (const channel of ctx.server.pubsub.activeChannels()) {
    if (args.length === 2 || globMatch(args[2], channel)) found.push(channel);
  }
  ctx.reply.array(found.length);
  for (const channel of found) ctx.reply.bulk(channel);
}

/** PUBSUB NUMSUB [channel ...]: flat [channel, subscribers] pairs (an array in RESP3 too, as Redis). */
function pubsubNumsub(ctx: CommandContext, args: string[]): void {
  ctx.reply.array((args.length - 2) * 2);
  for (let i = 2; i < args.length; i++) {
    ctx.reply.bulk(args[i]);
    ctx.reply.integer(ctx.server.pubsub.subscribers(args[i]));
  }
}

function pubsubNumpat(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.pubsub.patternCount);
}

/** PUBSUB SHARDCHANNELS [pattern]: no shard channels exist (SSUBSCRIBE is not implemented). */
function pubsubShardChannels(ctx: CommandContext, args: string[]): void {
  if (args.length > 3) return subcommandSyntax(ctx, args);
  ctx.reply.array(0);
}

/** PUBSUB SHARDNUMSUB [channel ...]: every shard channel has 0 subscribers. */
function pubsubShardNumsub(ctx: CommandContext, args: string[]): void {
  ctx.reply.array((args.length - 2) * 2);
  for (let i = 2; i < args.length; i++) {
    ctx.reply.bulk(args[i]);
    ctx.reply.integer(0);
  }
}

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function pubsubHelp(ctx: CommandContext): void {
  replyHelp(ctx, HELP);
}

const SUBSCRIBING: CommandSpec['flags'] = ['pubsub', 'noscript', 'loading', 'stale'];
const INTROSPECTION: CommandSpec['flags'] = ['pubsub', 'loading', 'stale'];

const spec = (name: string, arity: number, flags: CommandSpec['flags'], categories: string[], summary: string, handler: CommandSpec['handler']): CommandSpec => ({
  name, arity, flags, firstKey: 0, lastKey: 0, step: 0, summary, categories, handler,
});

export const pubsubCommands: readonly CommandSpec[] = [
  spec('subscribe', -2, SUBSCRIBING, ['pubsub', 'slow'], 'Listens for messages published to channels.', subscribe),
  spec('unsubscribe', -1, SUBSCRIBING, ['pubsub', 'slow'], 'Stops listening to messages posted to channels.', unsubscribe),
  spec('psubscribe', -2, SUBSCRIBING, ['pubsub', 'slow'], 'Listens for messages published to channels that match one or more patterns.', psubscribe),
  spec('punsubscribe', -1, SUBSCRIBING, ['pubsub', 'slow'], 'Stops listening to messages published to channels that match one or more patterns.', punsubscribe),
  spec('publish', 3, ['pubsub', 'loading', 'stale', 'fast'], ['pubsub', 'fast'], 'Posts a message to a channel.', publish),
  {
    ...spec('pubsub', -2, [], ['slow'], 'A container for Pub/Sub commands.', pubsubHelp),
    subcommands: [
      spec('pubsub|channels', -2, INTROSPECTION, ['pubsub', 'slow'], 'Returns the active channels.', pubsubChannels),
      spec('pubsub|numsub', -2, INTROSPECTION, ['pubsub', 'slow'], 'Returns a count of subscribers to channels.', pubsubNumsub),
      spec('pubsub|numpat', 2, INTROSPECTION, ['pubsub', 'slow'], 'Returns a count of unique pattern subscriptions.', pubsubNumpat),
      spec('pubsub|shardchannels', -2, INTROSPECTION, ['pubsub', 'slow'], 'Returns the active shard channels.', pubsubShardChannels),
      spec('pubsub|shardnumsub', -2, INTROSPECTION, ['pubsub', 'slow'], 'Returns the count of subscribers of shard channels.', pubsubShardNumsub),
      spec('pubsub|help', 2, ['loading', 'stale'], ['slow'], 'Returns helpful text about the different subcommands.', pubsubHelp),
    ],
  },
];
