import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RingCacheClient } from './ring-cache-client.js';
import { RingCacheModule } from './ring-cache.module.js';
import { startTestCluster, type ClusterKind, type TestCluster } from '../../../test/support/clusters.js';

const SEEDS_TOKEN = 'SEEDS';

@Injectable()
class Greeter {
  constructor(@Inject(RingCacheClient) private readonly cache: RingCacheClient) {}
  async greet(name: string): Promise<string | null> {
    await this.cache.set(`greeting:${name}`, `hello ${name}`, { ttlMs: 10_000 });
    return this.cache.get(`greeting:${name}`);
  }
}

describe.each<ClusterKind>(['ringcache', 'redis'])('RingCacheModule on a %s cluster', (kind) => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ kind, size: 3 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  @Module({ providers: [{ provide: SEEDS_TOKEN, useFactory: () => cluster.seeds }], exports: [SEEDS_TOKEN] })
  class SeedsModule {}

  it('forRoot connects on init, injects the client by class and quits on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RingCacheModule.forRoot({ seeds: [cluster.seeds[2]!] })],
      providers: [Greeter],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    expect(await app.get(Greeter).greet('nest')).toBe('hello nest');
    const client = app.get(RingCacheClient);
    expect(new Set(client.slotTable().ranges.map((r) => r.node.port))).toEqual(new Set(cluster.nodes.map((node) => node.port)));
    await app.close();
    await expect(client.get('greeting:nest')).rejects.toThrow();
  });

  it('forRootAsync builds options from injected providers, and isGlobal exposes the client everywhere', async () => {
    @Module({ providers: [Greeter], exports: [Greeter] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        RingCacheModule.forRootAsync({
          imports: [SeedsModule],
          inject: [SEEDS_TOKEN],
          useFactory: (seeds: string[]) => ({ seeds, keyPrefix: 'async:' }),
          isGlobal: true,
        }),
        FeatureModule,
      ],
    }).compile();
    await moduleRef.init();
    expect(await moduleRef.get(Greeter).greet('async')).toBe('hello async');
    expect(await moduleRef.get(RingCacheClient).redis.get('greeting:async')).toBe('hello async');
    await moduleRef.close();
  });

  it('fails the bootstrap with a clear error when no seed answers', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [RingCacheModule.forRoot({ seeds: ['127.0.0.1:1'], connectTimeoutMs: 200 })],
    });
    await expect(moduleRef.compile()).rejects.toThrow(/no seed answered/);
  });
});
