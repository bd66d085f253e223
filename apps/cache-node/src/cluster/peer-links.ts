/**
 * RESP connections from this node to other members ("host:port" → one ioredis connection, opened on first use
 * and kept), named PEER_CLIENT_NAME so the member on the other end knows a peer is talking: the Nest TCP and
 * HTTP transports forward commands over them, and PUBLISH is relayed over them to every member.
 */
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { splitAddress } from '../../../../libs/cluster/src/address.js';
import { PEER_CLIENT_NAME } from '../../../../libs/engine/src/commands/cluster-gate.js';

@Injectable()
export class PeerLinks implements OnApplicationShutdown {
  private readonly links = new Map<string, Redis>();

  /** The connection to `address` ("host:port"); commands sent while it (re)connects wait, failing after one retry. */
  to(address: string): Redis {
    let redis = this.links.get(address);
    if (redis === undefined) {
      redis = new Redis({
        ...splitAddress(address),
        connectionName: PEER_CLIENT_NAME,
        // ioredis 6's auto-pipelining throws (outside any promise) on callBuffer; replies are pipelined anyway.
        enableAutoPipelining: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 1000,
      });
      redis.on('error', () => undefined); // reported per command; the connection retries on its own
      this.links.set(address, redis);
    }
    return redis;
  }

  async onApplicationShutdown(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((redis) => redis.quit().catch(() => redis.disconnect())));
  }
}
