/** Builds and starts the admin API's HTTP app; main.ts calls it for the process, specs in process. */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AdminConfig } from './admin-config.js';
import { AdminModule } from './admin.module.js';

export interface RunningAdmin {
  readonly app: INestApplication;
  readonly url: string;
}

/** Bodies are small JSON documents (PUT /cache/:key), capped like the node's HTTP API. */
const BODY_LIMIT = '512kb';

export async function startAdmin(config: AdminConfig, options: { shutdownHooks?: boolean } = {}): Promise<RunningAdmin> {
  const app = await NestFactory.create<NestExpressApplication>(AdminModule.forRoot(config), {
    logger: ['error', 'warn'],
    bodyParser: false,
    forceCloseConnections: true,
  });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.bind);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://${config.bind}:${port}` };
}
