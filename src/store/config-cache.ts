/**
 * A bounded, short-lived in-isolate cache of the config a trigger reads on
 * every request: service key → account, account, action. KV is already a
 * cache (an edge read can be up to about 60 s old); this keeps the value in
 * the isolate for CONFIG_CACHE_TTL_MS more, so a hot key costs no KV call at
 * all. What a stale read can cost is bounded:
 *
 * - A change made through this isolate (save or delete an action, save an
 *   account, revoke a key) drops the entry here at once, so the next request
 *   in this isolate reads KV.
 * - A change made elsewhere is seen here within CONFIG_CACHE_TTL_MS after KV
 *   shows it. Config reads pass `cacheTtl: KV_CACHE_TTL_S` (KV's minimum,
 *   half its default), so the two together stay within KV's default 60 s.
 * - An account's `shard` changed elsewhere sends that isolate's triggers to
 *   the old limiter until then (it keeps and sends them, in its own log), as
 *   KV's own delay already did.
 * - Only values that exist are cached: a new key, account or action works as
 *   soon as KV has it, and a flood of wrong keys cannot fill the cache.
 */
export const CONFIG_CACHE_TTL_MS = 30_000;
/** KV's minimum edge-cache TTL for a read; KV's default is 60 s. */
export const KV_CACHE_TTL_S = 30;
const MAX_ENTRIES = 1_000;

interface Entry {
  value: unknown;
  expires: number;
}

export class ConfigCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = CONFIG_CACHE_TTL_MS,
    private readonly maxEntries = MAX_ENTRIES,
    /** Injectable for tests; workerd's clock moves on I/O, which is all a TTL needs. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * The cached value of `key`, or `load()`'s when there is none (or it
   * expired). Only values are kept, never a pending read: a promise belongs
   * to the request that made it, and another request must not wait on it.
   * A null result is not kept, and a load that was invalidated while it ran
   * is not kept either.
   */
  async get<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as T;
    if (hit) this.entries.delete(key);
    const generation = this.generation;
    const started = this.now();
    const value = await load();
    if (value !== null && generation === this.generation) {
      this.entries.delete(key);
      this.entries.set(key, { value, expires: started + this.ttlMs });
      // Oldest first out: a Map keeps insertion order.
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  /** Counts invalidations, so a read that raced one does not put its older value back. */
  private generation = 0;

  /** Drops an entry: the next get reads KV. */
  invalidate(key: string): void {
    this.entries.delete(key);
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The isolate's one cache; the store's writers invalidate what they change. */
export const configCache = new ConfigCache();
