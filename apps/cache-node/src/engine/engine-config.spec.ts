import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../../libs/engine/src/commands/params.js';
import { Engine } from '../../../../libs/engine/src/engine.js';
import { applyConfigChange, engineOptions } from './engine-config.js';

describe('hz: active expiry cycles per second', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Cycles the engine runs in one (fake) second. */
  function cyclesPerSecond(engine: Engine): number {
    const cycle = jest.spyOn(engine, 'activeExpireCycle');
    jest.advanceTimersByTime(1000);
    const calls = cycle.mock.calls.length;
    cycle.mockRestore();
    return calls;
  }

  it('runs the cycle every 1000/hz ms from start, and follows CONFIG SET hz while running', () => {
    jest.useFakeTimers();
    const config = new ConfigStore(NODE_PARAMS);
    expect(new Engine(engineOptions(config)).hz).toBe(10);
    config.set('hz', '20', true);
    const engine = new Engine(engineOptions(config));
    config.onChange((name, value) => applyConfigChange(engine, config, name, value));
    engine.start();
    expect(cyclesPerSecond(engine)).toBe(20);
    config.set('hz', '100');
    expect(engine.hz).toBe(100);
    expect(cyclesPerSecond(engine)).toBe(100);
    config.set('hz', '1');
    expect(cyclesPerSecond(engine)).toBe(1);
    engine.stop();
    expect(cyclesPerSecond(engine)).toBe(0);
  });

  it('a stopped engine keeps the new hz for its next start', () => {
    jest.useFakeTimers();
    const engine = new Engine();
    engine.setHz(50);
    expect(cyclesPerSecond(engine)).toBe(0);
    engine.start();
    expect(cyclesPerSecond(engine)).toBe(50);
    engine.stop();
  });
});
