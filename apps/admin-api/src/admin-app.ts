/** Builds and starts the admin API's HTTP app; main.ts calls it for the process, specs in process. */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AdminConfig } from './admin-config.js';
import { AdminModule } from './admin.module.js';

export interface RunningAdmin {
  readonly app: INestApplication;
  readonly url: string;
}

export async function startAdmin(config: AdminConfig, options: { metrics?: boolean; shutdownHooks?: boolean } = {}): Promise<RunningAdmin> {
  // The metrics module is CommonJS requiring ESM Nest: loaded on demand so Jest specs can skip it (see cache-node's node-app.ts).
  const extra = options.metrics === false ? [] : [(await import('./admin-metrics.js')).AdminMetricsModule];
  const app = await NestFactory.create(AdminModule.forRoot(config, extra), { logger: ['error', 'warn'], forceCloseConnections: true });
  if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.bind);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://${config.bind}:${port}` };
}
