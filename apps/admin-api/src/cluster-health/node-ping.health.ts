/** Health of one cache node, in terminus's indicator style: up when it answers PING on its RESP port. */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { pingResp } from './resp-ping.js';

export const ADMIN_CONFIG = Symbol('ADMIN_CONFIG');

@Injectable()
export class NodePingHealthIndicator {
  constructor(@Inject(HealthIndicatorService) private readonly health: HealthIndicatorService) {}

  async check<Key extends string>(key: Key, host: string, port: number, timeoutMs: number): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    const result = await pingResp(host, port, timeoutMs);
    const data = { latency_ms: result.latencyMs, ...(result.detail ? { detail: result.detail } : {}) };
    return result.up ? indicator.up(data) : indicator.down(data);
  }
}
