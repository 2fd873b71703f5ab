import { afterAll, expect, it } from "vitest";

afterAll(() => {
  throw new Error("a secret reached the logs");
});

it("passes", () => {
  expect(1).toBe(1);
});
