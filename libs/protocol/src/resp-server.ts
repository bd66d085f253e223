import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import type { CommandDispatcher } from './command-dispatcher.js';
import { RespConnection, type ConnectionHost, type OutputBufferLimit } from './resp-connection.js';

/** The RESP TCP listener: accepts clients up to maxclients and runs each as a RespConnection. */

export interface RespServerOptions {
  /** Port to listen on; 0 picks a free one (read it back from `port` after listen). */
  port: number;
  /** Address to bind (bind); default 127.0.0.1. */
  host?: string;
  /** maxclients; default 10000. */
  maxClients?: number;
  /** Output bytes (pending replies + socket buffer) past which a client is dropped; 0 (default) = unlimited, as Redis's normal class. */
  clientOutputBufferLimit?: number;
  /** The pubsub class, for clients with subscriptions; default Redis's 32 MB hard, 8 MB soft for 60 s. */
  pubsubOutputBufferLimit?: OutputBufferLimit;
  /** client-query-buffer-limit; default 1 GB. */
  clientQueryBufferLimit?: number;
  /** proto-max-bulk-len; default 512 MB. */
  protoMaxBulkLen?: number;
  /** Most arguments in one multibulk; default INT_MAX. */
  maxMultibulkLength?: number;
  /** Longest inline request or header line; default 64 KB. */
  maxInlineSize?: number;
  /**
   * Runs before any connection sends replies (the append-only file writes the turn's commands first, as
   * Redis's beforeSleep flushes the AOF before handleClientsWithPendingWrites).
   */
  beforeReply?: () => void;
  /** Gives each client its id (CLIENT ID); default a counter from 1. */
  nextClientId?: () => number;
  /** Whether new clients must AUTH first (requirepass set): read per connection, so CONFIG SET applies to later ones. */
  authRequired?: () => boolean;
  /** tcp-keepalive in seconds; default 300, 0 = off. */
  tcpKeepAlive?: number;
  /** timeout: seconds a client may stay idle before it is closed; default 0 = never. */
  idleTimeout?: number;
  /** How often idle clients are looked for, in ms; default 1000 (Redis's clientsCron does it once a second). */
  idleCheckInterval?: number;
  /** Where to count connections and bytes (the node passes its ServerState, so INFO and /metrics read them); default a fresh object. */
  counters?: RespCounters;
}

/** The counters the RESP server keeps, named as the node's ServerState names them. */
export interface RespCounters {
  /** INFO stats: total_connections_received (accepted ones, as Redis). */
  totalConnectionsReceived: number;
  /** INFO stats: rejected_connections (over maxclients). */
  rejectedConnections: number;
  /** INFO stats: total_net_input_bytes / total_net_output_bytes. */
  netInputBytes: number;
  netOutputBytes: number;
}

/**
 * One read buffer for every client: sockets read into it with `onread` (no Buffer allocated and no stream
 * 'data' event per read), and a connection copies whatever it keeps before its read callback returns.
 */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

const MAX_CLIENTS_REACHED = '-ERR max number of clients reached\r\n';

/**
 * Owns the net.Server and the set of live connections, and keeps the counters INFO and metrics read
 * (plain fields, read at scrape time). Commands go straight from each connection to the dispatcher.
 */
export class RespServer implements ConnectionHost {
  /** INFO clients: connected_clients. */
  connectedClients = 0;
  readonly counters: RespCounters;

  get totalConnectionsReceived(): number {
    return this.counters.totalConnectionsReceived;
  }
  get rejectedConnections(): number {
    return this.counters.rejectedConnections;
  }
  get totalNetInputBytes(): number {
    return this.counters.netInputBytes;
  }
  get totalNetOutputBytes(): number {
    return this.counters.netOutputBytes;
  }

  /** Limits that may change at run time (CONFIG SET); parser limits apply to connections made afterwards. */
  maxClients: number;
  clientOutputBufferLimit: number;
  pubsubOutputBufferLimit: OutputBufferLimit;
  readonly clientQueryBufferLimit: number;
  /** timeout in seconds (0 = never): clients with no input for longer are closed by the periodic check. */
  idleTimeout: number;

