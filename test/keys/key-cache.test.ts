import { describe, expect, it } from "vitest";
import { ExpiringCache } from "../../src/keys/key-cache.js";

describe("ExpiringCache", () => {
  it("serves fresh entries, reloads expired ones, and coalesces concurrent loads", async () => {
    let now = 1_000;
    let loads = 0;
    const cache = new ExpiringCache<string>({ ttlMs: 100, maxEntries: 10, now: () => now });
    const loader = async () => `v${++loads}`;
    const [a, b] = await Promise.all([cache.get("k", loader), cache.get("k", loader)]);
    expect([a, b, loads]).toEqual(["v1", "v1", 1]);
    expect(cache.get("k", loader)).toBe("v1"); // synchronous hit
    now += 101;
    expect(await cache.get("k", loader)).toBe("v2");
  });

  it("evicts by tag, and does not store a load that raced with an eviction", async () => {
    const cache = new ExpiringCache<{ user: string; v: number }>({
      ttlMs: 10_000,
      maxEntries: 10,
      tagOf: (x) => x.user,
    });
    await cache.get("d1", async () => ({ user: "u1", v: 1 }));
    await cache.get("d2", async () => ({ user: "u1", v: 2 }));
    await cache.get("d3", async () => ({ user: "u2", v: 3 }));
    cache.evictTag("u1");
    expect(cache.peek("d1")).toBeUndefined();
    expect(cache.peek("d2")).toBeUndefined();
    expect(cache.peek("d3")).toEqual({ user: "u2", v: 3 });

    let release!: (v: { user: string; v: number }) => void;
    const pending = cache.get("d4", () => new Promise((r) => (release = r)));
    cache.evictTag("u9"); // any change notice while the lookup is in flight
    release({ user: "u3", v: 4 });
    expect(await pending).toEqual({ user: "u3", v: 4 });
    expect(cache.peek("d4")).toBeUndefined();
  });

  it("holds at most maxEntries, dropping the oldest", async () => {
    const cache = new ExpiringCache<number>({ ttlMs: 10_000, maxEntries: 3 });
    for (let i = 0; i < 5; i++) await cache.get(`k${i}`, async () => i);
    expect(cache.size).toBe(3);
    expect(cache.peek("k0")).toBeUndefined();
    expect(cache.peek("k4")).toBe(4);
  });

  it("counts hits, misses and invalidations for the metrics endpoint", async () => {
    const cache = new ExpiringCache<string>({ ttlMs: 10_000, maxEntries: 10, tagOf: () => "t" });
    await cache.get("a", async () => "1");
    cache.get("a", async () => "x");
    cache.get("a", async () => "x");
    await cache.get("b", async () => "2");
    cache.evictTag("t");
    cache.evict("a");
    cache.clear();
    expect(cache.counts).toEqual({ hits: 2, misses: 2, invalidations: 3 });
  });
});
