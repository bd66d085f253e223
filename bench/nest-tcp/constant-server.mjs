/**
 * The reference for scenario 6: a bare Nest TCP microservice whose `get` handler returns a constant, i.e.
 * the framework's own ceiling. Plain JS, so decorators are applied by hand.
 *
 *   node bench/nest-tcp/constant-server.mjs <port>     prints "ready <port>" once listening
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Transport } from '@nestjs/microservices';

class ConstantController {
  get() {
    return 'value';
  }
}
MessagePattern('get')(ConstantController.prototype, 'get', Object.getOwnPropertyDescriptor(ConstantController.prototype, 'get'));
Controller()(ConstantController);

class ConstantModule {}
Module({ controllers: [ConstantController] })(ConstantModule);

const port = Number(process.argv[2]);
const app = await NestFactory.createMicroservice(ConstantModule, {
  transport: Transport.TCP,
  options: { host: '127.0.0.1', port },
  logger: false,
});
await app.listen();
process.stdout.write(`ready ${port}\n`);
const stop = () => app.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
