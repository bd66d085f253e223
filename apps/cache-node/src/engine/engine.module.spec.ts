import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../../libs/engine/src/commands/params.js';
import { Engine, type EvictionPolicy } from '../../../../libs/engine/src/engine.js';
import { NodeConfigModule } from '../config/node-config.module.js';
import { EngineModule } from './engine.module.js';
import { EVICTION_POLICY } from './engine.tokens.js';

describe('EngineModule', () => {
  let moduleRef: TestingModule;
  let engine: Engine;
  let executor: CommandExecutor;

  beforeAll(async () => {
    const config = new ConfigStore(NODE_PARAMS);
    config.set('maxmemory', '10mb', true);
    config.set('maxmemory-policy', 'volatile-lru', true);
    config.set('maxmemory-samples', '9', true);
    config.set('databases', '4', true);
    config.set('hz', '25', true);
    moduleRef = await Test.createTestingModule({ imports: [NodeConfigModule.forRoot(config), EngineModule] }).compile();
    await moduleRef.init();
    engine = moduleRef.get(Engine);
    executor = moduleRef.get(CommandExecutor);
  });
  afterAll(async () => {
    await moduleRef.close();
  });

  it('builds the engine from the config, with the policy provided through EVICTION_POLICY', () => {
    expect(engine.maxmemory).toBe(10 * 1024 * 1024);
    expect(engine.maxmemorySamples).toBe(9);
    expect(engine.databases).toBe(4);
    expect(engine.hz).toBe(25);
    expect(moduleRef.get<EvictionPolicy>(EVICTION_POLICY).name).toBe('volatile-lru');
    expect(engine.policy).toBe(moduleRef.get(EVICTION_POLICY));
  });

  it('applies CONFIG SET to the running engine', () => {
    expect(executor.call(['CONFIG', 'SET', 'maxmemory', '1gb'])).toMatchObject({ status: 'OK' });
    expect(engine.maxmemory).toBe(1024 ** 3);
    executor.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu']);
    expect(engine.policy.name).toBe('allkeys-lfu');
    executor.call(['CONFIG', 'SET', 'maxmemory-samples', '3']);
    expect(engine.maxmemorySamples).toBe(3);
    executor.call(['CONFIG', 'SET', 'lfu-log-factor', '20']);
    expect(engine.lfuLogFactor).toBe(20);
    executor.call(['CONFIG', 'SET', 'active-expire-effort', '5']);
    expect(engine.activeExpireEffort).toBe(5);
    executor.call(['CONFIG', 'SET', 'hz', '100']);
    expect(engine.hz).toBe(100);
  });

  it('evicts at once when CONFIG SET lowers maxmemory under the used memory', () => {
    executor.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
    for (let i = 0; i < 100; i++) executor.call(['SET', `k${i}`, 'x'.repeat(100)]);
    const before = engine.usedMemory();
    executor.call(['CONFIG', 'SET', 'maxmemory', String(Math.floor(before / 2))]);
    expect(engine.usedMemory()).toBeLessThanOrEqual(Math.floor(before / 2));
    expect(engine.stats.evictedKeys).toBeGreaterThan(0);
  });
});
