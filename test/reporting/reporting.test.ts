import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { newDeliveryId } from "../../src/delivery/message";
import worker from "../../src/index";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { jobTo, logOf } from "../fixtures/limiter";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, makeKey, received, target, uniqueId, waitFor } from "../helpers";

// Reporting webhooks: every delivery outcome of an account is POSTed to its
// reporting URL in Customer.io's shape, signed X-CIO-Signature.

const SECRET = "reporting-secret-0123456789";

/** Hex HMAC-SHA256 of `v0:{timestamp}:{body}`, computed here independently of the relay. */
async function cioSignature(timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`v0:${timestamp}:${body}`)));
  return [...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function reportingAccount(reportingKey: string, query = "", events?: string[]) {
  return makeAccount({ reporting: { url: target(reportingKey, query), secret: SECRET, ...(events ? { events } : {}) } });
}

/** The reports that arrived, each checked against its signature, in arrival order. */
async function reportsAt(key: string, count: number) {
  const seen = await waitFor(async () => {
    const got = await received(key);
    return got.count >= count ? got : null;
  });
  return Promise.all(
    seen.requests.map(async (request) => {
      const timestamp = request.headers["x-cio-timestamp"]!;
      expect(request.headers["x-cio-signature"]).toBe(await cioSignature(timestamp, request.body));
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
      return JSON.parse(request.body);
    }),
  );
}

describe("reporting webhooks", () => {
  it("reports webhook_attempted for a failed attempt and webhook_sent for the 2xx, signed, in Customer.io's shape", async () => {
    const sink = uniqueId("sent");
    const reports = uniqueId("reports");
    const account = await reportingAccount(reports);
    await makeAction(account, { url: target(sink, "fail=1&status=503") }, "lead");
    const res = await api("POST", `/v1/accounts/${account}/actions/lead/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, res.body.delivery_id, ["sent"]);

    const [attempted, sent] = await reportsAt(reports, 2);
    const host = new URL(target(sink)).host;
    expect(attempted).toEqual({
      event_id: `${res.body.delivery_id}.1.attempted`,
      object_type: "webhook",
      metric: "attempted",
      timestamp: expect.any(Number),
      data: { delivery_id: res.body.delivery_id, action_id: "lead", customer_id: "c1", attempt: 1, status: 503, error: "receiver answered 503", recipient: host },
    });
    expect(sent).toMatchObject({ metric: "sent", data: { delivery_id: res.body.delivery_id, action_id: "lead", attempt: 2, status: 200, recipient: host } });
    expect(sent.data.error).toBeUndefined();
  });

  it("reports webhook_failed for a final failure, with the error", async () => {
    const reports = uniqueId("failed");
    const account = await reportingAccount(reports);
    await makeAction(account, { url: target(uniqueId("gone"), "status=404") });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, res.body.delivery_id, ["failed"]);
    const [failed] = await reportsAt(reports, 1);
    expect(failed).toMatchObject({ metric: "failed", data: { delivery_id: res.body.delivery_id, attempt: 1, status: 404, error: "receiver answered 404" } });
  });

  it("sends only the metrics `events` names", async () => {
    const reports = uniqueId("filtered");
    const account = await reportingAccount(reports, "", ["webhook_failed"]);
    await makeAction(account, { url: target(uniqueId("ok"), "fail=1&status=503") }, "ok");
    await makeAction(account, { url: target(uniqueId("bad"), "status=400") }, "bad");
    const ok = await api("POST", `/v1/accounts/${account}/actions/ok/trigger`, { customer: { id: "c1" } });
    const bad = await api("POST", `/v1/accounts/${account}/actions/bad/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, ok.body.delivery_id, ["sent"]);
    await deliveryReaches(account, bad.body.delivery_id, ["failed"]);
    const reported = await reportsAt(reports, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await received(reports)).count).toBe(1);
    expect(reported[0]).toMatchObject({ metric: "failed", data: { delivery_id: bad.body.delivery_id } });
  });

  it("reports a destination's deliveries too (attempted, then sent), naming the destination", async () => {
    const reports = uniqueId("dest");
    const account = await reportingAccount(reports);
    const { key } = await makeKey(account);
    await api("PUT", `/v1/accounts/${account}/destinations/crm`, { url: target(uniqueId("crm"), "fail=1&status=500") });
    const res = await exports.default.fetch("http://edgehook.test/v1/track", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${key}:`)}` },
      body: JSON.stringify({ userId: "u1", event: "Signed Up", messageId: "m-1" }),
    });
    expect(res.status).toBe(200);
    const [attempted, sent] = await reportsAt(reports, 2);
    expect(attempted).toMatchObject({ metric: "attempted", data: { destination_id: "crm", customer_id: null, attempt: 1, status: 500 } });
    expect(sent).toMatchObject({ metric: "sent", data: { destination_id: "crm", customer_id: null, attempt: 2, status: 200 } });
  });

  it("reports webhook_failed for a destination's final failure", async () => {
    const reports = uniqueId("destfail");
    const account = await reportingAccount(reports);
    const { key } = await makeKey(account);
    await api("PUT", `/v1/accounts/${account}/destinations/crm`, { url: target(uniqueId("crm-gone"), "status=410") });
    const res = await exports.default.fetch("http://edgehook.test/v1/track", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${key}:`)}` },
      body: JSON.stringify({ userId: "u1", event: "Signed Up", messageId: "m-2" }),
    });
    expect(res.status).toBe(200);
    const [failed] = await reportsAt(reports, 1);
    expect(failed).toMatchObject({ metric: "failed", data: { destination_id: "crm", attempt: 1, status: 410, error: "receiver answered 410" } });
  });

  it("a reporting target that fails, then succeeds, gets each event once, and nothing is reported about the reports", async () => {
    const reports = uniqueId("flaky");
    const account = await reportingAccount(reports, "fail=1&status=503");
    await makeAction(account, { url: target(uniqueId("fine")) });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    const seen = await waitFor(async () => ((await received(reports)).count >= 2 ? received(reports) : null));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const bodies = (await received(reports)).requests.map((request) => JSON.parse(request.body));
    // The same report twice (the 503, then the 200), and no report about the reporting delivery's own retry.
    expect(bodies).toHaveLength(2);
    expect(bodies.map((body) => body.event_id)).toEqual([`${res.body.delivery_id}.1.sent`, `${res.body.delivery_id}.1.sent`]);
    expect(seen.requests[0]!.body).toBe(seen.requests[1]!.body);
    const reportingDeliveries = (await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries.filter((d: { kind: string }) => d.kind === "reporting");
    expect(reportingDeliveries).toHaveLength(1);
    expect(reportingDeliveries[0]).toMatchObject({ source: res.body.delivery_id, status: "sent" });
  });

  it("reports webhook_failed for a dead-lettered delivery", async () => {
    const reports = uniqueId("deadletter");
    const account = await reportingAccount(reports);
    const limiter = `account:${account}`;
    const deliveryId = await runInDurableObject(env.ACCOUNT_LIMITER.getByName(limiter) as DurableObjectStub<AccountLimiter>, async (instance) => {
      const id = newDeliveryId();
      logOf(instance).insert(id, jobTo(account, target(uniqueId("never"))), Date.now(), {});
      return id;
    });
    const batch = createMessageBatch("edgehook-deliveries-dlq", [{ id: "d1", timestamp: new Date(), attempts: 6, body: { v: 1, limiter, account, delivery_id: deliveryId } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d1"]);
    const [failed] = await reportsAt(reports, 1);
    expect(failed).toMatchObject({ metric: "failed", data: { delivery_id: deliveryId, attempt: 0, error: expect.stringMatching(/^dead-lettered/) } });
  });

  it("reports nothing for a dead letter whose delivery was already sent", async () => {
    const reports = uniqueId("deadletter-sent");
    const account = await reportingAccount(reports);
    const limiter = `account:${account}`;
    const deliveryId = await runInDurableObject(env.ACCOUNT_LIMITER.getByName(limiter) as DurableObjectStub<AccountLimiter>, async (instance) => {
      const id = newDeliveryId();
      logOf(instance).insert(id, jobTo(account, target(uniqueId("never"))), Date.now(), {});
      logOf(instance).recordAttempt(id, { at: new Date().toISOString(), status: 200, duration_ms: 5 }, { status: "sent" }, Date.now());
      return id;
    });
    const batch = createMessageBatch("edgehook-deliveries-dlq", [{ id: "d2", timestamp: new Date(), attempts: 6, body: { v: 2, limiter, deliveries: [{ account, id: deliveryId }] } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d2"]);
    // markFailed has returned: a report would already be a delivery of kind reporting in the log.
    const deliveries = (await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries as Array<{ id: string; kind: string; status: string }>;
    expect(deliveries.filter((d) => d.kind === "reporting")).toEqual([]);
    expect(deliveries.find((d) => d.id === deliveryId)?.status).toBe("sent");
  });
});
