/**
 * Scenario 8: bytes per element of one big hash, set and sorted set (1,000,000 members each by default),
 * ringcache vs redis-server. Each (type, side) gets a fresh server; members go in over one raw connection
 * as HSET/SADD/ZADD commands of MEMBERS_PER_COMMAND members, two commands in flight. Members are shaped
 * like redis-benchmark's: `element:NNNNNNN`, hash values of 3 bytes, zset score = i. The growth of
 * INFO used_memory and of process RSS (and, for ringcache, of the V8 heap) is divided by the member count.
 */
import { startServer, rssBytes } from '../lib/processes.mjs';
import { RespConnection, info, command, twoInFlight } from '../lib/resp.mjs';
import { alternate } from '../lib/side-by-side.mjs';
import { medianOf, ratio, fmt } from '../lib/stats.mjs';

export const DEFAULT_ELEMENTS = 1_000_000;
const MEMBERS_PER_COMMAND = 1000;
const TARGET = 2;
const VALUE = 'xxx';

const member = (i) => `element:${String(i).padStart(7, '0')}`;

/** Per type: the key, the command that adds members, the arguments one member takes, and its length command. */
const SHAPES = {
  hash: { key: 'myhash', add: 'HSET', args: (i) => [member(i), VALUE], length: 'HLEN' },
  set: { key: 'myset', add: 'SADD', args: (i) => [member(i)], length: 'SCARD' },
  zset: { key: 'myzset', add: 'ZADD', args: (i) => [String(i), member(i)], length: 'ZCARD' },
};
const TYPES = Object.keys(SHAPES);

/** Adds members 0..count-1 to the shape's key; returns the load time in seconds. */
async function load(port, shape, count) {
  const conn = await RespConnection.connect(port);
  let added = 0;
  const send = (from) => {
    const args = [shape.add, shape.key];
    for (let i = from; i < Math.min(from + MEMBERS_PER_COMMAND, count); i++) args.push(...shape.args(i));
    return conn.call(...args).then((reply) => {
      if (typeof reply !== 'number') throw new Error(`${shape.add} replied ${JSON.stringify(reply)}`);
      added += reply;
    });
  };
  try {
    const seconds = await twoInFlight(count, MEMBERS_PER_COMMAND, send);
    if (added !== count) throw new Error(`${shape.add} added ${added} members, expected ${count}`);
    return seconds;
  } finally {
    conn.close();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 2000));

async function memorySnapshot(server) {
  const memory = await info(server.port, 'memory');
  return { used: Number(memory.used_memory), heap: Number(memory.used_memory_heap), rss: rssBytes(server.pid) };
}

async function measureType(ctx, side, type, count) {
  const shape = SHAPES[type];
  const server = await startServer(side, { subject: ctx.subject });
  try {
    await settle();
    const before = await memorySnapshot(server);
    const seconds = await load(server.port, shape, count);
    await settle();
    const after = await memorySnapshot(server);
    const per = (field) => (Number.isFinite(after[field]) && Number.isFinite(before[field]) ? (after[field] - before[field]) / count : undefined);
    return {
      elements: await command(server.port, shape.length, shape.key),
      encoding: await command(server.port, 'OBJECT', 'ENCODING', shape.key),
      usedMemoryPerElement: per('used'),
      rssPerElement: per('rss'),
      heapPerElement: per('heap'),
      rssAfter: after.rss,
      loadElementsPerSec: count / seconds,
    };
  } finally {
    await server.stop();
  }
}

async function measure(ctx, side, count) {
  const record = {};
  for (const type of TYPES) record[type] = await measureType(ctx, side, type, count);
  return record;
}

function summarize(runs) {
  const summary = {};
  for (const type of TYPES) {
    const side = (s) => {
      const ok = runs[s].filter((r) => r[type]).map((r) => r[type]);
      return {
        elements: medianOf(ok, 'elements'),
        encoding: ok[0]?.encoding,
        usedMemoryPerElement: medianOf(ok, 'usedMemoryPerElement'),
        rssPerElement: medianOf(ok, 'rssPerElement'),
        heapPerElement: medianOf(ok, 'heapPerElement'),
        rssAfter: medianOf(ok, 'rssAfter'),
        loadElementsPerSec: medianOf(ok, 'loadElementsPerSec'),
        runs: ok.length,
      };
    };
    const rc = side('ringcache');
    const rd = side('redis');
    summary[type] = {
      ringcache: rc,
      redis: rd,
      usedMemoryRatio: ratio(rc.usedMemoryPerElement, rd.usedMemoryPerElement),
      rssRatio: ratio(rc.rssPerElement, rd.rssPerElement),
    };
  }
  return summary;
}

const describe = (count) =>
  `HSET myhash / SADD myset / ZADD myzset of ${count.toLocaleString('en-US')} members element:NNNNNNN ` +
  `(hash value "${VALUE}", zset score i), ${MEMBERS_PER_COMMAND} members per command, fresh server per type`;

export const typeMemory = {
  name: 'type-memory',
  title: '8. Memory per element: 1,000,000-member hash, set and sorted set',
  command: describe(DEFAULT_ELEMENTS),
  async run(ctx) {
    const count = ctx.elements ?? DEFAULT_ELEMENTS;
    const runs = await alternate(ctx.runs, (side) => measure(ctx, side, count), ctx.log);
    const summary = summarize(runs);
    const atMost = (v) => (v === undefined ? undefined : v <= TARGET);
    const targets = TYPES.flatMap((type) => [
      { target: `${type} used_memory per element ≤ ${TARGET}× redis`, value: summary[type].usedMemoryRatio, met: atMost(summary[type].usedMemoryRatio) },
      { target: `${type} RSS per element ≤ ${TARGET}× redis`, value: summary[type].rssRatio, met: atMost(summary[type].rssRatio) },
    ]);
    return { command: describe(count), runs, summary, targets };
  },
  table(result) {
    const rows = [
      '| type | server | encoding | elements | used_memory B/element | RSS B/element | V8 heap B/element | RSS after load | load elements/s |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|',
    ];
    for (const [type, s] of Object.entries(result.summary)) {
      const row = (name, x, heap) => `| ${type} | ${name} | ${x.encoding ?? 'n/a'} | ${fmt.int(x.elements)} | ${fmt.num(x.usedMemoryPerElement)} | ` +
        `${fmt.num(x.rssPerElement)} | ${heap ? fmt.num(x.heapPerElement) : ''} | ${fmt.bytes(x.rssAfter)} | ${fmt.int(x.loadElementsPerSec)} |`;
      rows.push(row('ringcache', s.ringcache, true), row('redis-server', s.redis, false),
        `| ${type} | **ratio** | | | ${fmt.ratio(s.usedMemoryRatio)} | ${fmt.ratio(s.rssRatio)} | | | |`);
    }
    return rows.join('\n');
  },
};
