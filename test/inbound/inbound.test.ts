import { exports } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeKey, received, target, uniqueId, waitFor } from "../helpers";

// Inbound sources: signed webhooks in, verified with the sender's scheme,
// recorded, and forwarded to the application through the delivery pipeline.
// The signatures here are made independently of the relay's code.

const SECRET = "inbound-shared-secret-0123";
const WHSEC = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;
const OLD_WHSEC = `whsec_${btoa("fedcba9876543210fedcba9876543210")}`;
const FORWARD_SECRET = `whsec_${btoa("forward-secret-0123456789abcdef!")}`;

async function hmacHex(hash: "SHA-1" | "SHA-256", secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
  return [...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function cioHeaders(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SECRET) {
  return { "x-cio-timestamp": String(timestamp), "x-cio-signature": await hmacHex("SHA-256", secret, `v0:${timestamp}:${body}`) };
}

function post(account: string, source: string, body: string, headers: Record<string, string>) {
  return exports.default
    .fetch(`http://edgehook.test/v1/inbound/${account}/${source}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
    .then(async (res) => ({ status: res.status, body: await res.json<any>() }));
}

async function source(account: string, id: string, fields: Record<string, unknown>) {
  const res = await api("PUT", `/v1/accounts/${account}/sources/${id}`, fields);
  if (res.status !== 201 && res.status !== 200) throw new Error(`source save failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

const events = async (account: string, id: string, query = "") => (await api("GET", `/v1/accounts/${account}/sources/${id}/events${query}`)).body.events;
const cioEvent = (metric: string, id = "01HX") => JSON.stringify({ event_id: id, object_type: "email", metric, timestamp: 1700000000, data: { customer_id: "42" } });

describe("a Customer.io source", () => {
  it("verifies, records and forwards a reporting webhook with Standard Webhooks headers the application can check", async () => {
    const sink = uniqueId("forward");
    const account = await makeAccount({ signing_secret: FORWARD_SECRET });
    await source(account, "cio", { provider: "customerio", secret: SECRET, forward_url: target(sink) });
    const body = cioEvent("sent");
    const res = await post(account, "cio", body, await cioHeaders(body));
    expect(res).toMatchObject({ status: 200, body: { received: true, duplicate: false, forwarded: true, type: "email_sent" } });

    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    const forwarded = seen.requests[0]!;
    expect(forwarded.body).toBe(body);
    expect(forwarded.headers["x-edgehook-source"]).toBe("cio");
    new Webhook(FORWARD_SECRET).verify(forwarded.body, {
      "webhook-id": forwarded.headers["webhook-id"] as string,
      "webhook-timestamp": forwarded.headers["webhook-timestamp"] as string,
      "webhook-signature": forwarded.headers["webhook-signature"] as string,
    });
    const [logged] = await events(account, "cio");
    expect(logged).toMatchObject({ id: res.body.event_id, status: "accepted", type: "email_sent", body, delivery_id: expect.stringMatching(/^dlv_/) });
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${logged.delivery_id}`)).body).toMatchObject({ kind: "forward", source: "cio" });
  });

  it("refuses a bad signature with 401, recording why and nothing of the body", async () => {
    const account = await makeAccount();
    await source(account, "cio", { provider: "customerio", secret: SECRET });
    const body = cioEvent("sent");
    const res = await post(account, "cio", body, await cioHeaders(body, undefined, "another-secret-entirely"));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    const [logged] = await events(account, "cio");
    expect(logged).toMatchObject({ status: "refused", body: null, type: null });
    expect(logged.reason).toBeTruthy();
  });

  it("refuses a timestamp outside the tolerance with 401", async () => {
    const account = await makeAccount();
    await source(account, "cio", { provider: "customerio", secret: SECRET, tolerance_s: 60 });
    const body = cioEvent("sent");
    const stale = await post(account, "cio", body, await cioHeaders(body, Math.floor(Date.now() / 1000) - 120));
    expect(stale.status).toBe(401);
    expect((await events(account, "cio", "?status=refused"))).toHaveLength(1);
  });

  it("accepts a replayed request once, answers the replay 200 as a duplicate, and forwards once", async () => {
    const sink = uniqueId("replayed");
    const account = await makeAccount();
    await source(account, "cio", { provider: "customerio", secret: SECRET, forward_url: target(sink) });
    const body = cioEvent("opened");
    const headers = await cioHeaders(body);
    const first = await post(account, "cio", body, headers);
    const again = await post(account, "cio", body, headers);
    expect(first.body.duplicate).toBe(false);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, forwarded: false } });
    await waitFor(async () => (await received(sink)).count >= 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await received(sink)).count).toBe(1);
    expect((await events(account, "cio")).map((e: { status: string }) => e.status)).toEqual(["duplicate", "accepted"]);
  });

  it("records but does not forward the types `events` leaves out, and filters the log by type and status", async () => {
    const sink = uniqueId("filtered");
    const account = await makeAccount();
    await source(account, "cio", { provider: "customerio", secret: SECRET, forward_url: target(sink), events: ["email_bounced"] });
    for (const metric of ["sent", "bounced"]) {
      const body = cioEvent(metric, metric);
      expect((await post(account, "cio", body, await cioHeaders(body))).status).toBe(200);
    }
    await waitFor(async () => (await received(sink)).count >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.parse((await received(sink)).requests.map((r) => r.body)[0]!).metric).toBe("bounced");
    expect((await received(sink)).count).toBe(1);
    expect((await events(account, "cio", "?type=email_sent")).map((e: { status: string }) => e.status)).toEqual(["filtered"]);
    expect(await events(account, "cio", "?status=accepted")).toHaveLength(1);
  });

  it("forwards through the pipeline's retries to an application that fails twice, and replays on request", async () => {
    const sink = uniqueId("flakyapp");
    const account = await makeAccount();
    await source(account, "cio", { provider: "customerio", secret: SECRET, forward_url: target(sink, "fail=2&status=503") });
    const body = cioEvent("clicked");
    const res = await post(account, "cio", body, await cioHeaders(body));
    const [logged] = await events(account, "cio");
    const delivery = await deliveryReaches(account, logged.delivery_id, ["sent", "failed"], 20_000);
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts).toHaveLength(3);

    const replay = await api("POST", `/v1/accounts/${account}/sources/cio/events/${res.body.event_id}/replay`);
    expect(replay.status).toBe(202);
    await deliveryReaches(account, replay.body.delivery_id, ["sent"]);
    expect((await received(sink)).requests.map((r) => r.body)).toEqual([body, body, body, body]);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const account = await makeAccount();
    await source(account, "cio", { provider: "customerio", secret: SECRET });
    const body = JSON.stringify({ pad: "x".repeat(1_000_100) });
    const res = await post(account, "cio", body, await cioHeaders(body));
    expect(res.status).toBe(413);
  });
});

describe("a Standard Webhooks source", () => {
  it("verifies with the standardwebhooks package's signatures, including two secrets during a rotation", async () => {
    const account = await makeAccount();
    await source(account, "sw", { provider: "standard-webhooks", secret: WHSEC, previous_secret: OLD_WHSEC });
    for (const [i, secret] of [WHSEC, OLD_WHSEC].entries()) {
      const body = JSON.stringify({ type: "invoice.paid", n: i });
      const id = `msg_${i}`;
      const now = new Date();
      const signature = new Webhook(secret).sign(id, now, body);
      const res = await post(account, "sw", body, { "webhook-id": id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature });
      expect(res.status, secret).toBe(200);
      expect(res.body.type).toBe("invoice.paid");
    }
    const body = JSON.stringify({ type: "invoice.paid" });
    const forged = new Webhook(`whsec_${btoa("not-the-secret-at-all-0123456789")}`).sign("msg_x", new Date(), body);
    const res = await post(account, "sw", body, { "webhook-id": "msg_x", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": forged });
    expect(res.status).toBe(401);
  });

  it("refuses a stale timestamp and answers a replay as a duplicate", async () => {
    const account = await makeAccount();
    await source(account, "sw", { provider: "standard-webhooks", secret: WHSEC });
    const body = JSON.stringify({ type: "x" });
    const old = new Date(Date.now() - 3600_000);
    const stale = await post(account, "sw", body, { "webhook-id": "m1", "webhook-timestamp": String(Math.floor(old.getTime() / 1000)), "webhook-signature": new Webhook(WHSEC).sign("m1", old, body) });
    expect(stale.status).toBe(401);
    const now = new Date();
    const headers = { "webhook-id": "m2", "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(WHSEC).sign("m2", now, body) };
    expect((await post(account, "sw", body, headers)).body.duplicate).toBe(false);
    expect((await post(account, "sw", body, headers)).body.duplicate).toBe(true);
  });
});

describe("an X-Signature source", () => {
  it("verifies hex HMAC-SHA1 of the body, refuses anything else, and answers a replay as a duplicate", async () => {
    const account = await makeAccount();
    await source(account, "pipes", { provider: "x-signature", secret: SECRET });
    const body = JSON.stringify([{ type: "track", event: "Signed Up" }]);
    const signature = await hmacHex("SHA-1", SECRET, body);
    const ok = await post(account, "pipes", body, { "x-signature": signature });
    expect(ok).toMatchObject({ status: 200, body: { type: "batch", duplicate: false } });
    expect((await post(account, "pipes", body, { "x-signature": signature })).body.duplicate).toBe(true);
    expect((await post(account, "pipes", `${body} `, { "x-signature": signature })).status).toBe(401);
    expect((await post(account, "pipes", body, {})).status).toBe(401);
  });
});

describe("sources: configuration and isolation", () => {
  it("never shows a secret, needs one to be created, and refuses an unknown provider", async () => {
    const account = await makeAccount();
    const saved = await source(account, "s1", { provider: "customerio", secret: SECRET });
    expect(JSON.stringify(saved)).not.toContain(SECRET);
    expect(saved).toMatchObject({ provider: "customerio", secret_set: true, tolerance_s: 300, forward_url: null });
    expect((await api("PUT", `/v1/accounts/${account}/sources/s2`, { provider: "customerio" })).status).toBe(400);
    expect((await api("PUT", `/v1/accounts/${account}/sources/s3`, { provider: "nope", secret: SECRET })).status).toBe(400);
  });

  it("a source of account A is neither readable by B's key nor reachable under B's id", async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const { key: keyB } = await makeKey(b);
    await source(a, "cio", { provider: "customerio", secret: SECRET, forward_url: target(uniqueId("a-app")) });
    for (const [method, path] of [
      ["GET", `/v1/accounts/${a}/sources/cio`],
      ["GET", `/v1/accounts/${a}/sources/cio/events`],
      ["PUT", `/v1/accounts/${a}/sources/cio`],
      ["DELETE", `/v1/accounts/${a}/sources/cio`],
    ] as const) {
      expect((await api(method, path, method === "PUT" ? { provider: "customerio", secret: SECRET } : undefined, keyB)).status, `${method} ${path}`).toBe(403);
    }
    const body = cioEvent("sent");
    expect((await post(b, "cio", body, await cioHeaders(body))).status).toBe(404);
    expect(await events(b, "cio")).toEqual([]);
  });
});
