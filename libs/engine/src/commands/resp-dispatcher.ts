import type { Engine } from '../engine.js';
import type { BlockingRegistry } from './blocking.js';
import type { ClientSession, CommandContext } from './command.js';
import type { CommandTable } from './command-table.js';
import type { Reply } from './reply.js';
import type { ServerState } from './server-state.js';
import { unwatchAll } from './transactions.js';

/**
 * Connects the RESP server to the command table: one CommandContext per connection, created when it
 * connects and reused for each of its commands; the client registry CLIENT LIST/KILL reads.
 */
export class RespDispatcher {
  private readonly contexts = new Map<number, CommandContext>();
  private readonly blocking: BlockingRegistry;

  constructor(
    private readonly table: CommandTable,
    private readonly engine: Engine,
    private readonly server: ServerState,
  ) {
    this.blocking = server.blocking;
  }

  connected(session: ClientSession): void {
    this.server.clients.set(session.id, session);
  }

  disconnected(session: ClientSession): void {
    this.server.clients.delete(session.id);
    this.contexts.delete(session.id);
    unwatchAll(this.engine.keyspace, session);
    if (session.blocked !== undefined) this.blocking.forget(session.blocked);
    if (session.pubsub !== undefined) this.server.pubsub.unsubscribeAll(session);
  }

  execute(session: ClientSession, reply: Reply, args: string[]): void {
    let ctx = this.contexts.get(session.id);
    if (ctx === undefined) {
      ctx = { engine: this.engine, keyspace: this.engine.keyspace, server: this.server, client: session, reply };
      this.contexts.set(session.id, ctx);
    }
    this.table.execute(ctx, args);
    if (this.blocking.hasReady) this.blocking.serveReady();
  }
}
