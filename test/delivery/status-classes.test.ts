import { describe, expect, it } from "vitest";
import { isRetryableStatus, isSuccessStatus } from "../../src/delivery/backoff";

// The edges of each class of answer: what counts as sent, what is tried again, and what is final.
describe("which answers are which", () => {
  it.each([
    [199, false],
    [200, true],
    [204, true],
    [299, true],
    [300, false],
    [304, false],
  ])("%i is success: %s", (status, expected) => {
    expect(isSuccessStatus(status)).toBe(expected);
  });

  it.each([
    [407, false],
    [408, true],
    [409, true],
    [410, false],
    [428, false],
    [429, true],
    [430, false],
    [499, false],
    [500, true],
    [599, true],
    [600, false],
  ])("%i is retried: %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});
