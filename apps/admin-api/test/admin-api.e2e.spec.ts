/**
 * The admin API against a real 3-node cluster, ringcache and Redis 7 (RINGCACHE_TEST_CLUSTER=ringcache|redis for
 * one of them), in process, driven over HTTP with fetch: every route, bad input, the token, and a killed node.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import { keySlot } from '../../../libs/cluster/src/slots.js';
import { utf8ToBinary } from '../../cache-node/src/binary-text.js';
import { loadAdminConfig } from '../src/admin-config.js';
import { startAdmin, type RunningAdmin } from '../src/admin-app.js';
import { startRedisServer } from '../../../test/support/processes.js';
import { clusterKindFromEnv, startTestCluster, type ClusterKind, type TestCluster } from '../../../test/support/clusters.js';

const TOKEN = 's3cret-token';

interface Member {
  id: string;
  state: string;
  address: string;
  slots: number;
  share: number;
  ranges: Array<[number, number]>;
  keys: number | null;
  memoryBytes: number | null;
}
interface ClusterBody {
  epoch: number;
  state: string;
  members: Member[];
}

const KINDS: ClusterKind[] = process.env.RINGCACHE_TEST_CLUSTER ? [clusterKindFromEnv('ringcache')] : ['ringcache', 'redis'];

describe.each(KINDS)('admin API on a 3-node %s cluster', (kind) => {
  let cluster: TestCluster;
  let admin: RunningAdmin;
  let redis: Cluster;

  const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    fetch(`${admin.url}${path}`, {
      ...init,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
  const json = async <T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
    const res = await call(path, init);
    return { status: res.status, body: (await res.json()) as T };
  };
  const put = (key: string, body: unknown) => json(`/cache/${encodeURIComponent(key)}`, { method: 'PUT', body: JSON.stringify(body) });

  beforeAll(async () => {
    cluster = await startTestCluster({ kind, size: 3, nodeTimeoutMs: 2000 });
    // One seed only: the admin finds the other members through the cluster.
    admin = await startAdmin(loadAdminConfig(['--seeds', cluster.seeds[0]!, '--port', '0', '--admin-token', TOKEN, '--timeout-ms', '500'], {}));
    const [host, port] = cluster.seeds[1]!.split(':');
    redis = new Cluster([{ host: host!, port: Number(port) }], { lazyConnect: true });
    await redis.connect();
  }, 30_000);

  afterAll(async () => {
    redis?.disconnect();
    await admin?.app.close();
    await cluster?.stop();
  });

  it('serves liveness and cluster health without a token', async () => {
    expect((await call('/health/live', {}, null)).status).toBe(200);
    for (const path of ['/health/ready', '/cluster/health']) {
      const res = await call(path, {}, null);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.status).toBe('ok');
      expect(body.details.slots).toMatchObject({ status: 'up', assigned: 16384, unowned: 0 });
      expect(Object.keys(body.details.nodes.members).sort()).toEqual([...cluster.seeds].sort());
      expect(Object.values(body.details.nodes.members)).toEqual(['alive', 'alive', 'alive']);
    }
  });

  it('answers 401 with a reason without the right bearer token', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing Authorization header/],
      [{ authorization: `Basic ${TOKEN}` }, /not a bearer token/],
      [{ authorization: 'Bearer wrong' }, /invalid admin token/],
      [{ authorization: `Bearer ${TOKEN}x` }, /invalid admin token/],
    ];
    for (const path of ['/cluster', '/keys', '/keys/a', '/cache/a', '/metrics', '/docs']) {
      for (const [headers, reason] of cases) {
        const res = await fetch(`${admin.url}${path}`, { headers });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(reason) });
      }
    }
  });

  it('GET /cluster describes every member found from one seed', async () => {
    await put('count-me', { value: 'x' });
    const { status, body } = await json<ClusterBody>('/cluster');
    expect(status).toBe(200);
    expect(body.state).toBe('ok');
    expect(body.epoch).toBeGreaterThanOrEqual(1);
    expect(body.members.map((m) => m.address).sort()).toEqual([...cluster.seeds].sort());
    expect(body.members.map((m) => m.id)).toEqual(body.members.map((m) => m.id).sort());
    expect(body.members.reduce((n, m) => n + m.slots, 0)).toBe(16384);
    expect(body.members.reduce((n, m) => n + m.share, 0)).toBeCloseTo(1, 10);
    expect(body.members.reduce((n, m) => n + (m.keys ?? 0), 0)).toBeGreaterThanOrEqual(1);
    for (const m of body.members) {
      expect(m.state).toBe('alive');
      expect(m.share).toBe(m.slots / 16384);
      expect(m.ranges.reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(m.slots);
      expect(m.memoryBytes).toEqual(expect.any(Number));
    }
    expect(body.members.reduce((n, m) => n + (m.memoryBytes ?? 0), 0)).toBeGreaterThan(0);
  });

  describe('/cache/:key through the cluster client', () => {
    it('writes, reads with the TTL, and deletes UTF-8 keys on whichever node owns them', async () => {
      const key = 'clé/ü 🚀';
      expect(await put(key, { value: 'grüße', ttl_ms: 60_000 })).toEqual({ status: 200, body: { ok: true } });
      const got = await json(`/cache/${encodeURIComponent(key)}`);
      expect(got.status).toBe(200);
      expect(got.body.value).toBe('grüße');
      expect(got.body.ttl_remaining_ms).toBeGreaterThan(59_000);
      expect(await redis.get(key)).toBe('grüße');
      await put(key, { value: 'v2' });
      expect((await json(`/cache/${encodeURIComponent(key)}`)).body).toEqual({ value: 'v2', ttl_remaining_ms: null });
      expect((await json(`/cache/${encodeURIComponent(key)}`, { method: 'DELETE' })).body).toEqual({ deleted: true });
      expect((await json(`/cache/${encodeURIComponent(key)}`, { method: 'DELETE' })).body).toEqual({ deleted: false });
      expect(await json(`/cache/${encodeURIComponent(key)}`)).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'key not found' },
      });
    });

    it.each([
      [{}, /value must be a string/],
      [{ value: 1 }, /value must be a string/],
      [{ value: 'x', ttl_ms: 0 }, /ttl_ms must be a positive number/],
      [{ value: 'x', ttl_ms: 1.5 }, /ttl_ms must be an integer number/],
      [{ value: 'x', ttl: 100 }, /property ttl should not exist/],
    ])('rejects the body %j with 400 and a reason', async (body, reason) => {
      const res = await put('bad', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect((res.body.message as string[]).join('; ')).toMatch(reason);
    });

    it('rejects malformed JSON and bad percent-encoding with 400, big bodies with 413, another type with 409', async () => {
      const res = await call('/cache/bad', { method: 'PUT', body: '{"value": ' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const big = await put('big', { value: 'x'.repeat(600 * 1024) });
      expect(big).toEqual({ status: 413, body: { statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' } });
      expect((await call('/keys/%E0%A4%A')).status).toBe(400);
      await redis.rpush('a-list', 'x');
      expect(await json('/cache/a-list')).toMatchObject({ status: 409, body: { statusCode: 409, message: expect.stringMatching(/^WRONGTYPE/) } });
    });
  });

  describe('GET /keys/:key', () => {
    it('shows slot, owner, type, TTL, size and idle time', async () => {
      const key = 'user:{42}:profile';
      await redis.set(key, 'hello', 'PX', 30_000);
      const { status, body } = await json(`/keys/${encodeURIComponent(key)}`);
      expect(status).toBe(200);
      const slot = keySlot(utf8ToBinary(key));
      expect(body).toMatchObject({ key, slot, type: 'string', frequency: null });
      expect(slot).toBe(Number(await redis.cluster('KEYSLOT', key)));
      expect(body.ttlMs).toBeGreaterThan(29_000);
      expect(body.idleSeconds).toBeGreaterThanOrEqual(0);
      const owner = (await json<ClusterBody>('/cluster')).body.members.find((m) => m.ranges.some(([a, b]) => slot >= a && slot <= b))!;
      expect(body.owner).toEqual({ id: owner.id, address: owner.address });
      if (cluster.kind === 'redis') expect(body.sizeBytes).toBeGreaterThan(0);
      else expect(body.sizeBytes === null || body.sizeBytes > 0).toBe(true);
    });

    it('shows the access frequency (and no idle time) under an LFU policy, -1 TTL for a hash', async () => {
      const key = 'clé-lfu';
      await redis.hset(key, 'f', 'v');
      const owner = (await json(`/keys/${encodeURIComponent(key)}`)).body.owner.address as string;
      const [host, port] = owner.split(':');
      const node = redis.nodes('master').find((n) => n.options.host === host && n.options.port === Number(port))!;
      await node.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      try {
        const { body } = await json(`/keys/${encodeURIComponent(key)}`);
        expect(body).toMatchObject({ type: 'hash', ttlMs: -1, idleSeconds: null, frequency: expect.any(Number) });
      } finally {
        await node.config('SET', 'maxmemory-policy', 'noeviction');
      }
    });

    it('answers 404 for a missing key', async () => {
      expect(await json('/keys/no-such-key')).toEqual({ status: 404, body: { statusCode: 404, error: 'Not Found', message: 'key not found' } });
    });
  });

  describe('GET /keys (cluster-wide SCAN)', () => {
    it('pages through every key on every node and filters with match', async () => {
      const keys = Array.from({ length: 60 }, (_, i) => `scan:${i}`);
      await Promise.all(keys.map((k) => redis.set(k, '1')));
      const seen: string[] = [];
      let cursor = '0';
      let pages = 0;
      do {
        const { status, body } = await json<{ cursor: string; keys: string[] }>(`/keys?match=${encodeURIComponent('scan:*')}&count=7&cursor=${encodeURIComponent(cursor)}`);
        expect(status).toBe(200);
        seen.push(...body.keys);
        cursor = body.cursor;
        pages++;
      } while (cursor !== '0' && pages < 100);
      expect(cursor).toBe('0');
      expect(pages).toBeGreaterThan(3);
      expect([...new Set(seen)].sort()).toEqual([...keys].sort());
      const all = await json<{ cursor: string; keys: string[] }>('/keys?count=1000');
      expect(all.body.keys.length).toBeGreaterThanOrEqual(60);
    });

    it.each([
      ['cursor=abc', /cursor must be/],
      ['cursor=1:', /cursor must be/],
      ['cursor=99:0', /invalid cursor "99:0"/],
      ['count=0', /count must not be less than 1/],
      ['count=1001', /count must not be greater than 1000/],
      ['count=ten', /count must be an integer/],
      ['match=a&match=b', /match must be a string/],
      ['size=3', /property size should not exist/],
    ])('rejects ?%s with 400', async (query, reason) => {
      const { status, body } = await json(`/keys?${query}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect([body.message].flat().join('; ')).toMatch(reason);
    });
  });

  it('GET /metrics has the cluster gauges', async () => {
    const res = await call('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^ringcache_cluster_members\{state="alive"\} 3$/m);
    expect(text).toMatch(/^ringcache_cluster_slots_assigned 16384$/m);
    expect(text).toMatch(/^ringcache_cluster_slots_unowned 0$/m);
    expect(text).toMatch(/^ringcache_cluster_epoch \d+$/m);
    expect(text).toMatch(/^ringcache_cluster_keys [1-9]\d*$/m);
    expect(text).toMatch(/^ringcache_cluster_memory_bytes [1-9]\d*$/m);
    expect(text.match(/^ringcache_cluster_member_slots\{/gm)).toHaveLength(3);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('GET /docs serves an HTML page and the OpenAPI document covering every route', async () => {
    const page = await call('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('/docs/openapi.json');
    const { status, body } = await json('/docs/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/cluster', '/cluster/health', '/health/live', '/health/ready', '/keys', '/keys/{key}', '/cache/{key}', '/metrics']),
    );
  });

  it('shows a kill -9ed node (the seed) as failed, and the cluster unhealthy while its slots have no live owner', async () => {
    const victim = cluster.seeds[0]!;
    const initially = (await json<ClusterBody>('/cluster')).body;
    const before = initially.members.find((m) => m.address === victim)!;
    expect(before.slots).toBeGreaterThan(0);
    const lost = 'lost-' + before.ranges[0]![0];
    cluster.nodes[0]!.kill('SIGKILL');
    await cluster.nodes[0]!.exited();
    let failed: Member | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const { status, body } = await json<ClusterBody>('/cluster');
      failed = status === 200 ? body.members.find((m) => m.id === before.id) : undefined;
      if (failed?.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(failed).toMatchObject({ state: 'failed', keys: null, memoryBytes: null });

    const health = await call('/cluster/health', {}, null);
    const body = (await health.json()) as any;
    expect(body.details.nodes).toMatchObject({ status: 'up', members: { [victim]: 'failed' } });
    if (cluster.kind === 'redis') {
      // Redis has no replica to take the slots over: they stay with the failed node.
      expect(health.status).toBe(503);
      expect(body.details.slots).toMatchObject({ status: 'down', unowned: before.slots });
      expect((await call('/health/ready', {}, null)).status).toBe(503);
      const text = await (await call('/metrics')).text();
      expect(text).toMatch(/^ringcache_cluster_members\{state="failed"\} 1$/m);
      expect(text).toMatch(new RegExp(`^ringcache_cluster_slots_unowned ${before.slots}$`, 'm'));
      const key = await findKeyInSlotRange(before.ranges[0]!, lost);
      expect(await json(`/keys/${encodeURIComponent(key)}`)).toMatchObject({ status: 503, body: { statusCode: 503, error: 'Service Unavailable' } });
    } else {
      // ringcache hands the failed member's slots to the survivors in a new epoch: ready again.
      let ready = health.status;
      for (const until = Date.now() + 10_000; ready !== 200 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 200));
        ready = (await call('/cluster/health', {}, null)).status;
      }
      expect(ready).toBe(200);
      const after = (await json<ClusterBody>('/cluster')).body;
      expect(after.epoch).toBeGreaterThan(initially.epoch);
      expect(after.members.filter((m) => m.state !== 'failed').reduce((n, m) => n + m.slots, 0)).toBe(16384);
    }
    expect((await call('/health/live', {}, null)).status).toBe(200);
  });
});

/** A key whose slot falls in [start, end]. */
async function findKeyInSlotRange([start, end]: [number, number], prefix: string): Promise<string> {
  for (let i = 0; ; i++) {
    const key = `${prefix}:${i}`;
    const slot = keySlot(key);
    if (slot >= start && slot <= end) return key;
  }
}

describe('admin API without a reachable cluster', () => {
  it('is live but not ready, and answers 503 for cluster routes', async () => {
    const admin = await startAdmin(loadAdminConfig(['--seeds', '127.0.0.1:1', '--port', '0', '--timeout-ms', '300'], {}));
    try {
      expect((await fetch(`${admin.url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${admin.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'error', error: { nodes: { status: 'down' } } });
      for (const path of ['/cluster', '/keys', '/keys/a']) {
        const res = await fetch(`${admin.url}${path}`);
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/^cluster unreachable: node 127.0.0.1:1 unreachable/) });
      }
      const metrics = await (await fetch(`${admin.url}/metrics`)).text();
      expect(metrics).toMatch(/^ringcache_cluster_up 0$/m);
    } finally {
      await admin.app.close();
    }
  });

  it('answers 503 with the reason when the seed is not in cluster mode', async () => {
    const standalone = await startRedisServer();
    const admin = await startAdmin(loadAdminConfig(['--seeds', `127.0.0.1:${standalone.port}`, '--port', '0'], {}));
    try {
      const res = await fetch(`${admin.url}/cluster`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toMatch(/cluster support disabled/);
    } finally {
      await admin.app.close();
      await standalone.stop();
    }
  });
});
