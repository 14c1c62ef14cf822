import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
// The package's own subpath export, resolved as an application would (built by `npm run build:verify`).
import { signCustomerIo, verifyCustomerIo, verifyStandardWebhook, verifyXSignature } from "edgehook/verify";
import { Webhook } from "standardwebhooks";

describe("edgehook/verify, imported in Node", () => {
  it("checks signatures made by node:crypto and the standardwebhooks package", async () => {
    const body = '{"metric":"sent"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const cio = createHmac("sha256", "cio-key-0123456789").update(`v0:${timestamp}:${body}`).digest("hex");
    expect(await verifyCustomerIo("cio-key-0123456789", body, { "x-cio-timestamp": String(timestamp), "x-cio-signature": cio })).toEqual({ ok: true });
    expect((await signCustomerIo("cio-key-0123456789", body, timestamp))["X-CIO-Signature"]).toBe(cio);
    // Node's Web Crypto has no timingSafeEqual: these go through the byte loop.
    const forged = `${cio.slice(0, -1)}${cio.endsWith("0") ? "1" : "0"}`;
    expect(await verifyCustomerIo("cio-key-0123456789", body, { "x-cio-timestamp": String(timestamp), "x-cio-signature": forged })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyCustomerIo("cio-key-0123456789", body, { signature: cio, timestamp }, { now: new Date((timestamp + 301) * 1000) })).toEqual({ ok: false, reason: "stale" });

    const xsig = createHmac("sha1", "shared-secret-0123").update(body).digest("hex");
    expect(await verifyXSignature("shared-secret-0123", Buffer.from(body), { "x-signature": xsig })).toEqual({ ok: true });
    expect(await verifyXSignature("shared-secret-0123", Buffer.from(`${body} `), xsig)).toEqual({ ok: false, reason: "bad_signature" });

    const secret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
    const now = new Date();
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign("msg_1", now, body) };
    expect(await verifyStandardWebhook(secret, body, headers)).toEqual({ ok: true });
  });
});
