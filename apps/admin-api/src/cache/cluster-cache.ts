/**
 * The cluster's cache through RingCacheClient (routing by slot, MOVED followed): connected on first use, so
 * the admin API starts even while the cluster is down, and reconnected on the next request if that failed.
 */
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RingCacheClient } from '../../../../libs/client/src/index.js';
import { ADMIN_CONFIG, type AdminConfig } from '../admin-config.js';

@Injectable()
export class ClusterCache implements OnModuleDestroy {
  private client: Promise<RingCacheClient> | undefined;

  constructor(@Inject(ADMIN_CONFIG) private readonly config: AdminConfig) {}

  /** The connected client; rejects (and is retried next time) when no seed answers. */
  connected(): Promise<RingCacheClient> {
    if (this.client === undefined) {
      const client = new RingCacheClient({
        seeds: this.config.seeds.map((s) => `${s.host}:${s.port}`),
        connectTimeoutMs: Math.max(this.config.timeoutMs, 1000),
      });
      this.client = client.connect().then(() => client);
      this.client.catch(() => (this.client = undefined));
    }
    return this.client;
  }

  async onModuleDestroy(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    await pending?.then((c) => c.quit(), () => undefined);
  }
}
