import { describe, expect, it } from "vitest";
import { dayOf, monthOf, monthResetAt } from "../../src/usage/usage-period.js";

describe("usage periods (UTC)", () => {
  it("gives the day and month of any instant, across day, month and year boundaries, in any order", () => {
    const cases: [string, string, string][] = [
      ["2026-12-31T23:59:59.999Z", "2026-12-31", "2026-12-01"],
      ["2027-01-01T00:00:00.000Z", "2027-01-01", "2027-01-01"],
      ["2026-12-31T00:00:00.000Z", "2026-12-31", "2026-12-01"],
      ["2026-02-28T12:00:00.000Z", "2026-02-28", "2026-02-01"],
      ["2026-03-01T00:00:00.001Z", "2026-03-01", "2026-03-01"],
      ["1969-12-31T23:00:00.000Z", "1969-12-31", "1969-12-01"],
      ["2026-12-31T23:59:59.999Z", "2026-12-31", "2026-12-01"],
    ];
    for (const [at, day, month] of cases) {
      expect(dayOf(new Date(at))).toBe(day);
      expect(monthOf(new Date(at))).toBe(month);
    }
    expect(monthResetAt(new Date("2026-12-31T23:59:59Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});
