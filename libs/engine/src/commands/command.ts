import type { Reply } from './reply.js';
import type { Keyspace } from '../keyspace.js';
import type { Engine } from '../engine.js';
import type { ServerState } from './server-state.js';
import type { MultiState, WatchState } from './transactions.js';
import type { BlockedClient } from './blocking.js';
import type { Subscriber } from '../pubsub-registry.js';

/**
 * One connected client as commands see it. The RESP server keeps one per socket; the Nest TCP and HTTP
 * transports use a shared internal session.
 */
export interface ClientSession {
  readonly id: number;
  name: string;
  /** Selected database (SELECT). */
  db: number;
  /** RESP protocol version chosen by HELLO. */
  protocol: 2 | 3;
  authenticated: boolean;
  /** "ip:port" of the peer and of the local socket; "" for internal sessions. */
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt: number;
  lastInteraction: number;
  /** Lower-case name of the last command run (CLIENT LIST cmd=). */
  lastCommand: string;
  libName: string;
  libVer: string;
  /** Close the connection; with afterReply the pending replies are flushed first (QUIT). */
  close(afterReply: boolean): void;
  /** Bytes waiting in the output buffer, for CLIENT LIST omem= and INFO. */
  outputBytes(): number;
  /** Bytes buffered but not yet parsed, for CLIENT LIST qbuf=. */
  queryBytes(): number;
  /** Commands queued since MULTI; undefined outside a transaction (the command table tests only this). */
  multi?: MultiState;
  /** Keys WATCHed and whether one was touched; undefined when watching nothing. */
  watch?: WatchState;
  /** Set while a blocking command waits (BLPOP, ...): the transport runs no more of this client's commands. */
  blocked: BlockedClient | undefined;
  /** The blocking command has replied (served, timed out or unblocked): send it and go on with later commands. */
  unblocked(): void;
  /** Channels and patterns subscribed to (PubSubRegistry); undefined when none (the command table tests only this). */
  pubsub: Subscriber | undefined;
  /**
   * A pub/sub message was written into this client's reply outside its own commands: send it soon. The RESP
   * connection drops the client instead when its output passes the pub/sub class of client-output-buffer-limit.
   */
  pushWritten(): void;
  /**
   * Where this client's last write ended in the node's replication stream, and the slot it wrote (-1 before
   * any write): WAIT counts the replicas of that slot that acknowledged that offset (Redis's c->woff).
   */
  replOffset: number;
  replSlot: number;
  /** READONLY (cluster mode): reads of slots this node holds as a replica are served here, not redirected. */
  readOnly: boolean;
  /** "N" normal; transports may use others as Redis ("P" pub/sub, later). */
  readonly kind: 'resp' | 'internal';
}

/** Everything a handler may touch. One per connection, reused for every command it runs. */
export interface CommandContext {
  readonly engine: Engine;
  readonly keyspace: Keyspace;
  readonly server: ServerState;
  client: ClientSession;
  reply: Reply;
}

/**
 * A handler runs one command. `args[0]` is the command name as sent, `args[1..]` its arguments, all binary
 * strings. Arity has been checked before the call. Handlers write exactly one reply (which may be an aggregate).
 */
export type CommandHandler = (ctx: CommandContext, args: string[]) => void;

/** Redis command flags (the subset we use; names as COMMAND INFO prints them). */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_async_loading'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'allow_busy'
  /** Keys are found by parsing the arguments (numkeys, STORE...), not only from first/last/step. */
  | 'movablekeys';

export interface CommandSpec {
  /** Lower-case name. */
  readonly name: string;
  /** Redis arity: N = exactly N args including the name; -N = at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Key positions as Redis's legacy (first, last, step); 0,0,0 for keyless. last = -1 means "to the end". */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** One-line summary for COMMAND DOCS. */
  readonly summary: string;
  /** ACL categories without '@' ("string", "keyspace", "read", "write", "fast", "slow", "connection", ...). */
  readonly categories: readonly string[];
  readonly handler: CommandHandler;
  /** For movablekeys commands: the key indexes from the arguments (key-positions.ts); others use the range. */
  readonly keys?: (args: readonly string[]) => number[] | undefined;
  /** Container commands (CONFIG, CLIENT, OBJECT, COMMAND) list their subcommands for COMMAND INFO/DOCS. */
  readonly subcommands?: readonly CommandSpec[];
}
