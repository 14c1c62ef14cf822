import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_SCHEDULE,
  isRetryableStatus,
  parseRetryAfter,
  parseRetrySchedule,
  retryDelaySeconds,
} from "../../src/delivery/backoff";

const now = new Date("2026-11-22T12:00:00Z");
const noJitter = () => 0.5;

describe("isRetryableStatus", () => {
  it.each([
    [408, true], [409, true], [429, true], [500, true], [502, true], [503, true], [599, true],
    [200, false], [201, false], [301, false], [302, false], [400, false], [401, false], [404, false], [410, false], [422, false],
  ])("%i → %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe("the default schedule", () => {
  it("is 10 retries over about 7 hours", () => {
    const total = DEFAULT_RETRY_SCHEDULE.reduce((sum, delay) => sum + delay, 0);
    expect(DEFAULT_RETRY_SCHEDULE).toHaveLength(10);
    expect(total / 3600).toBeGreaterThan(6.5);
    expect(total / 3600).toBeLessThan(7.5);
  });

  it("never shrinks from one retry to the next", () => {
    for (let i = 1; i < DEFAULT_RETRY_SCHEDULE.length; i++) {
      expect(DEFAULT_RETRY_SCHEDULE[i]).toBeGreaterThan(DEFAULT_RETRY_SCHEDULE[i - 1]!);
    }
  });
});

describe("retryDelaySeconds", () => {
  it.each([
    // retryNumber, schedule, retryAfter, random, expected
    [1, [10, 30, 120], null, 0.5, 10],
    [2, [10, 30, 120], null, 0.5, 30],
    [3, [10, 30, 120], null, 0.5, 120],
    [4, [10, 30, 120], null, 0.5, null],
    [1, [10, 30, 120], null, 0, 8], // −20 %
    [1, [10, 30, 120], null, 1, 12], // +20 %
    [1, [1, 1, 1], null, 0.99, 1],
    [1, [10, 30, 120], "60", 0.5, 60], // honoured
    [1, [10, 30, 120], "1", 0.5, 10], // clamped up to the shortest delay
    [1, [10, 30, 120], "86400", 0.5, 120], // clamped down to the longest
    [1, [10, 30, 120], "Sun, 22 Nov 2026 12:01:00 GMT", 0.5, 60], // an HTTP date
    [1, [10, 30, 120], "soon", 0.5, 10], // unreadable: the schedule
  ] as const)("retry %i of %j, Retry-After %s, random %d → %s", (retryNumber, schedule, retryAfter, random, expected) => {
    expect(retryDelaySeconds({ retryNumber, schedule, retryAfter, now, random: () => random })).toBe(expected);
  });

  it("walks the default schedule and then stops", () => {
    const delays = Array.from({ length: 11 }, (_, i) =>
      retryDelaySeconds({ retryNumber: i + 1, schedule: DEFAULT_RETRY_SCHEDULE, now, random: noJitter }),
    );
    expect(delays).toEqual([...DEFAULT_RETRY_SCHEDULE, null]);
  });
});

describe("parseRetrySchedule", () => {
  it.each([
    [undefined, DEFAULT_RETRY_SCHEDULE],
    ["", DEFAULT_RETRY_SCHEDULE],
    ["1,1,1", [1, 1, 1]],
    [" 5, 30 ,600", [5, 30, 600]],
  ])("%j → %j", (raw, expected) => {
    expect(parseRetrySchedule(raw)).toEqual(expected);
  });

  it.each(["1,x", "-1", "1.5", "50000"])("refuses %j", (raw) => {
    expect(() => parseRetrySchedule(raw)).toThrow(/RETRY_SCHEDULE/);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["120", 120],
    ["0", 0],
    ["Sun, 22 Nov 2026 12:00:30 GMT", 30],
    ["Sun, 22 Nov 2026 11:00:00 GMT", 0],
    ["", null],
    [null, null],
    ["later", null],
  ])("%j → %s", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
