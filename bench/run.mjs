#!/usr/bin/env node
/**
 * The benchmark suite (`npm run bench`): ringcache side by side with redis-server, the engine against
 * lru-cache, and the Nest TCP transport against a bare Nest microservice. Prints a markdown report and
 * writes the raw runs to bench/results/<timestamp>.json. Records numbers; never fails CI.
 *
 *   node bench/run.mjs [--only name[,name]] [--runs N] [--requests N] [--elements N] [--duration S] [--subject redis] [--list]
 *
 * --requests sets redis-benchmark's -n for the `types` and `cluster` scenarios (default 200000) and the
 * request count of `client-routing`, --elements the member count of the `type-memory` scenario (default
 * 1000000): smaller values for quick runs. --duration is the seconds under load of the `gossip` scenario's
 * false-suspicion run (default 60).
 * --subject redis runs redis-server in place of the ringcache node (and a constant Nest server in place of
 * its TCP port): for debugging the harness when no node is built.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/processes.mjs';
import { fmt } from './lib/stats.mjs';
import { throughput, pipelined } from './scenarios/throughput.mjs';
import { eviction } from './scenarios/eviction.mjs';
import { memoryPerKey } from './scenarios/memory-per-key.mjs';
import { engine } from './scenarios/engine.mjs';
import { nestTcp } from './scenarios/nest-tcp.mjs';
import { types } from './scenarios/types.mjs';
import { typeMemory } from './scenarios/type-memory.mjs';
import { ring } from './scenarios/ring.mjs';
import { cluster } from './scenarios/cluster.mjs';
import { clientRouting } from './scenarios/client-routing.mjs';
import { gossip } from './scenarios/gossip.mjs';
import { replication, failover, fullSync } from './scenarios/replication.mjs';
import { aof, aofLoad } from './scenarios/aof.mjs';

const SCENARIOS = [throughput, pipelined, eviction, memoryPerKey, engine, nestTcp, types, typeMemory, ring, cluster, clientRouting, gossip, replication, failover, fullSync, aof, aofLoad];

function parseArgs(argv) {
  const opts = { only: [], runs: 3, requests: undefined, elements: undefined, duration: undefined, subject: 'ringcache', list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--only' || a.startsWith('--only=')) opts.only.push(...value().split(',').filter(Boolean));
    else if (a === '--runs' || a.startsWith('--runs=')) opts.runs = Number(value());
    else if (a === '--requests' || a.startsWith('--requests=')) opts.requests = Number(value());
    else if (a === '--elements' || a.startsWith('--elements=')) opts.elements = Number(value());
    else if (a === '--duration' || a.startsWith('--duration=')) opts.duration = Number(value());
    else if (a === '--subject' || a.startsWith('--subject=')) opts.subject = value();
    else if (a === '--list') opts.list = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs must be a positive integer');
  for (const flag of ['requests', 'elements', 'duration']) {
    if (opts[flag] !== undefined && (!Number.isInteger(opts[flag]) || opts[flag] < 1)) usage(`--${flag} must be a positive integer`);
  }
  if (!['ringcache', 'redis'].includes(opts.subject)) usage('--subject must be ringcache or redis');
  const names = SCENARIOS.map((s) => s.name);
  for (const n of opts.only) if (!names.includes(n)) usage(`unknown scenario ${n} (known: ${names.join(', ')})`);
  return opts;
}

function usage(error) {
  const text = `usage: node bench/run.mjs [--only ${SCENARIOS.map((s) => s.name).join('|')}[,...]] [--runs N] [--requests N] [--elements N] [--duration S] [--subject ringcache|redis] [--list]`;
  if (error) { process.stderr.write(`bench: ${error}\n${text}\n`); process.exit(2); }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

function tryExec(cmd, args) {
  try { return execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return undefined; }
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redisServer: tryExec('redis-server', ['--version']),
    redisBenchmark: tryExec('redis-benchmark', ['--version']),
    gitCommit: tryExec('git', ['rev-parse', '--short', 'HEAD']),
  };
}

function targetsTable(targets) {
  const show = (v) => (typeof v !== 'number' ? 'n/a' : v > 1000 ? fmt.int(v) : Number.isInteger(v) ? String(v) : v.toFixed(3));
  return [
    '| target | measured | met |',
    '|---|---:|:---:|',
    ...targets.map((t) => `| ${t.target} | ${show(t.value)} | ${fmt.met(t.met)} |`),
  ].join('\n');
}

const opts = parseArgs(process.argv.slice(2));
if (opts.list) {
  for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(15)} ${s.title}\n`);
  process.exit(0);
}
const selected = opts.only.length ? SCENARIOS.filter((s) => opts.only.includes(s.name)) : SCENARIOS;
const log = (line) => process.stderr.write(`${line}\n`);
const env = machine();
const report = { machine: env, runs: opts.runs, subject: opts.subject, scenarios: {} };
const md = [
  `# ringcache benchmarks — ${env.date}`,
  '',
  `Machine: ${env.cpus} × ${env.cpuModel ?? 'cpu'}, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${env.os}; Node ${env.node}; ${env.redisServer ?? 'redis-server ?'}.`,
  `Medians of ${opts.runs} run(s) per side, sides alternating.${opts.subject === 'redis' ? ' **Harness debug run: redis-server stands in for ringcache.**' : ''}`,
];

for (const scenario of selected) {
  log(`\n== ${scenario.title}`);
  const started = Date.now();
  try {
    const loadBefore = os.loadavg()[0];
    const result = await scenario.run({ runs: opts.runs, requests: opts.requests, elements: opts.elements, duration: opts.duration, subject: opts.subject, log });
    result.seconds = (Date.now() - started) / 1000;
    result.loadAverage = { before: loadBefore, after: os.loadavg()[0] };
    report.scenarios[scenario.name] = { title: scenario.title, command: scenario.command, ...result };
    md.push('', `## ${scenario.title}`, '', `\`${result.command ?? scenario.command}\``, '', scenario.table(result), '', targetsTable(result.targets), '',
      `${result.seconds.toFixed(0)} s; 1-minute load average ${result.loadAverage.before.toFixed(1)} before, ${result.loadAverage.after.toFixed(1)} after (2 cores).`);
  } catch (err) {
    const message = String(err?.stack ?? err);
    log(`  FAILED: ${message}`);
    report.scenarios[scenario.name] = { title: scenario.title, command: scenario.command, error: message };
    md.push('', `## ${scenario.title}`, '', `Not measured: ${message.split('\n')[0]}`);
  }
}

const markdown = md.join('\n') + '\n';
const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const stamp = env.date.replace(/[:.]/g, '-');
const file = path.join(dir, `${stamp}.json`);
writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
writeFileSync(path.join(dir, `${stamp}.md`), markdown);
process.stdout.write(`\n${markdown}\nraw results: ${path.relative(ROOT, file)}\n`);
process.exit(0);
