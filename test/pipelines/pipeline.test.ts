import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm } from "cloudflare:test";
import worker from "../../src/index";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, makeAccount, makeKey, received, target, uniqueId, waitFor } from "../helpers";

// Events in through the tracking API, out through destinations: matching,
// mapping, batching and signing end to end, against the real target server.

const SECRET = "pipeline-shared-secret-0123";

/** Posts to the tracking API with the write key as HTTP Basic, as the analytics libraries do. */
async function track(writeKey: string, path: string, body: unknown) {
  const res = await exports.default.fetch(`http://edgehook.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${writeKey}:`)}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json<any>() };
}

async function destination(account: string, id: string, fields: Record<string, unknown>) {
  const res = await api("PUT", `/v1/accounts/${account}/destinations/${id}`, fields);
  if (res.status !== 201 && res.status !== 200) throw new Error(`destination save failed: ${JSON.stringify(res.body)}`);
}

/** Hex HMAC-SHA1, computed here independently of the relay's code. */
async function hmacSha1Hex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
  return [...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

const event = (i: number, extra: Record<string, unknown> = {}) => ({ type: "track", userId: `u${i}`, event: "Signed Up", messageId: `m-${i}`, properties: { plan: "Startup" }, ...extra });

async function setUp() {
  const account = await makeAccount();
  const { key } = await makeKey(account);
  return { account, key };
}

describe("one request per event", () => {
  it("sends each matching event as its own request, signed over the exact body bytes", async () => {
    const sink = uniqueId("single");
    const { account, key } = await setUp();
    await destination(account, "hook", { url: target(sink), trigger: { types: ["track"], events: ["Signed Up"] }, shared_secret: SECRET });
    expect((await track(key, "/v1/track", event(1))).status).toBe(200);
    expect((await track(key, "/v1/identify", { userId: "u1", traits: { a: 1 } })).status).toBe(200);
    expect((await track(key, "/v1/track", event(2, { event: "Other" }))).status).toBe(200);

    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await received(sink)).count).toBe(1);
    const [request] = seen.requests;
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ type: "track", userId: "u1", event: "Signed Up", messageId: "m-1", properties: { plan: "Startup" } });
    expect(request!.headers["x-signature"]).toBe(await hmacSha1Hex(SECRET, request!.body));

    const listed = await api("GET", `/v1/accounts/${account}/deliveries?destination=hook`);
    expect(listed.body.deliveries).toHaveLength(1);
    expect(listed.body.deliveries[0]).toMatchObject({ kind: "destination", source: "hook", customer_id: null });
  });

  it("delivers a messageId once, however often the client sends it", async () => {
    const sink = uniqueId("dedupe");
    const { account, key } = await setUp();
    await destination(account, "hook", { url: target(sink) });
    for (let i = 0; i < 3; i++) expect((await track(key, "/v1/track", event(7))).status).toBe(200);
    await waitFor(async () => (await received(sink)).count >= 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await received(sink)).count).toBe(1);
  });

  it("sends nothing to a disabled destination, nor to another account's", async () => {
    const sink = uniqueId("disabled");
    const { account, key } = await setUp();
    const other = await setUp();
    await destination(account, "off", { url: target(sink), enabled: false });
    await destination(other.account, "theirs", { url: target(`${sink}-other`) });
    await destination(account, "on", { url: target(`${sink}-on`) });
    expect((await track(key, "/v1/track", event(1))).status).toBe(200);
    await waitFor(async () => (await received(`${sink}-on`)).count >= 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await received(sink)).count).toBe(0);
    expect((await received(`${sink}-other`)).count).toBe(0);
  });
});

