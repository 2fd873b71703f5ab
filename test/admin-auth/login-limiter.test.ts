import { describe, expect, it } from "vitest";
import { createLoginLimiter } from "../../src/admin-auth/login-limiter.js";

describe("login limiter (domain, no server)", () => {
  it("blocks an IP after its daily failure budget, whatever the usernames", async () => {
    const limiter = createLoginLimiter({ pairFailures: 10, pairBlockSeconds: 60, ipFailuresPerDay: 5 });
    for (let i = 0; i < 5; i++) {
      expect((await limiter.begin("10.0.0.1", `user${i}`)).blocked).toBe(false);
      await limiter.failed("10.0.0.1", `user${i}`);
    }
    const check = await limiter.begin("10.0.0.1", "someone-new");
    expect(check.blocked).toBe(true);
    if (check.blocked) expect(check.retryAfterMs).toBeGreaterThan(60 * 60 * 1000); // about a day
    expect((await limiter.begin("10.0.0.2", "user0")).blocked).toBe(false);
  });

  it("blocks a username+IP pair after consecutive failures for the block time, and a success resets it", async () => {
    const limiter = createLoginLimiter({ pairFailures: 3, pairBlockSeconds: 60, ipFailuresPerDay: 100 });
    const fail = async () => {
      expect((await limiter.begin("10.0.0.3", "admin")).blocked).toBe(false);
      await limiter.failed("10.0.0.3", "admin");
    };
    await fail();
    await fail();
    expect((await limiter.begin("10.0.0.3", "admin")).blocked).toBe(false);
    await limiter.succeeded("10.0.0.3", "admin");
    await fail();
    await fail();
    await fail();
    const check = await limiter.begin("10.0.0.3", "admin");
    expect(check.blocked).toBe(true);
    if (check.blocked) {
      expect(check.retryAfterMs).toBeGreaterThan(50_000);
      expect(check.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    expect((await limiter.begin("10.0.0.3", "other")).blocked).toBe(false);
  });

  it("lets no more than the limit through when guesses arrive in parallel", async () => {
    const limiter = createLoginLimiter({ pairFailures: 10, pairBlockSeconds: 60, ipFailuresPerDay: 100 });
    const checks = await Promise.all(Array.from({ length: 40 }, () => limiter.begin("10.0.0.4", "admin")));
    expect(checks.filter((c) => !c.blocked)).toHaveLength(10);
    const perIp = createLoginLimiter({ pairFailures: 1000, pairBlockSeconds: 60, ipFailuresPerDay: 7 });
    const many = await Promise.all(Array.from({ length: 40 }, (_, n) => perIp.begin("10.0.0.5", `u${n}`)));
    expect(many.filter((c) => !c.blocked)).toHaveLength(7);
  });

  it("gives the IP its point back on success, so an admin's own logins never use up the daily budget", async () => {
    const limiter = createLoginLimiter({ pairFailures: 10, pairBlockSeconds: 60, ipFailuresPerDay: 3 });
    for (let i = 0; i < 20; i++) {
      expect((await limiter.begin("10.0.0.6", "admin")).blocked).toBe(false);
      await limiter.succeeded("10.0.0.6", "admin");
    }
  });
});
