import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Server as NetServer } from 'node:net';
import type { CommandDispatcher } from './command-dispatcher.js';
import { RespServer, type RespServerOptions } from './resp-server.js';

/**
 * The RESP server as a Nest custom transport, so the app's lifecycle starts and stops it:
 * `app.connectMicroservice({ strategy: new RespTransport(options, dispatcher) })`. Commands never pass
 * through Nest message handlers, pipes or RxJS: each connection calls the dispatcher directly.
 */
export class RespTransport extends Server implements CustomTransportStrategy {
  readonly resp: RespServer;

  constructor(options: RespServerOptions, dispatcher: CommandDispatcher) {
    super();
    this.resp = new RespServer(options, dispatcher);
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.resp.listen().then(
      (address) => callback(undefined, address),
      (err: unknown) => callback(err),
    );
  }

  async close(): Promise<void> {
    await this.resp.close();
  }

  /** Listens to the underlying net.Server's events ('error', 'listening', 'close', 'connection'). */
  on<EventKey extends string = string, EventCallback extends Function = Function>(event: EventKey, callback: EventCallback): void {
    this.resp.netServer.on(event, callback as unknown as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    return this.resp.netServer as NetServer as T;
  }
}
