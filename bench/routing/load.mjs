/**
 * Load generator of the `client-routing` scenario: `requests` SETs, then `requests` GETs, of random keys out of
 * `keys`, with `concurrency` requests in flight, through one of three paths:
 *   direct     RingCacheClient (dist/libs/client, or under RINGCACHE_BENCH_DIST) with every node as a seed: the client routes to the owner;
 *              falls back to a bare ioredis Cluster when the client is not built (the output says which)
 *   nest-tcp   a Nest ClientProxy (Transport.TCP) to ONE node's TCP port, patterns `set` / `get`
 *   resp       a plain ioredis connection (autopipelining) to ONE port: bench/routing/resp-proxy.mjs
 *
 *   node bench/routing/load.mjs <mode> <ports,comma,separated> [requests=200000] [keys=10000] [concurrency=50]
 *        [--probe | --rate R [--seconds S=10]]
 *
 * Warms up with 5,000 of each first. Prints one JSON line { client, SET: { rps, p50, p99 }, GET: {...} } (ms).
 * With --probe, only checks that 200 SETs of random keys succeed (exit 3 with { error } when they do not).
 * With --rate, runs open loop instead: S seconds of SETs, then S of GETs, offered at R per second whatever the
 * replies do (see `offer`); prints { client, rate, seconds, SET: { achieved, p50, p99, p999, max, sendLagP99, cpuPercent }, GET }.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIENT_DIST = path.join(process.env.RINGCACHE_BENCH_DIST ?? path.join(ROOT, 'dist'), 'libs', 'client', 'src', 'index.js');

const argv = process.argv.slice(2);
const probe = argv.includes('--probe');
const flag = (name) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
const rate = flag('--rate');
const seconds = flag('--seconds') ?? 10;
const positional = argv.filter((a, i) => !a.startsWith('--') && !['--rate', '--seconds'].includes(argv[i - 1]));
const [mode, portsArg, requestsArg, keysArg, concurrencyArg] = positional;
const ports = portsArg.split(',').map(Number);
const requests = Number(requestsArg ?? 200000);
const keyCount = Number(keysArg ?? 10000);
const concurrency = Number(concurrencyArg ?? 50);
const VALUE = 'v'.repeat(64);

/** { name, set(key, value), get(key), close() } for the mode. */
async function connect() {
  if (mode === 'direct') {
    const seeds = ports.map((port) => ({ host: '127.0.0.1', port }));
    if (existsSync(CLIENT_DIST)) {
      const { RingCacheClient } = await import(pathToFileURL(CLIENT_DIST).href);
      const client = new RingCacheClient({ seeds });
      await client.connect();
      return { name: 'RingCacheClient (libs/client, ioredis Cluster, autopipelining)', set: (k, v) => client.set(k, v), get: (k) => client.get(k), close: () => client.quit() };
    }
    const { Cluster } = await import('ioredis');
    const cluster = new Cluster(seeds, { enableAutoPipelining: true });
    await new Promise((resolve) => cluster.once('ready', resolve));
    return { name: 'ioredis Cluster (autopipelining; libs/client not built)', set: (k, v) => cluster.set(k, v), get: (k) => cluster.get(k), close: () => cluster.quit() };
  }
  if (mode === 'nest-tcp') {
    const { ClientProxyFactory, Transport } = await import('@nestjs/microservices');
    const { firstValueFrom } = await import('rxjs');
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: ports[0] } });
    await client.connect();
    return {
      name: 'Nest ClientProxy (Transport.TCP) to one node',
      set: (key, value) => firstValueFrom(client.send('set', { key, value })),
      get: (key) => firstValueFrom(client.send('get', { key })),
      close: async () => client.close(),
    };
  }
  if (mode === 'resp') {
    const { Redis } = await import('ioredis');
    const redis = new Redis({ host: '127.0.0.1', port: ports[0], enableAutoPipelining: true });
    await new Promise((resolve) => redis.once('ready', resolve));
    return { name: 'ioredis (autopipelining) to the RESP proxy', set: (k, v) => redis.set(k, v), get: (k) => redis.get(k), close: () => redis.quit() };
  }
  throw new Error(`unknown mode ${mode}`);
}

const randomKey = () => `key:${Math.floor(Math.random() * keyCount)}`;

/** `count` operations with `concurrency` in flight; rps and latency percentiles in ms. */
async function drive(count, op) {
  const latencies = new Float64Array(count);
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      const i = issued++;
      const t = performance.now();
      await op(randomKey());
      latencies[i] = performance.now() - t;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort();
  return { rps: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[count - 1] };
}

/** The value at percentile `p` of sorted `xs`. */
const percentile = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/**
 * Open loop: `perSecond` operations a second for `durationS` seconds, on a schedule that does not wait for replies.
 * Request i is due at start + floor(i * 1000 / perSecond) ms, i.e. a batch of perSecond/1000 every millisecond;
 * each timer tick sends every request that is due. Latency runs from the due time, not the send time, so a
 * late tick or a stalled event loop counts against the path (no coordinated omission). sendLagP99 is the
 * generator's own share: how late requests left, p99, in ms; cpuPercent its CPU use. Resolves when every reply is in.
 */
function offer(perSecond, durationS, op) {
  const count = Math.round(perSecond * durationS);
  const latencies = new Float64Array(count);
  const lags = new Float64Array(count);
  let sent = 0;
  let replied = 0;
  let lastReply = 0;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const done = () => {
      replied++;
      if (replied < count) return;
      lastReply = performance.now();
      latencies.sort();
      lags.sort();
      const cpu = process.cpuUsage(cpuBefore);
      resolve({
        requests: count,
        achieved: count / ((lastReply - start) / 1000),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        p999: percentile(latencies, 99.9),
        max: latencies[count - 1],
        sendLagP99: percentile(lags, 99),
        cpuPercent: ((cpu.user + cpu.system) / 1000 / (lastReply - start)) * 100,
      });
    };
    const tick = () => {
      const now = performance.now();
      const dueBy = Math.min(count, Math.ceil(((Math.floor(now - start) + 1) * perSecond) / 1000));
      for (; sent < dueBy; sent++) {
        const i = sent;
        const due = start + Math.floor((i * 1000) / perSecond);
        lags[i] = now - due;
        op(randomKey()).then(() => { latencies[i] = performance.now() - due; done(); }, reject);
      }
      if (sent < count) setTimeout(tick, 1);
    };
    tick();
  });
}

const client = await connect();
try {
  if (probe) {
    for (let i = 0; i < 200; i++) await client.set(randomKey(), VALUE);
    process.stdout.write(JSON.stringify({ client: client.name, ok: true }) + '\n');
  } else if (rate !== undefined) {
    await drive(5000, (k) => client.set(k, VALUE));
    await drive(5000, (k) => client.get(k));
    const SET = await offer(rate, seconds, (k) => client.set(k, VALUE));
    const GET = await offer(rate, seconds, (k) => client.get(k));
    process.stdout.write(JSON.stringify({ client: client.name, rate, seconds, SET, GET }) + '\n');
  } else {
    await drive(5000, (k) => client.set(k, VALUE));
    await drive(5000, (k) => client.get(k));
    const SET = await drive(requests, (k) => client.set(k, VALUE));
    const GET = await drive(requests, (k) => client.get(k));
    process.stdout.write(JSON.stringify({ client: client.name, SET, GET }) + '\n');
  }
} catch (err) {
  process.stdout.write(JSON.stringify({ client: client.name, error: String(err?.message ?? err) }) + '\n');
  await client.close().catch(() => {});
  process.exit(3);
}
await client.close().catch(() => {});
process.exit(0);
