import type { Store } from '../store.js';
import type { EvictionPolicy, EvictionPolicyName } from './policy.js';

/** Entries kept between evictions, as Redis's EVPOOL_SIZE. */
export const EVICTION_POOL_SIZE = 16;

/**
 * Base of the sampled policies (LFU, volatile-ttl), after Redis's evictionPoolPopulate.
 *
 * Why a pool: sampling N keys and evicting the best of them approximates the true best poorly when N is
 * small, because each eviction forgets what the previous samples saw. The pool keeps the 16 best candidates
 * met so far, sorted by score (higher = better victim, best at the right). Each eviction adds N fresh
 * samples, then takes the best pooled entry that still exists. Entries are not removed when their key is
 * deleted or its slot reused; they are checked (same database, same key, not since made foreign) when taken,
 * and dropped if stale.
 * Scores can age (a pooled key may be read again); Redis accepts the same imprecision.
 */
export abstract class SampledPolicy implements EvictionPolicy {
  abstract readonly name: EvictionPolicyName;
  abstract readonly tracksFrequency: boolean;

  private readonly poolSlot = new Int32Array(EVICTION_POOL_SIZE);
  private readonly poolScore = new Float64Array(EVICTION_POOL_SIZE);
  private readonly poolDb = new Uint8Array(EVICTION_POOL_SIZE);
  private readonly poolKey: (string | undefined)[] = new Array<string | undefined>(EVICTION_POOL_SIZE).fill(undefined);
  /** Pooled entries occupy [0, poolSize), ascending by score. */
  private poolSize = 0;
  private sampled = new Int32Array(16);

  constructor(protected readonly volatileOnly: boolean) {}

  /** Higher means a better victim. */
  protected abstract score(store: Store, slot: number): number;

  selectVictim(store: Store, samples: number): number {
    for (;;) {
      if (store.evictableCount(this.volatileOnly) === 0) {
        this.clear();
        return -1;
      }
      this.populate(store, samples);
      while (this.poolSize > 0) {
        const k = --this.poolSize;
        const slot = this.poolSlot[k];
        const key = this.poolKey[k];
        this.poolKey[k] = undefined;
        if (
          store.slotDb(slot) === this.poolDb[k] &&
          store.slotKey(slot) === key &&
          store.slotEvictable(slot) &&
          (!this.volatileOnly || store.slotExpireAt(slot) !== 0)
        ) {
          return slot;
        }
      }
    }
  }

  private clear(): void {
    this.poolSize = 0;
    this.poolKey.fill(undefined);
  }

  private populate(store: Store, samples: number): void {
    if (this.sampled.length < samples) this.sampled = new Int32Array(samples);
    const n = store.sampleSlots(this.sampled, samples, this.volatileOnly);
    for (let j = 0; j < n; j++) {
      const slot = this.sampled[j];
      this.insert(slot, store.slotDb(slot), store.slotKey(slot) as string, this.score(store, slot));
    }
  }

  /** Insert keeping ascending order; when full, the worst entry (left end) falls out. */
  private insert(slot: number, db: number, key: string, score: number): void {
    const size = this.poolSize;
    let k = 0;
    while (k < size && this.poolScore[k] < score) k++;
    if (size < EVICTION_POOL_SIZE) {
      for (let i = size; i > k; i--) this.move(i - 1, i);
      this.poolSize++;
    } else {
      if (k === 0) return; // worse than everything in a full pool
      k--;
      for (let i = 0; i < k; i++) this.move(i + 1, i);
    }
    this.poolSlot[k] = slot;
    this.poolScore[k] = score;
    this.poolDb[k] = db;
    this.poolKey[k] = key;
  }

  private move(from: number, to: number): void {
    this.poolSlot[to] = this.poolSlot[from];
    this.poolScore[to] = this.poolScore[from];
    this.poolDb[to] = this.poolDb[from];
    this.poolKey[to] = this.poolKey[from];
  }
}
