/** Plain counters the engine bumps on the hot path; INFO and /metrics read them at scrape time. */
export class EngineStats {
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  /** Times a write was refused because memory could not be freed (noeviction, or nothing evictable). */
  oomRejections = 0;

  reset(): void {
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.expiredKeys = 0;
    this.evictedKeys = 0;
    this.oomRejections = 0;
  }
}
