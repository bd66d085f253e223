/**
 * The Nest TCP and HTTP transports in a cluster: any node serves every key by forwarding to its owner, splits
 * multi-key patterns by slot; PUBLISH reaches subscribers on every member; /health/ready follows the cluster
 * state; the topology push reaches subscribers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Redis } from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { keySlot } from '../libs/cluster/src/slots.js';
import { clusterInfo, clusterSlots, slotOwnerPorts, startTestCluster, waitFor, type TestCluster } from './support/clusters.js';

describe('Nest TCP and HTTP in a 3-node cluster', () => {
  let cluster: TestCluster;
  let tcp: ClientProxy;
  /** RESP port of each slot's owner. */
  let owners: Array<number | undefined>;

  beforeAll(async () => {
    cluster = await startTestCluster({ kind: 'ringcache', size: 3 });
    owners = slotOwnerPorts(await clusterSlots(cluster.nodes[0]!.port));
    tcp = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: cluster.nodes[0]!.tcpPort } });
    await tcp.connect();
  }, 30000);

  afterAll(async () => {
    tcp?.close();
    await cluster?.stop();
  });

  const send = <T>(pattern: string, data: unknown): Promise<T> => firstValueFrom(tcp.send<T>(pattern, data));
  const keysOwnedBy = (port: number, count: number, prefix = 'k'): string[] => {
    const keys: string[] = [];
    for (let i = 0; keys.length < count; i++) if (owners[keySlot(`${prefix}:${i}`)] === port) keys.push(`${prefix}:${i}`);
    return keys;
  };

  it('serves keys owned by every node through one node\'s Nest TCP port', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `tcp:${i}:é`);
    await Promise.all(keys.map((key, i) => send('set', { key, value: `v${i}` })));
    const values = await Promise.all(keys.map((key) => send<string | null>('get', { key })));
    expect(values).toEqual(keys.map((_, i) => `v${i}`));
    // They live on their owners, not on the node that was asked.
    const direct = new Redis({ port: cluster.nodes[1]!.port });
    try {
      expect(await direct.dbsize()).toBeGreaterThan(50);
    } finally {
      direct.disconnect();
    }
    expect(await send('incr', { key: keysOwnedBy(cluster.nodes[2]!.port, 1, 'counter')[0], by: 5 })).toBe(5);
    expect(await send('ttl', { key: keys[0] })).toBe(-1);
    expect(await send('expire', { key: keys[0], seconds: 100 })).toBe(true);
  });

  it('splits mget, mset, del and exists by slot and keeps the caller\'s order', async () => {
    const keys = [...keysOwnedBy(cluster.nodes[1]!.port, 3), ...keysOwnedBy(cluster.nodes[2]!.port, 3), ...keysOwnedBy(cluster.nodes[0]!.port, 2)];
    expect(await send('mset', { entries: keys.map((key) => [key, `=${key}`]) })).toBe('OK');
    expect(await send('mget', { keys: [...keys, 'missing'] })).toEqual([...keys.map((key) => `=${key}`), null]);
    expect(await send('exists', { keys })).toBe(keys.length);
    expect(await send('del', { keys: [...keys, 'missing'] })).toBe(keys.length);
    expect(await send('mget', { keys })).toEqual(keys.map(() => null));
  });

  it('carries the owner\'s error replies back', async () => {
    const [key] = keysOwnedBy(cluster.nodes[2]!.port, 1, 'list');
    const direct = new Redis({ port: cluster.nodes[2]!.port });
    try {
      await direct.lpush(key!, 'x');
    } finally {
      direct.disconnect();
    }
    await expect(send('get', { key })).rejects.toMatchObject({ message: expect.stringMatching(/^WRONGTYPE/) });
    const http = cluster.nodes[0]!.httpPort;
    const res = await fetch(`http://127.0.0.1:${http}/cache/${encodeURIComponent(key!)}`);
    expect(res.status).toBe(409);
  });

  it('serves GET/PUT/DELETE /cache/:key for keys of every node through one node\'s HTTP port', async () => {
    const http = `http://127.0.0.1:${cluster.nodes[1]!.httpPort}/cache/`;
    for (const node of cluster.nodes) {
      const [key] = keysOwnedBy(node.port, 1, 'http');
      const put = await fetch(http + encodeURIComponent(key!), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'hello', ttl_ms: 60000 }) });
      expect(put.status).toBe(200);
      const got = (await (await fetch(http + encodeURIComponent(key!))).json()) as { value: string; ttl_remaining_ms: number };
      expect(got.value).toBe('hello');
      expect(got.ttl_remaining_ms).toBeGreaterThan(50000);
      expect(await (await fetch(http + encodeURIComponent(key!), { method: 'DELETE' })).json()).toEqual({ deleted: true });
      expect((await fetch(http + encodeURIComponent(key!))).status).toBe(404);
    }
  });

  it('relays PUBLISH to every member, as Redis Cluster: subscribers on any node get messages published on any other', async () => {
    const subscribers = [new Redis({ port: cluster.nodes[0]!.port }), new Redis({ port: cluster.nodes[2]!.port })];
    const publisher = new Redis({ port: cluster.nodes[1]!.port });
    const received: string[][] = [[], []];
    try {
      await Promise.all(subscribers.map(async (sub, i) => {
        sub.on('message', (_channel: string, message: string) => received[i]!.push(message));
        await sub.subscribe('news');
      }));
      expect(await publisher.publish('news', 'hello')).toBe(0); // receivers on the node it was sent to, as Redis Cluster counts
      expect(await publisher.publish('other', 'nobody')).toBe(0);
      await waitFor(() => received[0]!.length === 1 && received[1]!.length === 1, 5000, 'the relayed message');
      expect(received).toEqual([['hello'], ['hello']]);
      // Once only: the receiving members do not relay it again.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual([['hello'], ['hello']]);
    } finally {
      for (const client of [...subscribers, publisher]) client.disconnect();
    }
  });

  it('/health/ready is 503 while a node cannot reach a majority, 200 again once it can', async () => {
    const ready = (i: number): Promise<number> => fetch(`http://127.0.0.1:${cluster.nodes[i]!.httpPort}/health/ready`).then((r) => r.status);
    expect(await ready(0)).toBe(200);
    // Stop the two others: node 0 is a minority of one.
    cluster.nodes[1]!.kill('SIGSTOP');
    cluster.nodes[2]!.kill('SIGSTOP');
    try {
      await waitFor(async () => (await ready(0)) === 503, 15000, 'node 0 not ready');
      const body = (await (await fetch(`http://127.0.0.1:${cluster.nodes[0]!.httpPort}/health/ready`)).json()) as { error: Record<string, { reason: string }> };
      expect(body.error.cluster!.reason).toMatch(/majority/);
    } finally {
      cluster.nodes[1]!.kill('SIGCONT');
      cluster.nodes[2]!.kill('SIGCONT');
    }
    await waitFor(async () => (await ready(0)) === 200, 20000, 'node 0 ready again');
  }, 40000);

  it('publishes each new slot table on __ringcache__:topology (here: a node leaves)', async () => {
    // The previous test stopped two nodes past the suspicion timeout: they resync and serve again first.
    const ports = cluster.nodes.map((node) => node.port);
    await waitFor(async () => (await Promise.all(ports.map((port) => clusterInfo(port)))).every((info) => info.cluster_size === '3'), 20000, 'all three serving');
    const subscriber = new Redis({ port: cluster.nodes[0]!.port });
    const messages: string[] = [];
    const leaver = `127.0.0.1:${cluster.nodes[2]!.port}`;
    type Pushed = { epoch: number; slots: [number, number, string, string][] };
    const withoutLeaver = (): Pushed | undefined =>
      messages.map((m) => JSON.parse(m) as Pushed).find((p) => !p.slots.some(([, , address]) => address === leaver));
    try {
      subscriber.on('message', (_channel: string, message: string) => messages.push(message));
      await subscriber.subscribe('__ringcache__:topology');
      cluster.nodes[2]!.kill('SIGTERM');
      await waitFor(() => withoutLeaver() !== undefined, 10000, 'a topology push without the leaving node');
      const pushed = withoutLeaver()!;
      const addresses = new Set(pushed.slots.map(([, , address]) => address));
      expect(addresses).toEqual(new Set(cluster.nodes.slice(0, 2).map((node) => `127.0.0.1:${node.port}`)));
      expect(pushed.slots.reduce((n, [start, end]) => n + end - start + 1, 0)).toBe(16384);
      expect(pushed.slots.map(([start, end, address]) => [start, end, [address.split(':')[0], Number(address.split(':')[1])]])).toEqual(
        (await clusterSlots(cluster.nodes[0]!.port)).map(([start, end, [host, port]]) => [start, end, [host, port]]),
      );
    } finally {
      subscriber.disconnect();
    }
  });
});
