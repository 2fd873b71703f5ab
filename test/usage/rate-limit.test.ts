import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createRequestRateLimiter, type RequestRateLimiter } from "../../src/usage/rate-limit.js";
import { captureLogs } from "../harness/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase("ratelimit");
  const database = await openDatabase({
    url: testDb.url,
    poolMax: 2,
    dataDir: "/tmp",
    logger: captureLogs().logger,
  });
  await migrateToLatest(database.db);
  await database.close();
});
afterAll(async () => {
  await testDb?.drop();
});

for (const store of ["memory", "postgres", "redis"] as const) {
  describe(`requests per minute (${store})`, () => {
    it("allows the limit, then refuses with the time until the window resets", async () => {
      const opts = {
        store,
        databaseUrl: testDb.url,
        redisUrl: "redis://127.0.0.1:6379",
        logger: captureLogs().logger,
      };
      const a: RequestRateLimiter = await createRequestRateLimiter(opts);
      const b: RequestRateLimiter = await createRequestRateLimiter(opts);
      const user = `usr_${Math.random().toString(36).slice(2)}`;
      try {
        const seen = [];
        for (let i = 0; i < 3; i++) seen.push(await a.consume(user, 4));
        expect(seen.map((d) => d.remaining)).toEqual([3, 2, 1]);
        const fourth = await b.consume(user, 4);
        const fifth = await a.consume(user, 4);
        if (store === "memory") {
          // Two in-memory limiters share nothing: that is why replicas need postgres or redis.
          expect(fourth).toMatchObject({ allowed: true, remaining: 3 });
        } else {
          expect(fourth).toMatchObject({ allowed: true, remaining: 0 });
          expect(fifth.allowed).toBe(false);
          expect(fifth.resetMs).toBeGreaterThan(0);
          expect(fifth.resetMs).toBeLessThanOrEqual(60_000);
        }
        // Another user is counted separately.
        expect((await a.consume(`${user}-2`, 4)).allowed).toBe(true);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

describe("a shared store that is down", () => {
  it("falls back to per-instance counting instead of failing requests", async () => {
    const logs = captureLogs();
    const rl = await createRequestRateLimiter({
      store: "redis",
      redisUrl: "redis://127.0.0.1:1",
      logger: logs.logger,
    });
    try {
      const d1 = await rl.consume("usr_x", 2);
      const d2 = await rl.consume("usr_x", 2);
      const d3 = await rl.consume("usr_x", 2);
      expect([d1.allowed, d2.allowed, d3.allowed]).toEqual([true, true, false]);
      expect(logs.text()).toContain("redis unreachable");
    } finally {
      await rl.close();
    }
  });
});
