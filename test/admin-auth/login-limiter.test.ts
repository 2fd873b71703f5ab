import { describe, expect, it } from "vitest";
import { createLoginLimiter } from "../../src/admin-auth/login-limiter.js";

describe("login limiter (domain, no server)", () => {
  it("blocks an IP after its daily failure budget, whatever the usernames", async () => {
    const limiter = createLoginLimiter({ pairFailures: 10, pairBlockSeconds: 60, ipFailuresPerDay: 5 });
    for (let i = 0; i < 5; i++) {
      expect((await limiter.check("10.0.0.1", `user${i}`)).blocked).toBe(false);
      await limiter.recordFailure("10.0.0.1", `user${i}`);
    }
    const check = await limiter.check("10.0.0.1", "someone-new");
    expect(check.blocked).toBe(true);
    if (check.blocked) expect(check.retryAfterMs).toBeGreaterThan(60 * 60 * 1000); // about a day
    expect((await limiter.check("10.0.0.2", "user0")).blocked).toBe(false);
  });

  it("blocks a username+IP pair after consecutive failures for the block time, and a success resets it", async () => {
    const limiter = createLoginLimiter({ pairFailures: 3, pairBlockSeconds: 60, ipFailuresPerDay: 100 });
    for (let i = 0; i < 2; i++) await limiter.recordFailure("10.0.0.3", "admin");
    expect((await limiter.check("10.0.0.3", "admin")).blocked).toBe(false);
    await limiter.recordSuccess("10.0.0.3", "admin");
    for (let i = 0; i < 2; i++) await limiter.recordFailure("10.0.0.3", "admin");
    expect((await limiter.check("10.0.0.3", "admin")).blocked).toBe(false);
    await limiter.recordFailure("10.0.0.3", "admin");
    const check = await limiter.check("10.0.0.3", "admin");
    expect(check.blocked).toBe(true);
    if (check.blocked) {
      expect(check.retryAfterMs).toBeGreaterThan(50_000);
      expect(check.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    expect((await limiter.check("10.0.0.3", "other")).blocked).toBe(false);
  });
});
