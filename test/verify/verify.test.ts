import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signCustomerIo, verifyCustomerIo, verifyStandardWebhook } from "../../src/verify";

// The receiver-side verifiers, against signatures made elsewhere: vectors
// computed with Node's crypto.createHmac, and the standardwebhooks package.

const CIO_KEY = "cio-signing-key-0123";
const TS = 1795449600;
const AT = new Date(TS * 1000);
const BODY = '{"event_id":"01HX","metric":"sent"}';
const UTF8_BODY = '{"name":"Zoë 😀"}';
// node -e 'crypto.createHmac("sha256", key).update(`v0:${ts}:${body}`).digest("hex")'
const NODE_VECTORS: Array<[string, string]> = [
  [BODY, "c9823cc6f195ba1c83dc83f0cc1a3bb725ba7399ef01a8909184414b933f9dd0"],
  [UTF8_BODY, "99f3c8441694267f516f8870d5c02cf100db1e839393a747959ed12381d4961a"],
];

describe("Customer.io signatures", () => {
  it.each(NODE_VECTORS)("signCustomerIo matches node:crypto for %s", async (body, hex) => {
    expect(await signCustomerIo(CIO_KEY, body, TS)).toEqual({ "X-CIO-Timestamp": String(TS), "X-CIO-Signature": hex });
  });

  it.each(NODE_VECTORS)("verifyCustomerIo accepts node:crypto's signature of %s, as text or bytes", async (body, hex) => {
    const headers = { "X-CIO-Timestamp": String(TS), "X-CIO-Signature": hex };
    expect(await verifyCustomerIo(CIO_KEY, body, headers, { now: AT })).toEqual({ ok: true });
    expect(await verifyCustomerIo(CIO_KEY, new TextEncoder().encode(body), new Headers(headers), { now: AT })).toEqual({ ok: true });
  });

  it.each([
    ["one changed byte of the body", `${BODY} `, {}, "bad_signature"],
    ["another key", BODY, { key: "another-signing-key" }, "bad_signature"],
    ["a signature that is not hex", BODY, { signature: "zz" }, "bad_signature"],
    ["no signature header", BODY, { signature: null }, "missing_header"],
    ["no timestamp", BODY, { timestamp: null }, "missing_header"],
    ["a timestamp 301 s old", BODY, { now: new Date((TS + 301) * 1000) }, "stale"],
    ["a timestamp 301 s ahead", BODY, { now: new Date((TS - 301) * 1000) }, "stale"],
  ] as const)("refuses %s", async (_, body, change, reason) => {
    const opts = change as { key?: string; signature?: string | null; timestamp?: null; now?: Date };
    const headers: Record<string, string> = {};
    if (opts.timestamp !== null) headers["x-cio-timestamp"] = String(TS);
    if (opts.signature !== null) headers["x-cio-signature"] = opts.signature ?? NODE_VECTORS[0]![1];
    expect(await verifyCustomerIo(opts.key ?? CIO_KEY, body, headers, { now: opts.now ?? AT })).toEqual({ ok: false, reason });
  });

  it("accepts a timestamp exactly at the tolerance", async () => {
    const headers = { "x-cio-timestamp": String(TS), "x-cio-signature": NODE_VECTORS[0]![1] };
    expect(await verifyCustomerIo(CIO_KEY, BODY, headers, { now: new Date((TS + 60) * 1000), toleranceSeconds: 60 })).toEqual({ ok: true });
  });
});

describe("Standard Webhooks signatures", () => {
  const secret = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;
  const old = `whsec_${btoa("fedcba9876543210fedcba9876543210")}`;
  const signed = (by: string, at = AT, body = BODY) => ({
    "webhook-id": "msg_1",
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(by).sign("msg_1", at, body),
  });

  it("accepts the standardwebhooks package's signature", async () => {
    expect(await verifyStandardWebhook(secret, BODY, signed(secret), { now: AT })).toEqual({ ok: true });
  });

  it("accepts any of several signatures in the header, and any of several secrets (a rotation)", async () => {
    const both = { ...signed(secret), "webhook-signature": `${signed(old)["webhook-signature"]} ${signed(secret)["webhook-signature"]}` };
    expect(await verifyStandardWebhook(secret, BODY, both, { now: AT })).toEqual({ ok: true });
    expect(await verifyStandardWebhook([secret, old], BODY, signed(old), { now: AT })).toEqual({ ok: true });
  });

  it.each([
    ["a signature under another secret", () => verifyStandardWebhook(secret, BODY, signed(old), { now: AT }), "bad_signature"],
    ["one changed byte of the body", () => verifyStandardWebhook(secret, `${BODY} `, signed(secret), { now: AT }), "bad_signature"],
    ["another message id", () => verifyStandardWebhook(secret, BODY, { ...signed(secret), "webhook-id": "msg_2" }, { now: AT }), "bad_signature"],
    ["a stale timestamp", () => verifyStandardWebhook(secret, BODY, signed(secret), { now: new Date(AT.getTime() + 301_000) }), "stale"],
    ["no signature header", () => verifyStandardWebhook(secret, BODY, { "webhook-id": "msg_1", "webhook-timestamp": String(TS) }, { now: AT }), "missing_header"],
  ] as const)("refuses %s", async (_, check, reason) => {
    expect(await check()).toEqual({ ok: false, reason });
  });
});
