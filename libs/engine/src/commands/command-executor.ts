import type { Engine } from '../engine.js';
import type { CommandContext } from './command.js';
import type { CommandTable } from './command-table.js';
import { InternalSession } from './internal-session.js';
import type { ServerState } from './server-state.js';
import { ValueReply } from './value-reply.js';

/**
 * Runs commands for the non-RESP transports (Nest TCP, HTTP) through the same command table, returning JS
 * values: string (binary string) | null | number | array | Map | StatusReply, or a ReplyError value for an
 * error reply (never thrown). One reused context: commands run one at a time on the event loop.
 */
export class CommandExecutor {
  private readonly reply = new ValueReply(2);
  private readonly session: InternalSession;
  private readonly ctx: CommandContext;

  constructor(
    private readonly table: CommandTable,
    engine: Engine,
    server: ServerState,
  ) {
    this.session = new InternalSession(server.nextClientId());
    this.ctx = { engine, keyspace: engine.keyspace, server, client: this.session, reply: this.reply };
  }

  call(args: string[], db = 0): unknown {
    this.session.db = db;
    this.table.execute(this.ctx, args);
    const result = this.reply.take();
    const blocking = this.ctx.server.blocking;
    if (blocking.hasReady) blocking.serveReady();
    this.ctx.server.beforeReply?.(); // the AOF has the write before the caller replies
    return result;
  }
}
