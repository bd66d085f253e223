import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { AdminConfigError, loadAdminConfig } from './admin-config.js';
import { startAdmin, type RunningAdmin } from './admin-app.js';
import { pingResp } from './cluster-health/resp-ping.js';

/** A stand-in node that answers every request with `reply`. */
function fakeNode(reply: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.on('data', () => socket.write(reply)));
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (s: Server): number => (s.address() as AddressInfo).port;

async function deadPort(): Promise<number> {
  const s = await fakeNode('');
  const port = portOf(s);
  await new Promise((r) => s.close(r));
  return port;
}

describe('pingResp', () => {
  let pong: Server;
  let noauth: Server;
  let weird: Server;
  beforeAll(async () => {
    [pong, noauth, weird] = await Promise.all([fakeNode('+PONG\r\n'), fakeNode('-NOAUTH Authentication required.\r\n'), fakeNode('-ERR nope\r\n')]);
  });
  afterAll(() => {
    for (const s of [pong, noauth, weird]) s.close();
  });

  it('is up on +PONG, up with a note on NOAUTH, down otherwise', async () => {
    expect(await pingResp('127.0.0.1', portOf(pong), 1000)).toMatchObject({ up: true });
    expect(await pingResp('127.0.0.1', portOf(noauth), 1000)).toMatchObject({ up: true, detail: 'auth required' });
    expect(await pingResp('127.0.0.1', portOf(weird), 1000)).toMatchObject({ up: false, detail: 'unexpected reply "-ERR nope"' });
    expect((await pingResp('127.0.0.1', await deadPort(), 1000)).up).toBe(false);
  });

  it('is down when the node does not answer in time', async () => {
    const silent = await fakeNode('');
    expect(await pingResp('127.0.0.1', portOf(silent), 50)).toEqual({ up: false, detail: 'no reply within 50 ms' });
    silent.close();
  });
});

describe('GET /cluster/health', () => {
  let a: Server;
  let b: Server;
  beforeAll(async () => {
    [a, b] = await Promise.all([fakeNode('+PONG\r\n'), fakeNode('+PONG\r\n')]);
  });
  afterAll(() => {
    a.close();
    b.close();
  });

  async function withAdmin(nodes: string, fn: (admin: RunningAdmin) => Promise<void>): Promise<void> {
    const admin = await startAdmin(loadAdminConfig(['--nodes', nodes, '--port', '0', '--ping-timeout-ms', '500'], {}), { metrics: false });
    try {
      await fn(admin);
    } finally {
      await admin.app.close();
    }
  }

  it('answers 200 when every node is up', async () => {
    const nodes = `127.0.0.1:${portOf(a)},127.0.0.1:${portOf(b)}`;
    await withAdmin(nodes, async ({ url }) => {
      const res = await fetch(`${url}/cluster/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; details: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      expect(body.details[`127.0.0.1:${portOf(a)}`].status).toBe('up');
    });
  });

  it('answers 503 naming the node that is down', async () => {
    const dead = await deadPort();
    await withAdmin(`127.0.0.1:${portOf(a)},127.0.0.1:${dead}`, async ({ url }) => {
      const res = await fetch(`${url}/cluster/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; error: Record<string, { status: string }> };
      expect(body.status).toBe('error');
      expect(Object.keys(body.error)).toEqual([`127.0.0.1:${dead}`]);
    });
  });
});

describe('loadAdminConfig', () => {
  it('reads env then flags, and rejects bad values with their source', () => {
    const cfg = loadAdminConfig(['--port=9000'], { RINGCACHE_ADMIN_NODES: 'a:1, b:2', RINGCACHE_ADMIN_PORT: '1' });
    expect(cfg.nodes).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
    expect(cfg.port).toBe(9000);
    expect(() => loadAdminConfig(['--nodes', 'nohost'], {})).toThrow(AdminConfigError);
    expect(() => loadAdminConfig([], { RINGCACHE_ADMIN_PORT: 'x' })).toThrow(/from env RINGCACHE_ADMIN_PORT/);
    expect(() => loadAdminConfig(['--what', '1'], {})).toThrow(/unknown argument/);
  });
});
