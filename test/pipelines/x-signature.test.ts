import { describe, expect, it } from "vitest";
import { verifyXSignature, xSignature } from "../../src/verify/x-signature";
import { independentHmacSha1, NODE_VECTORS, SECRET } from "./signature-vectors";

describe("xSignature", () => {
  it.each(NODE_VECTORS)("matches Node's crypto.createHmac: %s", async (_name, secret, text, hex) => {
    expect(await xSignature(secret, text)).toBe(hex);
    expect(await xSignature(secret, new TextEncoder().encode(text))).toBe(hex);
  });

  it("matches an independent crypto.subtle HMAC", async () => {
    const text = '{"type":"identify","userId":"42","traits":{"name":"Zoë"}}';
    expect(await xSignature(SECRET, text)).toBe(await independentHmacSha1(SECRET, text));
  });
});

describe("verifyXSignature", () => {
  const [, , body, hex] = NODE_VECTORS[0]!;

  it("accepts the right signature, in either case and with surrounding space", async () => {
    expect(await verifyXSignature(SECRET, body, hex)).toEqual({ ok: true });
    expect(await verifyXSignature(SECRET, body, hex.toUpperCase())).toEqual({ ok: true });
    expect(await verifyXSignature(SECRET, new TextEncoder().encode(body), ` ${hex}\n`)).toEqual({ ok: true });
  });

  it.each([
    ["one hex digit changed", `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`],
    ["the first digit changed", `${hex.startsWith("0") ? "1" : "0"}${hex.slice(1)}`],
    ["truncated", hex.slice(0, 39)],
    ["too long", `${hex}00`],
    ["not hex", "z".repeat(40)],
    ["a prefix Stripe-style", `sha1=${hex}`],
  ])("refuses a wrong signature: %s", async (_name, header) => {
    expect(await verifyXSignature(SECRET, body, header)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["empty", ""],
    ["missing", null],
  ])("refuses a request without a signature: %s", async (_name, header) => {
    expect(await verifyXSignature(SECRET, body, header)).toEqual({ ok: false, reason: "missing_header" });
  });

  it("refuses the right signature under another secret, or over other bytes", async () => {
    expect(await verifyXSignature(`${SECRET}x`, body, hex)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyXSignature(SECRET, `${body} `, hex)).toEqual({ ok: false, reason: "bad_signature" });
  });
});
