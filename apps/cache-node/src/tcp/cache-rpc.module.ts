/** The Nest TCP microservice's message patterns. */
import { Module } from '@nestjs/common';
import { CacheRpcController } from './cache-rpc.controller.js';

@Module({ controllers: [CacheRpcController] })
export class CacheRpcModule {}
