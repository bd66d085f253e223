/**
 * Scenario 6: `get` through a Nest ClientProxy (Transport.TCP) against the ringcache node's Nest TCP port,
 * versus the same client against a bare Nest TCP microservice returning a constant (the framework's ceiling).
 * The load generator runs in its own process (bench/nest-tcp/client.mjs) so it does not share an event loop.
 */
import path from 'node:path';
import { ROOT, freePort, runToCompletion, spawnTracked, stopChild, startServer } from '../lib/processes.mjs';
import { command } from '../lib/resp.mjs';
import { alternate } from '../lib/side-by-side.mjs';
import { medianOf, ratio, fmt } from '../lib/stats.mjs';

const CLIENT = path.join(ROOT, 'bench', 'nest-tcp', 'client.mjs');
const CONSTANT_SERVER = path.join(ROOT, 'bench', 'nest-tcp', 'constant-server.mjs');
const TOTAL = 100_000;
const CONCURRENCY = 50;
const KEY = 'bench:key';
const SIDES = ['ringcache', 'nest-constant'];

async function startConstantServer() {
  const port = await freePort();
  const child = spawnTracked(process.execPath, [CONSTANT_SERVER, String(port)]);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`constant server did not start\n${child.output}`)), 20000);
    const check = () => { if (child.output.includes(`ready ${port}`)) { clearTimeout(timer); resolve(); } };
    child.stdout.on('data', check);
    child.once('exit', () => { clearTimeout(timer); reject(new Error(`constant server exited\n${child.output}`)); });
    check();
  });
  return { port, stop: () => stopChild(child) };
}

async function drive(port) {
  const out = await runToCompletion(process.execPath, [CLIENT, String(port), String(TOTAL), String(CONCURRENCY), KEY], { timeoutMs: 300000 });
  return JSON.parse(out.trim().split('\n').pop());
}

export const nestTcp = {
  name: 'nest-tcp',
  title: '6. Nest TCP transport: `get` through a ClientProxy',
  command: `ClientProxy.send('get', { key }) × ${TOTAL.toLocaleString('en-US')}, ${CONCURRENCY} in flight`,
  async run(ctx) {
    const targets = {};
    const stops = [];
    try {
      if (ctx.subject === 'redis') {
        const s = await startConstantServer(); // harness debugging: constant server on both sides
        stops.push(s.stop);
        targets.ringcache = s.port;
      } else {
        const node = await startServer('ringcache');
        stops.push(node.stop);
        const reply = await command(node.port, 'SET', KEY, 'value');
        if (reply !== 'OK') throw new Error(`SET ${KEY} failed: ${JSON.stringify(reply)}`);
        targets.ringcache = node.tcpPort;
      }
      const constant = await startConstantServer();
      stops.push(constant.stop);
      targets['nest-constant'] = constant.port;
      const runs = await alternate(ctx.runs, (side) => drive(targets[side]), ctx.log, SIDES);
      const side = (s) => {
        const ok = runs[s].filter((r) => !r.error);
        return { opsPerSec: medianOf(ok, 'opsPerSec'), reply: ok[0]?.reply, runs: ok.length };
      };
      const summary = { ringcache: side('ringcache'), constant: side('nest-constant') };
      summary.ratio = ratio(summary.ringcache.opsPerSec, summary.constant.opsPerSec);
      return {
        runs,
        summary,
        targets: [{ target: 'ops/s ≥ 0.8× bare Nest TCP', value: summary.ratio, met: summary.ratio === undefined ? undefined : summary.ratio >= 0.8 }],
      };
    } finally {
      await Promise.all(stops.map((stop) => stop()));
    }
  },
  table(result) {
    const s = result.summary;
    return [
      '| server | `get` ops/s | reply |',
      '|---|---:|---|',
      `| ringcache node (tcp-port) | ${fmt.int(s.ringcache.opsPerSec)} | \`${JSON.stringify(s.ringcache.reply)}\` |`,
      `| bare Nest TCP microservice, constant reply | ${fmt.int(s.constant.opsPerSec)} | \`${JSON.stringify(s.constant.reply)}\` |`,
      `| **ratio** | ${fmt.ratio(s.ratio)} | |`,
    ].join('\n');
  },
};
