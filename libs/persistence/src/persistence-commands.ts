/** BGREWRITEAOF, served by the node's AofRuntime (ServerState.persistence). */
import type { CommandContext, CommandSpec } from '../../engine/src/commands/command.js';

function bgrewriteaof(ctx: CommandContext): void {
  const hooks = ctx.server.persistence;
  if (hooks === undefined) {
    ctx.reply.error('ERR the append only file is not available on this server');
    return;
  }
  if (!hooks.bgRewrite()) {
    ctx.reply.error('ERR Background append only file rewriting already in progress');
    return;
  }
  ctx.reply.simple('Background append only file rewriting started');
}

export const persistenceCommands: readonly CommandSpec[] = [
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Asynchronously rewrites the append-only file to disk',
    handler: bgrewriteaof,
  },
];
