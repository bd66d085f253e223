/**
 * Builds and starts one cache node: the Nest HTTP app on `http-port`, the RESP transport on `port` and the
 * Nest TCP transport on `tcp-port`, all bound to `bind`. main.ts calls it for the process; tests call it in
 * process with their own ConfigStore.
 */
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { DynamicModule, INestApplication, INestMicroservice, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ConfigStore } from '../../../libs/engine/src/commands/config-store.js';
import { RespDispatcher } from '../../../libs/engine/src/commands/resp-dispatcher.js';
import { ServerState } from '../../../libs/engine/src/commands/server-state.js';
import { RespTransport } from '../../../libs/protocol/src/resp-transport.js';
import { AppModule } from './app.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { ClusterRuntime } from './cluster/cluster-runtime.js';
import { resolvePorts } from './config/config-source.js';
import { NodeStatus } from './node-status.js';
import { AofRuntime } from '../../../libs/persistence/src/aof-runtime.js';
import { followRespConfig, respServerOptions } from './resp-wiring.js';

/** Largest JSON body the HTTP API accepts; bigger bodies get 413 Payload Too Large. */
export const HTTP_BODY_LIMIT = '512kb';

export interface NodeAddresses {
  /** "host:port", or null when the transport is off. */
  readonly resp: string | null;
  readonly tcp: string | null;
  readonly http: string | null;
}

export interface RunningNode {
  readonly app: INestApplication;
  readonly addresses: NodeAddresses;
  /** Bound ports (0 when off), also recorded in ServerState.ports for INFO. */
  readonly ports: { resp: number; tcp: number; http: number };
}

/** Nest log levels for redis.conf's loglevel; "notice" (the default) keeps Nest quiet but for problems. */
export function nestLogLevels(loglevel: string): LogLevel[] | false {
  switch (loglevel) {
    case 'debug': return ['error', 'warn', 'log', 'verbose', 'debug'];
    case 'verbose': return ['error', 'warn', 'log'];
    case 'nothing': return false;
    default: return ['error', 'warn'];
  }
}

export interface StartNodeOptions {
  /** Path of the config file, for INFO server config_file. */
  configFile?: string;
  /** Close on SIGTERM/SIGINT (the process entry point wants it; in-process tests do not). */
  shutdownHooks?: boolean;
  /** Serve /metrics (default true). */
  metrics?: boolean;
}

/**
 * @willsoto/nestjs-prometheus is CommonJS that require()s the ESM-only @nestjs/common: Node 20.19+ allows
 * that, Jest's module runtime does not. Loading it on demand keeps in-process specs able to boot the node
 * without it (they pass metrics: false; the process specs cover /metrics).
 */
async function loadMetricsModule(): Promise<Type> {
  return (await import('./metrics/metrics.module.js')).MetricsModule;
}

export async function startNode(config: ConfigStore, options: StartNodeOptions = {}): Promise<RunningNode> {
  const host = config.get('bind');
  const wanted = resolvePorts(config);
  const logger = nestLogLevels(config.get('loglevel'));
  const extra: (Type | DynamicModule)[] = options.metrics === false ? [] : [await loadMetricsModule()];
  if (wanted.bus >= 0) extra.push(ClusterModule.forRoot(new ClusterRuntime(config, wanted)));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, extra), {
    logger,
    bodyParser: false,
    forceCloseConnections: true,
  });
  app.useBodyParser('json', { limit: HTTP_BODY_LIMIT });

  const server = app.get(ServerState);
  const status = app.get(NodeStatus);
  const aof = app.get(AofRuntime);
  // A cluster member loads its AOF before it joins (the cluster then copies it what it owns; docs/persistence.md);
  // a standalone node listens first and answers -LOADING while it loads, as redis-server.
  const clustered = wanted.bus >= 0;
  if (clustered) await aof.start();
  // Before any listener opens: a command that ran before the load would be missing from the file.
  else server.loading = config.getBool('appendonly');

  if (wanted.resp > 0) {
    const transport = new RespTransport(respServerOptions(config, server, host, wanted.resp), app.get(RespDispatcher));
    followRespConfig(config, transport.resp);
    app.connectMicroservice<MicroserviceOptions>({ strategy: transport });
  }
  let tcp: INestMicroservice | undefined;
  if (wanted.tcp >= 0) {
    tcp = app.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host, port: wanted.tcp } });
  }

  await app.init();
  await app.startAllMicroservices();
  if (wanted.http >= 0) await app.listen(wanted.http, host);
  status.listening = true;
  // Only now: a signal during boot (before anything listens) should just end the process. A handler racing a
  // half-done boot could close the app and then let listeners that bind afterwards keep it alive.
  if (options.shutdownHooks) exitOnSignals(app);
  if (!clustered) {
    try {
      await aof.start();
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
  }

  const ports = {
    resp: Math.max(wanted.resp, 0),
    tcp: tcp ? (tcp.unwrap<NetServer>().address() as AddressInfo).port : 0,
    http: wanted.http >= 0 ? (app.getHttpServer().address() as AddressInfo).port : 0,
  };
  server.ports = ports;
  server.bind = host;
  server.configFile = options.configFile ?? '';
  const at = (port: number, on: boolean, scheme = ''): string | null => (on ? `${scheme}${host}:${port}` : null);
  const addresses = {
    resp: at(ports.resp, wanted.resp > 0),
    tcp: at(ports.tcp, tcp !== undefined),
    http: at(ports.http, wanted.http >= 0, 'http://'),
  };
  return { app, addresses, ports };
}

/**
 * SIGTERM or SIGINT closes the app (the cluster leave is announced, listeners close) and exits 0, as
 * redis-server does; a second signal while closing exits at once with 1. (Nest's enableShutdownHooks would
 * re-raise the signal, ending the process "killed by SIGTERM".)
 */
function exitOnSignals(app: INestApplication): void {
  let closing = false;
  const onSignal = (): void => {
    if (closing) process.exit(1);
    closing = true;
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`ringcache: error while shutting down: ${(err as Error)?.stack ?? String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** One line: where the node listens and its memory settings. */
export function startupBanner(config: ConfigStore, addresses: NodeAddresses): string {
  const off = 'off';
  const bus = resolvePorts(config).bus;
  const cluster = bus >= 0 ? `, cluster bus udp ${config.get('bind')}:${bus}` : '';
  return (
    `ringcache node ready: resp ${addresses.resp ?? off}, nest-tcp ${addresses.tcp ?? off}, http ${addresses.http ?? off}${cluster}` +
    ` (maxmemory ${config.get('maxmemory')}, policy ${config.get('maxmemory-policy')}, pid ${process.pid})`
  );
}

