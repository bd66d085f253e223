/**
 * One ioredis connection per node address, opened on first use and dropped when it closes, so a node that
 * comes back is reached again on the next request. No retries or offline queue: a node that does not answer
 * within the timeout is unreachable now, and the caller decides what that means.
 */
import type { OnModuleDestroy } from '@nestjs/common';
import { Redis, ReplyError } from 'ioredis';
import { splitAddress } from '../../../../libs/cluster/src/address.js';

/** The node could not be reached (refused, closed, timed out); reply errors (`-ERR ...`) are not this. */
export class NodeUnreachableError extends Error {
  constructor(readonly address: string, reason: string) {
    super(`node ${address} unreachable: ${reason}`);
  }
}

/** A command's `-ERR ...` reply, kept as a value in batch results. */
export function isReplyError(value: unknown): value is Error {
  return value instanceof ReplyError;
}

export class NodePool implements OnModuleDestroy {
  private readonly connections = new Map<string, Promise<Redis>>();

  constructor(private readonly timeoutMs: number) {}

  /** One command; resolves to its reply, rejects with the ReplyError or a NodeUnreachableError. */
  async command(address: string, args: readonly string[]): Promise<unknown> {
    const [result] = await this.batch(address, [args]);
    if (isReplyError(result)) throw result;
    return result;
  }

  /** Several commands pipelined to one node; each result is its reply or its ReplyError. */
  async batch(address: string, commands: ReadonlyArray<readonly string[]>): Promise<unknown[]> {
    const redis = await this.connection(address);
    const pipeline = redis.pipeline();
    for (const [name, ...args] of commands) pipeline.call(name!, ...args);
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      throw this.unreachable(address, err);
    }
    if (results === null) throw new NodeUnreachableError(address, 'no reply');
    return results.map(([err, reply]) => {
      if (err === null) return reply;
      if (isReplyError(err)) return err;
      throw this.unreachable(address, err);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const open = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(open.map((p) => p.then((r) => r.disconnect(), () => undefined)));
  }

  private connection(address: string): Promise<Redis> {
    let pending = this.connections.get(address);
    if (pending === undefined) {
      pending = this.open(address);
      this.connections.set(address, pending);
      pending.catch(() => this.connections.delete(address));
    }
    return pending;
  }

  private async open(address: string): Promise<Redis> {
    const redis = new Redis({
      ...splitAddress(address),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      // ioredis arms this timer on disconnect() and clears it on the socket's 'close', which a refused socket has
      // already emitted: the default 2 s would keep a stopping process (or a finished spec) alive that long.
      disconnectTimeout: 100,
    });
    redis.on('error', () => undefined); // surfaced through the failing command instead
    redis.on('end', () => {
      const pending = this.connections.get(address);
      pending?.then((r) => r === redis && this.connections.get(address) === pending && this.connections.delete(address), () => undefined);
    });
    try {
      await redis.connect();
    } catch (err) {
      if (redis.status !== 'end') redis.disconnect();
      throw this.unreachable(address, err);
    }
    return redis;
  }

  /** Drop the connection (it may be half dead) and describe why. */
  private unreachable(address: string, err: unknown): NodeUnreachableError {
    if (err instanceof NodeUnreachableError) return err;
    const pending = this.connections.get(address);
    this.connections.delete(address);
    pending?.then((r) => r.disconnect(), () => undefined);
    return new NodeUnreachableError(address, (err as Error)?.message ?? String(err));
  }
}
