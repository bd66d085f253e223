/** The HTTP API of a real node with fetch: /cache/:key, /health/live, /health/ready and /metrics. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startNode, type RunningNode } from './support/processes.js';

let node: RunningNode | undefined;
let base: string;

beforeAll(async () => {
  node = await startNode(['--loglevel', 'nothing']);
  base = `http://127.0.0.1:${node.httpPort}`;
});

afterAll(async () => {
  await node?.stop();
});

function put(key: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${base}/cache/${encodeURIComponent(key)}`, { method: 'PUT', headers: { 'content-type': contentType }, body });
}

/** Status and the JSON body's `message` (Nest's error shape: a string or a list of reasons). */
async function badRequest(res: Response): Promise<{ status: number; message: string }> {
  const body = (await res.json()) as { message?: string | string[] };
  return { status: res.status, message: Array.isArray(body.message) ? body.message.join('; ') : String(body.message) };
}

describe('/cache/:key', () => {
  it('GET on a missing key is 404', async () => {
    const res = await fetch(`${base}/cache/http-missing`);
    expect(res.status).toBe(404);
  });

  it('PUT then GET, without TTL: ttl_remaining_ms is null', async () => {
    const res = await put('http:a', JSON.stringify({ value: 'hello' }));
    expect(res.status).toBe(200);
    const get = await fetch(`${base}/cache/http:a`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/application\/json/);
    expect(await get.json()).toEqual({ value: 'hello', ttl_remaining_ms: null });
  });

  it('PUT with ttl_ms: ttl_remaining_ms counts down, then the key is gone', async () => {
    expect((await put('http:t', JSON.stringify({ value: 'v', ttl_ms: 250 }))).status).toBe(200);
    const body = (await (await fetch(`${base}/cache/http:t`)).json()) as { ttl_remaining_ms: number };
    expect(body.ttl_remaining_ms).toBeGreaterThan(0);
    expect(body.ttl_remaining_ms).toBeLessThanOrEqual(250);
    const deadline = Date.now() + 2000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await fetch(`${base}/cache/http:t`)).status;
    }
    expect(status).toBe(404);
  });

  it('PUT without ttl_ms clears a previous TTL, as SET does', async () => {
    await put('http:clear', JSON.stringify({ value: 'v', ttl_ms: 60_000 }));
    await put('http:clear', JSON.stringify({ value: 'w' }));
    expect(await (await fetch(`${base}/cache/http:clear`)).json()).toEqual({ value: 'w', ttl_remaining_ms: null });
  });

  it('keeps UTF-8 keys and values, and keys with slashes encoded', async () => {
    await put('ключ/with slash', JSON.stringify({ value: 'значение ✓' }));
    const res = await fetch(`${base}/cache/${encodeURIComponent('ключ/with slash')}`);
    expect(await res.json()).toEqual({ value: 'значение ✓', ttl_remaining_ms: null });
  });

  it('DELETE answers whether a key was deleted', async () => {
    await put('http:d', JSON.stringify({ value: 'v' }));
    const first = await fetch(`${base}/cache/http:d`, { method: 'DELETE' });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ deleted: true });
    const second = await fetch(`${base}/cache/http:d`, { method: 'DELETE' });
    expect(await second.json()).toEqual({ deleted: false });
    expect((await fetch(`${base}/cache/http:d`)).status).toBe(404);
  });

  it.each([
    ['missing value', JSON.stringify({ ttl_ms: 5 }), /value must be a string/],
    ['non-string value', JSON.stringify({ value: 42 }), /value must be a string/],
    ['negative ttl_ms', JSON.stringify({ value: 'v', ttl_ms: -1 }), /ttl_ms must be a positive number/],
    ['zero ttl_ms', JSON.stringify({ value: 'v', ttl_ms: 0 }), /ttl_ms must be a positive number/],
    ['float ttl_ms', JSON.stringify({ value: 'v', ttl_ms: 1.5 }), /ttl_ms must be an integer/],
    ['unknown property', JSON.stringify({ value: 'v', ttl: 5 }), /property ttl should not exist/],
  ])('PUT with a %s is 400 with a reason', async (_name, body, reason) => {
    const res = await put('http:bad', body);
    const { status, message } = await badRequest(res);
    expect(status).toBe(400);
    expect(message).toMatch(reason);
    expect((await fetch(`${base}/cache/http:bad`)).status).toBe(404);
  });

  it('PUT with malformed JSON is 400', async () => {
    const res = await put('http:bad', '{"value": "v",');
    expect(res.status).toBe(400);
    expect((await badRequest(res)).message).not.toBe('');
  });

  it('PUT with a non-JSON content type is refused with a 4xx', async () => {
    const res = await put('http:bad', 'value=v', 'text/plain');
    expect([400, 415]).toContain(res.status);
    expect((await fetch(`${base}/cache/http:bad`)).status).toBe(404);
  });
});

describe('health', () => {
  it('/health/live and /health/ready answer 200 with JSON', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string };
      expect(body.status).toBe('ok');
    }
  });
});

describe('/metrics', () => {
  it('serves Prometheus text with the ringcache_ metrics', async () => {
    // Some traffic first: a hit and a miss over HTTP (same command table as RESP).
    await put('http:m', JSON.stringify({ value: 'v' }));
    await fetch(`${base}/cache/http:m`);
    await fetch(`${base}/cache/http:m-missing`);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(series + ' '));
      if (line === undefined) throw new Error(`no ${series} in /metrics`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('ringcache_commands_total{cmd="get"}')).toBeGreaterThanOrEqual(2);
    expect(value('ringcache_keyspace_hits_total')).toBeGreaterThanOrEqual(1);
    expect(value('ringcache_keyspace_misses_total')).toBeGreaterThanOrEqual(1);
    expect(value('ringcache_memory_used_bytes')).toBeGreaterThan(0);
    expect(value('ringcache_connected_clients')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^# TYPE ringcache_command_latency_seconds histogram$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="[^"]+"\} \d+$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_count \d+$/m);
    // Never a key as a label.
    expect(text).not.toContain('http:m');
  });
});
