import type { Engine } from '../engine.js';
import type { CommandContext } from './command.js';
import type { ServerState } from './server-state.js';

/**
 * Replication capture: the effective writes a primary executes, as command vectors for its replicas, after
 * Redis's call()/propagate. See docs/architecture.md, "Replication capture".
 *
 * The command table propagates a write command's arguments as received when the store's `dirty` counter moved
 * while it ran; handlers whose effect depends on time or chance (relative TTLs, SPOP, INCRBYFLOAT, blocking
 * pops) propagate what they did instead with `propagateRewrite`. Keys the store removes on its own (lazy or
 * active expiry, eviction) go as `DEL key`. Writes inside EXEC go between MULTI and EXEC.
 */

/** Receives the effective writes, in order. */
export interface ReplicationSink {
  /**
   * One command vector (latin1 binary strings) to apply in database `db`. `args` may be the client's own
   * array, reused after the call: copy it to keep it.
   */
  propagate(db: number, args: readonly string[]): void;
}

/**
 * Propagate `args` in place of the running command (each call is one entry, in order). Callers test
 * `ctx.server.replication !== undefined` first, so nothing is allocated when replication is off.
 */
export function propagateRewrite(ctx: CommandContext, args: readonly string[]): void {
  ctx.server.propagateRewrite(ctx.client.db, args);
}

/**
 * Start capturing `engine`'s writes into `sink`: commands through `server`, and the keys the store expires or
 * evicts as DELs (this takes `engine.onKeyRemoved`). `undefined` stops.
 */
export function captureReplication(engine: Engine, server: ServerState, sink: ReplicationSink | undefined): void {
  server.replication = sink;
  engine.onKeyRemoved = sink === undefined ? undefined : (db, key) => server.propagate(db, ['DEL', key]);
}

/** Sinks attached per server (attachSink): the replication stream, the AOF, an AOF rewrite in progress. */
const attached = new WeakMap<ServerState, ReplicationSink[]>();

/** Every write to each of several sinks, in order. */
class FanoutSink implements ReplicationSink {
  constructor(private readonly sinks: readonly ReplicationSink[]) {}

  propagate(db: number, args: readonly string[]): void {
    for (let i = 0; i < this.sinks.length; i++) this.sinks[i]!.propagate(db, args);
  }
}

/**
 * Adds `sink` to the sinks capturing `engine`'s writes (captureReplication with all of them: one sink is called
 * directly, several through a fan-out). Returns the function that detaches it.
 */
export function attachSink(engine: Engine, server: ServerState, sink: ReplicationSink): () => void {
  const sinks = attached.get(server) ?? [];
  attached.set(server, sinks);
  sinks.push(sink);
  const apply = (): void => captureReplication(engine, server, sinks.length === 0 ? undefined : sinks.length === 1 ? sinks[0] : new FanoutSink([...sinks]));
  apply();
  return () => {
    const at = sinks.indexOf(sink);
    if (at < 0) return;
    sinks.splice(at, 1);
    apply();
  };
}

/**
 * A sink writing one flat stream of command vectors, as a replica applies them: `SELECT db` before an entry
 * whose database differs from the previous one's (the first entry always selects).
 */
export class SelectingSink implements ReplicationSink {
  private db = -1;

  constructor(private readonly write: (args: readonly string[]) => void) {}

  propagate(db: number, args: readonly string[]): void {
    if (db !== this.db) {
      this.db = db;
      this.write(['SELECT', String(db)]);
    }
    this.write(args);
  }
}
