import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { standardWebhookHeaders } from "../../src/delivery/standard-webhooks";
import { verifyStandardWebhook } from "../../src/verify";
import { AT, BINARY_BODY, BODY, oneByteChanged, SW_OLD_SECRET, SW_RAW_KEY, SW_SECRET, SW_VECTORS, TS } from "./vectors";

/** Headers as the standardwebhooks package signs them. */
const signed = (secret: string, at = AT, body = BODY, id = "msg_1") => ({
  "webhook-id": id,
  "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
  "webhook-signature": new Webhook(secret).sign(id, at, body),
});
const withSignature = (signature: string) => ({ "webhook-id": "msg_1", "webhook-timestamp": String(TS), "webhook-signature": signature });

describe("verifyStandardWebhook accepts", () => {
  it("the standardwebhooks package's signature, the body as text or bytes, the headers as a record or Headers", async () => {
    expect(await verifyStandardWebhook(SW_SECRET, BODY, signed(SW_SECRET), { now: AT })).toEqual({ ok: true });
    expect(await verifyStandardWebhook(SW_SECRET, new TextEncoder().encode(BODY), new Headers(signed(SW_SECRET)), { now: AT })).toEqual({ ok: true });
  });

  it.each(SW_VECTORS)("node:crypto's signature of %s", async (_name, body, base64) => {
    expect(await verifyStandardWebhook(SW_SECRET, body, withSignature(`v1,${base64}`), { now: AT })).toEqual({ ok: true });
  });

  it("any of several signatures in the header, skipping other versions", async () => {
    const both = `v1a,c29tZXRoaW5nIGVsc2U= ${signed(SW_OLD_SECRET)["webhook-signature"]} ${signed(SW_SECRET)["webhook-signature"]}`;
    expect(await verifyStandardWebhook(SW_SECRET, BODY, withSignature(both), { now: AT })).toEqual({ ok: true });
    expect(await verifyStandardWebhook(SW_OLD_SECRET, BODY, withSignature(both), { now: AT })).toEqual({ ok: true });
  });

  it("a signature under any of several secrets (a rotation), with or without the whsec_ prefix", async () => {
    expect(await verifyStandardWebhook([SW_SECRET, SW_OLD_SECRET], BODY, signed(SW_OLD_SECRET), { now: AT })).toEqual({ ok: true });
    expect(await verifyStandardWebhook([SW_OLD_SECRET, btoa(SW_RAW_KEY)], BODY, signed(SW_SECRET), { now: AT })).toEqual({ ok: true });
  });

  it("what edgehook's own deliveries carry, signed by the new and the previous secret", async () => {
    const sent = await standardWebhookHeaders("dlv_1", BODY, [SW_SECRET, SW_OLD_SECRET], AT);
    expect(await verifyStandardWebhook(SW_SECRET, BODY, sent, { now: AT })).toEqual({ ok: true });
    expect(await verifyStandardWebhook(SW_OLD_SECRET, BODY, sent, { now: AT })).toEqual({ ok: true });
  });

  it("a timestamp exactly at the tolerance", async () => {
    expect(await verifyStandardWebhook(SW_SECRET, BODY, signed(SW_SECRET), { now: new Date(AT.getTime() + 300_000) })).toEqual({ ok: true });
  });
});

describe("verifyStandardWebhook refuses", () => {
  it.each([
    ["a signature under another secret", SW_SECRET, BODY, signed(SW_OLD_SECRET)],
    ["two signatures under neither of two secrets", [SW_SECRET, SW_OLD_SECRET], BODY, signed(`whsec_${btoa("x".repeat(32))}`)],
    ["one changed byte of the body", SW_SECRET, oneByteChanged(BODY), signed(SW_SECRET)],
    ["one changed byte of bytes that are not UTF-8", SW_SECRET, oneByteChanged(BINARY_BODY), withSignature(`v1,${SW_VECTORS[1]![2]}`)],
    ["bytes that are not UTF-8, decoded to text and signed as that", SW_SECRET, new TextDecoder().decode(BINARY_BODY), withSignature(`v1,${SW_VECTORS[1]![2]}`)],
    ["another message id", SW_SECRET, BODY, { ...signed(SW_SECRET), "webhook-id": "msg_2" }],
    ["another timestamp", SW_SECRET, BODY, { ...signed(SW_SECRET), "webhook-timestamp": String(TS + 1) }],
    ["a signature of another version only", SW_SECRET, BODY, withSignature(signed(SW_SECRET)["webhook-signature"].replace("v1,", "v2,"))],
    ["a signature that is not base64", SW_SECRET, BODY, withSignature("v1,!!!")],
    ["a secret that is not base64", "whsec_!!!", BODY, signed(SW_SECRET)],
  ] as const)("%s", async (_name, secrets, body, sent) => {
    expect(await verifyStandardWebhook(secrets, body, sent, { now: AT })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["webhook-signature", "missing_header"],
    ["webhook-id", "missing_header"],
    ["webhook-timestamp", "missing_header"],
  ] as const)("a request without %s", async (name, reason) => {
    const sent: Record<string, string> = signed(SW_SECRET);
    delete sent[name];
    expect(await verifyStandardWebhook(SW_SECRET, BODY, sent, { now: AT })).toEqual({ ok: false, reason });
  });

  it("a timestamp that is not Unix seconds", async () => {
    const sent = { ...signed(SW_SECRET), "webhook-timestamp": AT.toISOString() };
    expect(await verifyStandardWebhook(SW_SECRET, BODY, sent, { now: AT })).toEqual({ ok: false, reason: "bad_timestamp" });
  });

  it.each([
    ["301 s old", AT.getTime() + 301_000],
    ["301 s ahead", AT.getTime() - 301_000],
  ])("a timestamp %s", async (_name, now) => {
    expect(await verifyStandardWebhook(SW_SECRET, BODY, signed(SW_SECRET), { now: new Date(now) })).toEqual({ ok: false, reason: "stale" });
  });
});