describe("batches", () => {
  it("flushes when `size` events are waiting: one request, the JSON array of the mapped events in order", async () => {
    const sink = uniqueId("bysize");
    const { account, key } = await setUp();
    await destination(account, "batched", { url: target(sink), body: '{"user": {{ event.userId | json }}, "plan": {{ event.properties.plan | json }}}', batch: { size: 3, window_ms: 300_000 } });
    expect((await track(key, "/v1/batch", { batch: [event(1), event(2), event(3), event(4)] })).status).toBe(200);
    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    expect(JSON.parse(seen.requests[0]!.body)).toEqual([
      { user: "u1", plan: "Startup" },
      { user: "u2", plan: "Startup" },
      { user: "u3", plan: "Startup" },
    ]);
    // The fourth waits for its window.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await received(sink)).count).toBe(1);
  });

  it("flushes what is waiting when the window ends (the buffer's alarm)", async () => {
    const sink = uniqueId("bywindow");
    const { account, key } = await setUp();
    await destination(account, "windowed", { url: target(sink), batch: { size: 100, window_ms: 300_000 } });
    expect((await track(key, "/v1/batch", { batch: [event(1), event(2)] })).status).toBe(200);
    const buffer = env.BATCH_BUFFER.getByName(`${account}/windowed`);
    await waitFor(async () => (await runDurableObjectAlarm(buffer)) || (await received(sink)).count > 0);
    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    expect(JSON.parse(seen.requests[0]!.body).map((e: { messageId: string }) => e.messageId)).toEqual(["m-1", "m-2"]);
  });

  it("never puts more than 1000 events in one request", async () => {
    const sink = uniqueId("cap");
    const { account, key } = await setUp();
    await destination(account, "big", { url: target(sink), body: "{{ event.messageId | json }}", batch: { size: 1000, window_ms: 300_000 } });
    const events = Array.from({ length: 1200 }, (_, i) => event(i));
    expect((await track(key, "/v1/batch", { batch: events.slice(0, 600) })).status).toBe(200);
    expect((await track(key, "/v1/batch", { batch: events.slice(600) })).status).toBe(200);
    const first = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null), 20_000);
    expect(JSON.parse(first.requests[0]!.body)).toHaveLength(1000);
    await runDurableObjectAlarm(env.BATCH_BUFFER.getByName(`${account}/big`));
    const both = await waitFor(async () => ((await received(sink)).count >= 2 ? received(sink) : null));
    expect(JSON.parse(both.requests[1]!.body)).toHaveLength(200);
  });

  it("a batch to a target that fails twice then succeeds arrives three times byte-identical, with every event, signed over the array", async () => {
    const sink = uniqueId("retrybatch");
    const { account, key } = await setUp();
    await destination(account, "flaky", { url: target(sink, "fail=2&status=503"), shared_secret: SECRET, batch: { size: 5, window_ms: 300_000 } });
    expect((await track(key, "/v1/batch", { batch: [1, 2, 3, 4, 5].map((i) => event(i)) })).status).toBe(200);
    const seen = await waitFor(async () => ((await received(sink)).count >= 3 ? received(sink) : null), 20_000);
    const bodies = seen.requests.map((r) => r.body);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!).map((e: { messageId: string }) => e.messageId)).toEqual(["m-1", "m-2", "m-3", "m-4", "m-5"]);
    expect(seen.requests[2]!.headers["x-signature"]).toBe(await hmacSha1Hex(SECRET, bodies[0]!));
    const [delivery] = (await api("GET", `/v1/accounts/${account}/deliveries?destination=flaky`)).body.deliveries;
    expect(delivery).toMatchObject({ kind: "destination", status: "sent" });
    expect(delivery.attempts).toHaveLength(3);
  });

  it("signature: first_event signs JSON.stringify of the first mapped event, as Segment's webhook action does", async () => {
    const sink = uniqueId("firstevent");
    const { account, key } = await setUp();
    await destination(account, "segment-style", { url: target(sink), shared_secret: SECRET, signature: "first_event", batch: { size: 2, window_ms: 300_000 } });
    expect((await track(key, "/v1/batch", { batch: [event(1), event(2)] })).status).toBe(200);
    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    const [first] = JSON.parse(seen.requests[0]!.body);
    expect(seen.requests[0]!.headers["x-signature"]).toBe(await hmacSha1Hex(SECRET, JSON.stringify(first)));
    expect(seen.requests[0]!.headers["x-signature"]).not.toBe(await hmacSha1Hex(SECRET, seen.requests[0]!.body));
  });

  it("buffers a messageId once: a client's retry adds nothing to the batch", async () => {
    const sink = uniqueId("batchdedupe");
    const { account, key } = await setUp();
    await destination(account, "once", { url: target(sink), batch: { size: 3, window_ms: 300_000 } });
    expect((await track(key, "/v1/batch", { batch: [event(1), event(2)] })).status).toBe(200);
    expect((await track(key, "/v1/batch", { batch: [event(1), event(2), event(3)] })).status).toBe(200);
    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    expect(JSON.parse(seen.requests[0]!.body).map((e: { messageId: string }) => e.messageId)).toEqual(["m-1", "m-2", "m-3"]);
  });
});

describe("the events consumer", () => {
  it("records an event its destination's template cannot map as a failed delivery saying why, and sends the rest", async () => {
    const sink = uniqueId("unmappable");
    const { account, key } = await setUp();
    await destination(account, "strict", { url: target(sink), body: "{{ event.properties.plan | divided_by: 0 }}" });
    await destination(account, "plain", { url: target(`${sink}-plain`) });
    expect((await track(key, "/v1/track", event(1))).status).toBe(200);
    const failed = await waitFor(async () => {
      const [delivery] = (await api("GET", `/v1/accounts/${account}/deliveries?destination=strict`)).body.deliveries;
      return delivery?.status === "failed" ? delivery : null;
    });
    expect(failed.error).toMatch(/^could not map the event: body: /);
    expect(failed.attempts).toEqual([]);
    await waitFor(async () => (await received(`${sink}-plain`)).count === 1);
    expect((await received(sink)).count).toBe(0);
  });

  it("takes events from the dead-letter queue the same way, and acks them once routed", async () => {
    const sink = uniqueId("eventsdlq");
    const { account } = await setUp();
    await destination(account, "late", { url: target(sink) });
    const batch = createMessageBatch("edgehook-events-dlq", [
      { id: "dead-1", timestamp: new Date(), attempts: 11, body: { v: 1, account, events: [{ ...event(1), timestamp: "2026-01-01T00:00:00Z", receivedAt: "2026-01-01T00:00:00Z" }] } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead-1"]);
    const seen = await waitFor(async () => ((await received(sink)).count >= 1 ? received(sink) : null));
    expect(JSON.parse(seen.requests[0]!.body).messageId).toBe("m-1");
  });
});
