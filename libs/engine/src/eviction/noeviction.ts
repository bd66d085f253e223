import type { EvictionPolicy } from './policy.js';

/** `noeviction`: never evicts; writes that need memory fail with OOM. */
export class NoEvictionPolicy implements EvictionPolicy {
  readonly name = 'noeviction' as const;
  readonly tracksFrequency = false;
  selectVictim(): number {
    return -1;
  }
}
