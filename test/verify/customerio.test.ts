import { describe, expect, it } from "vitest";
import { signCustomerIo, verifyCustomerIo } from "../../src/verify";
import { AT, BINARY_BODY, BODY, CIO_KEY, CIO_VECTORS, oneByteChanged, TS } from "./vectors";

const [, , BODY_HEX] = CIO_VECTORS[0]!;
const headers = (signature = BODY_HEX, timestamp = String(TS)) => ({ "x-cio-timestamp": timestamp, "x-cio-signature": signature });
const at = (seconds: number) => new Date(seconds * 1000);

describe("signCustomerIo", () => {
  it.each(CIO_VECTORS)("matches node:crypto for %s", async (_name, body, hex) => {
    expect(await signCustomerIo(CIO_KEY, body, TS)).toEqual({ "X-CIO-Timestamp": String(TS), "X-CIO-Signature": hex });
  });

  it("makes headers verifyCustomerIo accepts", async () => {
    expect(await verifyCustomerIo(CIO_KEY, BODY, new Headers(await signCustomerIo(CIO_KEY, BODY, TS)), { now: AT })).toEqual({ ok: true });
  });
});

describe("verifyCustomerIo accepts", () => {
  it.each(CIO_VECTORS)("node:crypto's signature of %s", async (_name, body, hex) => {
    expect(await verifyCustomerIo(CIO_KEY, body, headers(hex), { now: AT })).toEqual({ ok: true });
  });

  it("the body as text or bytes, the headers as Headers or a record of any case", async () => {
    const sent = { "X-CIO-Timestamp": String(TS), "X-CIO-Signature": BODY_HEX };
    expect(await verifyCustomerIo(CIO_KEY, new TextEncoder().encode(BODY), new Headers(sent), { now: AT })).toEqual({ ok: true });
    expect(await verifyCustomerIo(CIO_KEY, BODY, sent, { now: AT })).toEqual({ ok: true });
  });

  it("the two values passed on their own, the timestamp as a number", async () => {
    expect(await verifyCustomerIo(CIO_KEY, BODY, { signature: BODY_HEX, timestamp: TS }, { now: AT })).toEqual({ ok: true });
    expect(await verifyCustomerIo(CIO_KEY, BODY, { signature: BODY_HEX.toUpperCase(), timestamp: String(TS) }, { now: AT })).toEqual({ ok: true });
  });

  it("a signature under either of two secrets (a rotation)", async () => {
    expect(await verifyCustomerIo(["newer-signing-key-0123", CIO_KEY], BODY, headers(), { now: AT })).toEqual({ ok: true });
  });

  it("a timestamp exactly at the tolerance, either way", async () => {
    expect(await verifyCustomerIo(CIO_KEY, BODY, headers(), { now: at(TS + 60), toleranceSeconds: 60 })).toEqual({ ok: true });
    expect(await verifyCustomerIo(CIO_KEY, BODY, headers(), { now: at(TS - 60), toleranceSeconds: 60 })).toEqual({ ok: true });
  });
});

describe("verifyCustomerIo refuses", () => {
  it.each([
    ["one changed byte of the body", oneByteChanged(BODY), CIO_KEY, headers(), "bad_signature"],
    ["one changed byte of bytes that are not UTF-8", oneByteChanged(BINARY_BODY), CIO_KEY, headers(CIO_VECTORS[2]![2]), "bad_signature"],
    ["bytes that are not UTF-8, decoded to text and signed as that", new TextDecoder().decode(BINARY_BODY), CIO_KEY, headers(CIO_VECTORS[2]![2]), "bad_signature"],
    ["another key", BODY, "another-signing-key", headers(), "bad_signature"],
    ["neither of two other keys", BODY, ["another-signing-key", "a-third-signing-key"], headers(), "bad_signature"],
    ["the signature of another timestamp", BODY, CIO_KEY, headers(BODY_HEX, String(TS + 1)), "bad_signature"],
    ["a signature that is not hex", BODY, CIO_KEY, headers("z".repeat(64)), "bad_signature"],
    ["a truncated signature", BODY, CIO_KEY, headers(BODY_HEX.slice(0, 63)), "bad_signature"],
    ["a prefixed signature", BODY, CIO_KEY, headers(`sha256=${BODY_HEX}`), "bad_signature"],
    ["no signature header", BODY, CIO_KEY, { "x-cio-timestamp": String(TS) }, "missing_header"],
    ["no timestamp header", BODY, CIO_KEY, { "x-cio-signature": BODY_HEX }, "missing_header"],
    ["a timestamp in milliseconds", BODY, CIO_KEY, headers(BODY_HEX, String(TS * 1000)), "bad_timestamp"],
    ["a timestamp that is not a number", BODY, CIO_KEY, headers(BODY_HEX, "yesterday"), "bad_timestamp"],
  ] as const)("%s", async (_name, body, key, sent, reason) => {
    expect(await verifyCustomerIo(key, body, sent, { now: AT })).toEqual({ ok: false, reason });
  });

  it.each([
    ["301 s old", TS + 301],
    ["301 s ahead", TS - 301],
  ])("a timestamp %s", async (_name, now) => {
    expect(await verifyCustomerIo(CIO_KEY, BODY, headers(), { now: at(now) })).toEqual({ ok: false, reason: "stale" });
  });

  it("a timestamp past a shorter tolerance", async () => {
    expect(await verifyCustomerIo(CIO_KEY, BODY, headers(), { now: at(TS + 61), toleranceSeconds: 60 })).toEqual({ ok: false, reason: "stale" });
  });
});
