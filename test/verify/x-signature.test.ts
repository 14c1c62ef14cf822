import { describe, expect, it } from "vitest";
import { bytesEqual, timingSafeEqual } from "../../src/verify/hmac";
import { verifyXSignature } from "../../src/verify";
import { BINARY_BODY, BODY, oneByteChanged, X_KEY, X_VECTORS } from "./vectors";

// More X-Signature cases (the seed's vectors, malformed headers) are in test/pipelines/x-signature.test.ts.

describe("verifyXSignature", () => {
  it.each(X_VECTORS)("accepts node:crypto's signature of %s, from the headers or as the value", async (_name, body, hex) => {
    expect(await verifyXSignature(X_KEY, body, new Headers({ "X-Signature": hex }))).toEqual({ ok: true });
    expect(await verifyXSignature(X_KEY, body, { "x-signature": hex })).toEqual({ ok: true });
    expect(await verifyXSignature(X_KEY, body, hex)).toEqual({ ok: true });
  });

  it("accepts a signature under either of two secrets (a rotation)", async () => {
    expect(await verifyXSignature(["another-shared-secret", X_KEY], BODY, X_VECTORS[0]![2])).toEqual({ ok: true });
  });

  it.each([
    ["one changed byte of the body", oneByteChanged(BODY), X_VECTORS[0]![2]],
    ["one changed byte of bytes that are not UTF-8", oneByteChanged(BINARY_BODY), X_VECTORS[1]![2]],
    ["bytes that are not UTF-8, decoded to text and signed as that", new TextDecoder().decode(BINARY_BODY), X_VECTORS[1]![2]],
  ])("refuses %s", async (_name, body, hex) => {
    expect(await verifyXSignature(X_KEY, body, { "x-signature": hex })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a request without the header", async () => {
    expect(await verifyXSignature(X_KEY, BODY, new Headers())).toEqual({ ok: false, reason: "missing_header" });
  });
});

describe("the constant-time comparison", () => {
  const bytes = (...values: number[]) => new Uint8Array(values);

  it.each([
    ["equal", bytes(1, 2, 3), bytes(1, 2, 3), true],
    ["empty", bytes(), bytes(), true],
    ["the first byte differs", bytes(0, 2, 3), bytes(1, 2, 3), false],
    ["the last byte differs", bytes(1, 2, 3), bytes(1, 2, 4), false],
    ["one bit of the middle byte differs", bytes(1, 2, 3), bytes(1, 6, 3), false],
    ["lengths differ", bytes(1, 2, 3), bytes(1, 2), false],
  ])("%s: the Web Crypto one and the byte loop (what Node and browsers use) agree", (_name, a, b, equal) => {
    expect(timingSafeEqual(a, b)).toBe(equal);
    expect(bytesEqual(a, b)).toBe(equal);
  });

  it("is crypto.subtle.timingSafeEqual in Workers", () => {
    expect(typeof (crypto.subtle as { timingSafeEqual?: unknown }).timingSafeEqual).toBe("function");
  });
});
