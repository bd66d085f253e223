/**
 * The write checker's child process (forked by startChecker in test/support/checker.ts, run through
 * register-ts.mjs): drives the load over an ioredis Cluster and keeps the CheckerLedger. Messages: see ToChecker /
 * FromChecker.
 *
 * Routing WAIT: WAIT counts the replicas that acknowledged the writes of *its own connection*, so it must follow
 * the SET on the same connection to the same node. A cluster pipeline does that (ioredis sends a pipeline whole to
 * the node of its keyed commands, WAIT having no key, over that node's one connection), but ioredis only retries a
 * pipeline on MOVED/ASK when every command failed the same way; here the SET fails and the WAIT succeeds, so the
 * redirection comes back to us. We follow it by hand: the same SET + WAIT pipelined on a direct connection to the
 * node the redirection names (after ASKING for ASK), and a slot refresh for MOVED so the next pipeline goes there.
 * MULTI/EXEC would keep them together too, but WAIT inside MULTI does not block in Redis, so it would not wait.
 */
import { Cluster, Redis } from 'ioredis';
import { keySlot } from '../../libs/cluster/src/slots.js';
import {
  CheckerLedger, checkerKey, classifyError, decodeValue, encodeValue, type CheckerConfig, type FromChecker, type ToChecker,
} from '../support/checker.js';

