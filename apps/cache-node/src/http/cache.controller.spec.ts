import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import { startTestNode } from '../testing/test-node.js';

describe('HTTP /cache and /health', () => {
  let node: Awaited<ReturnType<typeof startTestNode>>;
  let base: string;

  beforeAll(async () => {
    node = await startTestNode();
    base = node.addresses.http!;
  });
  afterAll(async () => {
    await node.app.close();
  });

  const put = (key: string, body: unknown, raw = false) =>
    fetch(`${base}/cache/${encodeURIComponent(key)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: raw ? (body as string) : JSON.stringify(body),
    });
  const get = (key: string) => fetch(`${base}/cache/${encodeURIComponent(key)}`);

  it('stores and reads a value without TTL', async () => {
    const res = await put('plain', { value: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const got = await get('plain');
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ value: 'hello', ttl_remaining_ms: null });
  });

  it('reports the remaining TTL and clears it on a PUT without ttl_ms (SET semantics)', async () => {
    await put('ttl', { value: 'v', ttl_ms: 60_000 });
    const body = (await (await get('ttl')).json()) as { ttl_remaining_ms: number };
    expect(body.ttl_remaining_ms).toBeGreaterThan(59_000);
    expect(body.ttl_remaining_ms).toBeLessThanOrEqual(60_000);
    await put('ttl', { value: 'v2' });
    expect(await (await get('ttl')).json()).toEqual({ value: 'v2', ttl_remaining_ms: null });
  });

  it('keeps UTF-8 keys and values intact, stored as their bytes', async () => {
    await put('clé/ü 🚀', { value: 'grüße 🚀' });
    expect(await (await get('clé/ü 🚀')).json()).toEqual({ value: 'grüße 🚀', ttl_remaining_ms: null });
    const executor = node.app.get(CommandExecutor);
    expect(executor.call(['STRLEN', Buffer.from('clé/ü 🚀').toString('latin1')])).toBe(Buffer.byteLength('grüße 🚀'));
  });

  it('answers 404 on a miss', async () => {
    const res = await get('missing');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, message: 'key not found' });
  });

  it('deletes', async () => {
    await put('gone', { value: 'x' });
    const del = (key: string) => fetch(`${base}/cache/${key}`, { method: 'DELETE' }).then((r) => r.json());
    expect(await del('gone')).toEqual({ deleted: true });
    expect(await del('gone')).toEqual({ deleted: false });
  });

  it.each([
    [{}, /value must be a string/],
    [{ value: 1 }, /value must be a string/],
    [{ value: 'x', ttl_ms: 0 }, /ttl_ms must be a positive number/],
    [{ value: 'x', ttl_ms: 1.5 }, /ttl_ms must be an integer number/],
    [{ value: 'x', ttl_ms: '100' }, /ttl_ms must be an integer number/],
    [{ value: 'x', ttl: 100 }, /property ttl should not exist/],
  ])('rejects the body %j with 400 and a reason', async (body, reason) => {
    const res = await put('bad', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { message: string[] };
    expect(json.message.join('; ')).toMatch(reason);
  });

  it('rejects malformed JSON with 400 and oversized bodies with 413', async () => {
    const malformed = await put('bad', '{"value": ', true);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ statusCode: 400 });
    const big = await put('big', { value: 'x'.repeat(600 * 1024) });
    expect(big.status).toBe(413);
  });

  it('answers 409 with the WRONGTYPE message for a key of another type', async () => {
    node.app.get(Engine).keyspace.set(0, 'alist', { type: 'list', bytes: 1, encoding: () => 'listpack' });
    const res = await get('alist');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/^WRONGTYPE /) });
  });

  it('answers 507 with the OOM message when memory cannot be freed', async () => {
    const executor = node.app.get(CommandExecutor);
    executor.call(['CONFIG', 'SET', 'maxmemory', '1']);
    try {
      const res = await put('oom', { value: 'x' });
      expect(res.status).toBe(507);
      expect(await res.json()).toMatchObject({ message: expect.stringMatching(/^OOM /) });
    } finally {
      executor.call(['CONFIG', 'SET', 'maxmemory', '0']);
    }
  });

  it('serves liveness and readiness', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { resp: { status: 'up' } } });
  });
});
