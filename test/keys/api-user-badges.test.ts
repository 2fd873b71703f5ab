import { describe, expect, it } from "vitest";
import { apiUserBadges, capState, type BadgeInput } from "../../src/keys/api-user-badges.js";

const base: BadgeInput = {
  status: "active",
  monthlyTokenCap: null,
  tokensCommitted: 0,
  rateLimited: false,
  lastRotatedAt: null,
  lastUsedAt: new Date("2026-12-01T00:00:00Z"),
};

describe("API user badges", () => {
  it("a used, uncapped, active key is just active", () => {
    expect(apiUserBadges(base)).toEqual(["active"]);
  });

  it("puts every badge that applies in order of severity, and drops active for a revoked key", () => {
    expect(
      apiUserBadges({
        ...base,
        monthlyTokenCap: 100,
        tokensCommitted: 100,
        rateLimited: true,
        lastRotatedAt: new Date(),
        lastUsedAt: null,
      }),
    ).toEqual(["over_cap", "rate_limited", "rotated", "never_used", "active"]);
    expect(apiUserBadges({ ...base, status: "revoked", lastRotatedAt: new Date() })).toEqual([
      "revoked",
      "rotated",
    ]);
  });

  it("counts reserved tokens with used ones against the cap, as the admission does, with no rounding at 90 %", () => {
    expect(capState(0, null)).toBeNull();
    expect(capState(1_000_000, null)).toBeNull();
    expect(capState(899, 1000)).toBeNull();
    expect(capState(900, 1000)).toBe("near");
    expect(capState(999, 1000)).toBe("near");
    expect(capState(1000, 1000)).toBe("over");
    expect(capState(1500, 1000)).toBe("over");
    // 90 % of 7 is 6.3: 6 is below it, 7 is the cap.
    expect(capState(6, 7)).toBeNull();
    // A cap of 0 admits nothing: over from the start.
    expect(capState(0, 0)).toBe("over");
    expect(apiUserBadges({ ...base, monthlyTokenCap: 1000, tokensCommitted: 950 })).toEqual([
      "near_cap",
      "active",
    ]);
  });
});
