/**
 * @module An in-process cache with a safety-net TTL, a size bound, tag-based eviction (e.g. every key of one API
 * user) and coalesced loads. LISTEN/NOTIFY handlers evict from it; a load that raced with an eviction is not stored.
 */

type Entry<V> = { value: V; expiresAt: number; tag: string | null };

export type ExpiringCacheOptions<V> = {
  ttlMs: number;
  /** Oldest entries go first once this many are held (bounds memory under a flood of random keys). */
  maxEntries: number;
  /** The tag an entry is evicted by (e.g. its API user id), or null. */
  tagOf?: (value: V) => string | null;
  now?: () => number;
};

export class ExpiringCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, Promise<V>>();
  // Bumped on every eviction: a load that started before it may hold stale data and must not be stored.
  private generation = 0;
  private readonly now: () => number;
  /** Running totals for the metrics endpoint (src/observability). */
  readonly counts = { hits: 0, misses: 0, invalidations: 0 };

  constructor(private readonly options: ExpiringCacheOptions<V>) {
    if (options.ttlMs <= 0 || options.maxEntries <= 0)
      throw new Error("ExpiringCache: ttlMs and maxEntries must be > 0");
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value if present and fresh; no load. */
  peek(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt > this.now()) return e.value;
    this.remove(key);
    return undefined;
  }

  /** The cached value, or the result of one shared `loader` call per key. */
  get(key: string, loader: () => Promise<V>): V | Promise<V> {
    const hit = this.peek(key);
    if (hit !== undefined) {
      this.counts.hits++;
      return hit;
    }
    this.counts.misses++;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const load = loader().then(
      (value) => {
        if (this.inflight.get(key) === load) this.inflight.delete(key);
        if (generation === this.generation) this.store(key, value);
        return value;
      },
      (err: unknown) => {
        if (this.inflight.get(key) === load) this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, load);
    return load;
  }

  /** Evicts every entry carrying `tag`. */
  evictTag(tag: string): void {
    this.generation++;
    this.counts.invalidations++;
    this.inflight.clear();
    const keys = this.keysByTag.get(tag);
    if (!keys) return;
    for (const k of [...keys]) this.remove(k);
  }

  evict(key: string): void {
    this.generation++;
    this.counts.invalidations++;
    this.inflight.clear();
    this.remove(key);
  }

  clear(): void {
    this.generation++;
    this.counts.invalidations++;
    this.inflight.clear();
    this.entries.clear();
    this.keysByTag.clear();
  }

  private store(key: string, value: V): void {
    this.remove(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.remove(oldest);
    }
    const tag = this.options.tagOf?.(value) ?? null;
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs, tag });
    if (tag !== null) {
      let set = this.keysByTag.get(tag);
      if (!set) this.keysByTag.set(tag, (set = new Set()));
      set.add(key);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    if (e.tag !== null) {
      const set = this.keysByTag.get(e.tag);
      set?.delete(key);
      if (set?.size === 0) this.keysByTag.delete(e.tag);
    }
  }
}
