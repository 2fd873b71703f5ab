import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/gateway/exchange.js";

describe("formatDuration (x-ratelimit-reset-requests)", () => {
  it("writes OpenAI-style durations", () => {
    expect(formatDuration(0)).toBe("0ms");
    expect(formatDuration(250.4)).toBe("250ms");
    expect(formatDuration(1000)).toBe("1s");
    expect(formatDuration(12_500)).toBe("12.5s");
    expect(formatDuration(360_000)).toBe("6m0s");
  });
});