  readonly connections = new Set<RespConnection>();
  private readonly server: Server;
  private readonly nextClientId: () => number;
  private readonly authRequired: () => boolean;
  private lastId = 0;
  private idleCheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: RespServerOptions,
    private readonly dispatcher: CommandDispatcher,
  ) {
    this.maxClients = options.maxClients ?? 10000;
    this.counters = options.counters ?? { totalConnectionsReceived: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0 };
    this.clientOutputBufferLimit = options.clientOutputBufferLimit ?? 0;
    this.pubsubOutputBufferLimit = options.pubsubOutputBufferLimit ?? { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };
    this.clientQueryBufferLimit = options.clientQueryBufferLimit ?? 1024 * 1024 * 1024;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.nextClientId = options.nextClientId ?? (() => ++this.lastId);
    this.authRequired = options.authRequired ?? (() => false);
    this.server = createServer({ noDelay: true, pauseOnConnect: true }, this.onConnection);
  }

  /** Starts listening; resolves once bound. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', onError);
        this.idleCheck ??= setInterval(() => this.closeIdleClients(), this.options.idleCheckInterval ?? 1000).unref();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** The bound port (after listen), or the configured one. */
  get port(): number {
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address.port : this.options.port;
  }

  /** The underlying net.Server (for the Nest transport's unwrap()). */
  get netServer(): Server {
    return this.server;
  }

  /** Stops listening and drops every client; resolves when the listener is closed. */
  close(): Promise<void> {
    clearInterval(this.idleCheck);
    this.idleCheck = undefined;
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const connection of this.connections) connection.close(false);
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const connection of this.connections) connection.close(false);
    });
  }

  /**
   * Closes, without a reply, every client whose last input is more than idleTimeout seconds before `now`
   * (as Redis's clientsCronHandleTimeout; no blocked or pub/sub clients exist here to exempt). Returns how
   * many it closed. The periodic check calls it; tests call it with a `now` of their choosing.
   */
  closeIdleClients(now = Date.now()): number {
    if (this.idleTimeout <= 0) return 0;
    const maxIdle = this.idleTimeout * 1000;
    let closed = 0;
    for (const connection of this.connections) {
      // As Redis, a client waiting in a blocking command is not idle.
      if (connection.blocked === undefined && now - connection.lastInteraction > maxIdle) {
        connection.close(false);
        closed++;
      }
    }
    return closed;
  }

  beforeReply(): void {
    this.options.beforeReply?.();
  }

  removeConnection(connection: RespConnection): void {
    if (this.connections.delete(connection)) this.connectedClients--;
  }

  private readonly onConnection = (accepted: Socket): void => {
    if (this.connectedClients >= this.maxClients) {
      this.counters.rejectedConnections++;
      accepted.on('error', ignore);
      accepted.end(MAX_CLIENTS_REACHED, () => accepted.destroy());
      return;
    }
    let connection: RespConnection | undefined;
    const adopted = withStaticReads(accepted, (nread, buf) => connection?.onRead(nread, buf));
    const socket = adopted ?? accepted.resume();
    this.counters.totalConnectionsReceived++;
    this.connectedClients++;
    const keepAlive = this.options.tcpKeepAlive ?? 300;
    if (keepAlive > 0) socket.setKeepAlive(true, keepAlive * 1000);
    connection = new RespConnection(
      this.nextClientId(),
      socket,
      this,
      this.dispatcher,
      {
        protoMaxBulkLen: this.options.protoMaxBulkLen,
        maxMultibulkLength: this.options.maxMultibulkLength,
        maxInlineSize: this.options.maxInlineSize,
        clientQueryBufferLimit: this.options.clientQueryBufferLimit,
      },
      this.authRequired(),
      adopted === null ? undefined : READ_BUFFER,
    );
    this.connections.add(connection);
    this.dispatcher.connected(connection);
  };
}

/**
 * The accepted socket (paused: the server has pauseOnConnect) re-made over the same handle with `onread`
 * reading into READ_BUFFER; net.Server has no option for that on accepted sockets, only net.connect has.
 * The new socket takes over the server link, so its close is counted as the connection's (server.close waits for it).
 * `handle` is an undocumented Socket option (Node builds its own sockets with it); null when it cannot be used,
 * and the connection then reads through 'data' events as before.
 */
function withStaticReads(accepted: Socket, callback: (nread: number, buf: Buffer) => void): Socket | null {
  const raw = accepted as unknown as { _handle: unknown; _server: unknown; server: unknown };
  const handle = raw._handle;
  if (handle === null || handle === undefined) return null;
  let socket: Socket;
  try {
    raw._handle = null;
    socket = new Socket({ handle, onread: { buffer: READ_BUFFER, callback } } as ConstructorParameters<typeof Socket>[0]);
  } catch {
    raw._handle = handle; // a Node whose Socket cannot adopt a handle: keep the 'data' path
    return null;
  }
  const adopted = socket as unknown as { _server: unknown; server: unknown };
  adopted._server = raw._server;
  adopted.server = raw.server;
  raw._server = null;
  return socket;
}

function ignore(): void {
  // A rejected client may reset before reading the error.
}
