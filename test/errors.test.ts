import { describe, expect, it } from "vitest";
import { AppError, clip, fromUnexpected } from "../src/errors";

describe("fromUnexpected: the one place an unexpected error gets a status", () => {
  it("keeps an AppError as it is", () => {
    const error = new AppError("payload_too_large", "too big");
    expect(fromUnexpected(error)).toBe(error);
  });

  it.each([
    ["retryable", { retryable: true }],
    ["overloaded", { overloaded: true }],
  ])("a platform failure marked %s is a 503", (_, flags) => {
    const error = fromUnexpected(Object.assign(new Error("Durable Object reset"), flags));
    expect(error.status).toBe(503);
    expect(error.code).toBe("unavailable");
  });

  it.each([
    ["a RangeError", new RangeError("Maximum call stack size exceeded")],
    ["an error marked not retryable", Object.assign(new Error("SQLITE_TOOBIG"), { retryable: false })],
    ["a thrown string", "boom"],
    ["null", null],
  ])("%s is a 500 that does not invite a retry, and shows no internals", (_, thrown) => {
    const error = fromUnexpected(thrown);
    expect(error.status).toBe(500);
    expect(error.message).toBe("Internal error");
  });
});

describe("clip", () => {
  it("leaves short text alone and cuts long text to the limit, marking the cut", () => {
    expect(clip("short")).toBe("short");
    expect(clip("x".repeat(400))).toBe(`${"x".repeat(299)}…`);
    expect(new AppError("not_found", "y".repeat(1000)).message).toHaveLength(300);
  });
});
