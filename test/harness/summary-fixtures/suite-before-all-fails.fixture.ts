import { beforeAll, describe, expect, it } from "vitest";

describe("a suite whose setup fails", () => {
  beforeAll(() => {
    throw new Error("setup failed");
  });
  it("would pass", () => {
    expect(1).toBe(1);
  });
});

describe("a healthy suite", () => {
  it("passes", () => {
    expect(1).toBe(1);
  });
});