/** Redirections followed by hand for one WAIT-class write, as ioredis's maxRedirections. */
const MAX_HOPS = 16;
const ERROR_BACKOFF_MS = 20;
/** Pause between probe rounds (see #probe). */
const PROBE_INTERVAL_MS = 100;
/** How long start() retries its first write: a cluster that just formed may still be settling its table. */
const READY_DEADLINE_MS = 15000;
const READBACK_BATCH = 64;
const READBACK_DEADLINE_MS = 15000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the message is handed to the IPC channel (so a disconnect right after does not drop it). */
function send(message: FromChecker): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()) ?? resolve());
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class CheckerRun {
  readonly #config: Required<Omit<CheckerConfig, 'wait'>> & Pick<CheckerConfig, 'wait'>;
  readonly #cluster: Cluster;
  readonly #direct = new Map<string, Redis>(); // "host:port" → connection used to follow a WAIT-class redirection
  readonly #ledger: CheckerLedger;
  readonly #slots: Uint16Array; // key number → slot
  readonly #startedAt = Date.now();
  /** Slots whose last write failed → a key number in them, probed until a write succeeds (see #probeLoop). */
  readonly #failing = new Map<number, number>();
  #seq = 0;
  #running = true;
  #lanes: Promise<void>[] = [];
  #prober: Promise<void> = Promise.resolve();

  constructor(config: CheckerConfig) {
    this.#config = {
      keyCount: 2000, concurrency: 16, rate: 500, readRatio: 0.2, commandTimeoutMs: 1000, valueBytes: 0, ...config,
    };
    const { keyCount, commandTimeoutMs } = this.#config;
    this.#ledger = new CheckerLedger(keyCount, config.wait !== undefined);
    this.#slots = Uint16Array.from({ length: keyCount }, (_, n) => keySlot(checkerKey(n)));
    this.#cluster = new Cluster(
      config.seeds.map((seed) => {
        const colon = seed.lastIndexOf(':');
        return { host: seed.slice(0, colon), port: Number(seed.slice(colon + 1)) };
      }),
      {
        slotsRefreshInterval: 1000,
        slotsRefreshTimeout: commandTimeoutMs,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        maxRedirections: 16,
        clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
        redisOptions: { commandTimeout: commandTimeoutMs, connectTimeout: commandTimeoutMs, maxRetriesPerRequest: 1 },
      },
    );
    this.#cluster.on('error', () => undefined);
    this.#cluster.on('node error', () => undefined);
  }

  /** Starts the lanes once a first write succeeds (retried until READY_DEADLINE_MS, then its error is thrown). */
  async start(): Promise<void> {
    const deadline = Date.now() + READY_DEADLINE_MS;
    for (;;) {
      try {
        await this.#cluster.set('chk:ready', '1');
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(200);
      }
    }
    const { concurrency } = this.#config;
    this.#lanes = Array.from({ length: concurrency }, (_, lane) => this.#lane(lane));
    this.#prober = this.#probeLoop();
  }

  progress() {
    return this.#ledger.progress();
  }

  /** Stops the lanes, lets the cluster settle, reads every key back, and reports. */
  async stop(settleMs: number) {
    this.#running = false;
    await Promise.all([...this.#lanes, this.#prober]);
    const stoppedAt = Date.now();
    await sleep(settleMs);
    const values = await this.#readBack();
    this.#cluster.disconnect();
    for (const redis of this.#direct.values()) redis.disconnect();
    return this.#ledger.report(values, this.#startedAt, stoppedAt);
  }

  async #lane(lane: number): Promise<void> {
    const { keyCount, concurrency, rate, readRatio } = this.#config;
    const intervalMs = rate > 0 ? (concurrency * 1000) / rate : 0;
    let next = Date.now() + Math.random() * intervalMs;
    for (let n = lane; this.#running; n += concurrency) {
      if (n >= keyCount) n = lane;
      if (intervalMs > 0) {
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
        next = Math.max(next + intervalMs, Date.now() - intervalMs);
      }
      const ok = Math.random() < readRatio ? await this.#read(n) : await this.#write(n);
      if (!ok) await sleep(ERROR_BACKOFF_MS);
    }
  }

  /**
   * Outage ends measured to ~PROBE_INTERVAL_MS, not to how often the lanes come back to a slot (a key every
   * few seconds): while a slot's writes fail, a plain SET of `chk:probe:{n}` (same hash tag, so same slot as
   * the failed key, and not one of the checked keys) is retried every round, and its first success closes the
   * slot's outage. Probe failures are not counted as errors: they are the same outage seen again.
   */
  async #probeLoop(): Promise<void> {
    while (this.#running) {
      await Promise.all(
        [...this.#failing].map(async ([slot, n]) => {
          try {
            await this.#cluster.set(`chk:probe:{${n}}`, '1');
            this.#failing.delete(slot);
            this.#ledger.writeSucceeded(slot, Date.now());
          } catch {
            // still failing
          }
        }),
      );
      await sleep(PROBE_INTERVAL_MS);
    }
  }

  async #read(n: number): Promise<boolean> {
    try {
      const raw = await this.#cluster.get(checkerKey(n));
      this.#ledger.read(n, raw === null ? null : decodeValue(raw));
      return true;
    } catch (err) {
      const message = errorMessage(err);
      this.#ledger.readError(classifyError(message), message);
      return false;
    }
  }

  async #write(n: number): Promise<boolean> {
    const value = ++this.#seq;
    const key = checkerKey(n);
    const payload = encodeValue(value, this.#config.valueBytes);
    const startedAt = Date.now();
    this.#ledger.attempt(n, value);
    try {
      const wait = this.#config.wait;
      if (wait && this.#ledger.classOf(n) === 'wait') {
        const [previous, replicas] = await this.#setAndWait(key, payload, wait.replicas, wait.timeoutMs);
        this.#ledger.replaced(n, previous);
        this.#ledger.acked(n, value);
        if (replicas >= wait.replicas) this.#ledger.durable(n, value);
        else this.#ledger.waitShort();
      } else {
        this.#ledger.replaced(n, await this.#cluster.set(key, payload, 'GET'));
        this.#ledger.acked(n, value);
      }
      this.#failing.delete(this.#slots[n]!);
      this.#ledger.writeSucceeded(this.#slots[n]!, Date.now());
      return true;
    } catch (err) {
      const message = errorMessage(err);
      this.#ledger.writeFailed(this.#slots[n]!, startedAt, classifyError(message), message);
      this.#failing.set(this.#slots[n]!, n);
      return false;
    }
  }

  /**
   * SET ... GET then WAIT on one connection (see the file comment); resolves with the replaced value and WAIT's
   * count (-1 when WAIT itself failed, counted as an error of its kind), rejects when the SET failed.
   */
  async #setAndWait(key: string, value: string, replicas: number, timeoutMs: number): Promise<[string | null, number]> {
    let results = await this.#cluster.pipeline().set(key, value, 'GET').wait(replicas, timeoutMs).exec();
    for (let hop = 0; ; hop++) {
      if (!results || results.length < 2) throw new Error('WAIT pipeline returned no replies');
      const [[setError, previous], [waitError, count]] = results.slice(-2) as [[Error | null, string | null], [Error | null, unknown]];
      if (!setError) {
        if (!waitError) return [previous, Number(count)];
        this.#ledger.error(`wait:${classifyError(waitError.message)}`, waitError.message);
        return [previous, -1];
      }
      const redirect = /^(MOVED|ASK) \d+ (\S+)$/.exec(setError.message);
      if (!redirect) throw setError;
      if (hop >= MAX_HOPS) throw new Error(`Too many Cluster redirections. Last error: ${setError.message}`);
      this.#ledger.redirected();
      if (redirect[1] === 'MOVED') this.#cluster.refreshSlotsCache();
      const pipeline = this.#connection(redirect[2]!).pipeline();
      if (redirect[1] === 'ASK') pipeline.call('ASKING');
      results = await pipeline.set(key, value, 'GET').wait(replicas, timeoutMs).exec();
    }
  }

  #connection(address: string): Redis {
    let redis = this.#direct.get(address);
    if (!redis) {
      const colon = address.lastIndexOf(':');
      const { commandTimeoutMs } = this.#config;
      redis = new Redis({
        host: address.slice(0, colon), port: Number(address.slice(colon + 1)),
        commandTimeout: commandTimeoutMs, connectTimeout: commandTimeoutMs, maxRetriesPerRequest: 1,
      });
      redis.on('error', () => undefined);
      this.#direct.set(address, redis);
    }
    return redis;
  }

  /** Every key's value (null: missing), retrying failed reads until a deadline; undefined for the ones never read. */
  async #readBack(): Promise<Array<string | null | undefined>> {
    const values = new Array<string | null | undefined>(this.#config.keyCount).fill(undefined);
    const deadline = Date.now() + READBACK_DEADLINE_MS;
    let todo = values.map((_, n) => n);
    while (todo.length > 0 && Date.now() < deadline) {
      const failed: number[] = [];
      for (let i = 0; i < todo.length; i += READBACK_BATCH) {
        await Promise.all(
          todo.slice(i, i + READBACK_BATCH).map(async (n) => {
            try {
              values[n] = await this.#cluster.get(checkerKey(n));
            } catch {
              failed.push(n);
            }
          }),
        );
      }
      todo = failed;
      if (todo.length > 0) await sleep(200);
    }
    return values;
  }
}

let run: CheckerRun | undefined;

process.on('message', (message: ToChecker) => {
  void (async () => {
    try {
      if (message.type === 'start') {
        run = new CheckerRun(message.config);
        await run.start();
        await send({ type: 'ready' });
      } else if (message.type === 'progress') {
        await send({ type: 'progress', id: message.id, progress: run!.progress() });
      } else {
        const report = await run!.stop(message.settleMs);
        await send({ type: 'report', id: message.id, report });
        process.disconnect?.();
      }
    } catch (err) {
      await send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
      process.exitCode = 1;
      process.disconnect?.();
    }
  })();
});
// The test going away (jest killed, IPC closed) ends the checker too.
process.on('disconnect', () => process.exit());
