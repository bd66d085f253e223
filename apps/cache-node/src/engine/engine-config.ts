/** Maps node configuration to the engine: options at construction, and CONFIG SET changes while running. */
import type { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { createEvictionPolicy, type Engine, type EngineOptions } from '../../../../libs/engine/src/engine.js';

/** Engine options from the config (the policy instance comes separately, through DI). */
export function engineOptions(config: ConfigStore): EngineOptions {
  return {
    databases: config.getNumber('databases'),
    maxmemory: config.getNumber('maxmemory'),
    maxmemorySamples: config.getNumber('maxmemory-samples'),
    lfuLogFactor: config.getNumber('lfu-log-factor'),
    lfuDecayTime: config.getNumber('lfu-decay-time'),
    activeExpireEffort: config.getNumber('active-expire-effort'),
    hz: config.getNumber('hz'),
  };
}

/**
 * Apply one changed parameter (canonical value, lower-case name, as ConfigStore.onChange passes them) to a
 * running engine. Parameters that are not the engine's are ignored. Lowering maxmemory frees memory at once,
 * as Redis does after CONFIG SET maxmemory.
 */
export function applyConfigChange(engine: Engine, config: ConfigStore, name: string, value: string): void {
  switch (name) {
    case 'maxmemory':
      engine.maxmemory = config.getNumber('maxmemory');
      engine.freeMemoryIfNeeded();
      break;
    case 'maxmemory-policy':
      if (engine.policy.name !== value) engine.setPolicy(createEvictionPolicy(value as Parameters<typeof createEvictionPolicy>[0]));
      break;
    case 'maxmemory-samples':
      engine.maxmemorySamples = Number(value);
      break;
    case 'lfu-log-factor':
      engine.lfuLogFactor = Number(value);
      break;
    case 'lfu-decay-time':
      engine.lfuDecayTime = Number(value);
      break;
    case 'active-expire-effort':
      engine.activeExpireEffort = Number(value);
      break;
    case 'hz':
      engine.setHz(Number(value));
      break;
  }
}
