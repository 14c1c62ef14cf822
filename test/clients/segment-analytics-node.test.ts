// @segment/analytics-node 3.1.x pointed at the relay: what it posts to
// /v1/batch (Basic auth and writeKey in the body) must reach a destination
// with every field it sent, and the library must see success.
import { Analytics } from "@segment/analytics-node";
import { describe, expect, inject, it } from "vitest";
import {
  basicAuth, byMessageId, eventsOf, makeAccountAndKey, makeDestination, settled, uniqueId, waitForEvents,
  type Json, type SentRequest,
} from "./relay";

/** A client aimed at the relay that records each request it builds, each response status and each error. */
function segmentClient(writeKey: string) {
  const analytics = new Analytics({ writeKey, host: inject("relayUrl"), flushAt: 1, maxRetries: 0 });
  const sent: SentRequest[] = [];
  const statuses: number[] = [];
  const errors: unknown[] = [];
  analytics.on("http_request", (req) => sent.push({ url: req.url, headers: req.headers, body: JSON.parse(req.body) }));
  analytics.on("http_response", (res) => statuses.push(res.status));
  analytics.on("error", (err) => errors.push(err));
  return { analytics, sent, statuses, errors };
}

/** A track and an identify with properties and traits; resolves to each call's callback error. */
function trackAndIdentify(analytics: Analytics, userId: string): Promise<unknown[]> {
  return Promise.all([
    settled((done) => analytics.track({ userId, event: "Order Completed", properties: { order_id: "o-1", revenue: 42.5, items: [{ sku: "a-1", qty: 2 }] } }, done)),
    settled((done) => analytics.identify({ userId, traits: { email: "ada@example.com", plan: "pro", logins: 3 } }, done)),
  ]);
}

function expectDeliveredAsSent(delivered: Json[], sentEvents: Json[], userId: string): void {
  expect(delivered).toHaveLength(2);
  for (const event of sentEvents) expect(byMessageId(delivered, event.messageId)).toMatchObject(event);
  const library = { name: "@segment/analytics-node", version: "3.1.0" };
  const [track, identify] = ["track", "identify"].map((type) => sentEvents.find((event) => event.type === type)!);
  expect(byMessageId(delivered, track!.messageId)).toMatchObject({
    type: "track", event: "Order Completed", userId,
    properties: { order_id: "o-1", revenue: 42.5, items: [{ sku: "a-1", qty: 2 }] },
    context: { library },
  });
  expect(byMessageId(delivered, identify!.messageId)).toMatchObject({
    type: "identify", userId, traits: { email: "ada@example.com", plan: "pro", logins: 3 }, context: { library },
  });
  for (const event of delivered) expect(event.messageId).toMatch(/^node-next-\d+-[0-9a-f-]{36}$/);
}

describe("@segment/analytics-node 3.1", () => {
  it("delivers a track and an identify, one request per event, and sees success", async () => {
    const { account, writeKey } = await makeAccountAndKey();
    const sinkKey = await makeDestination(account);
    const client = segmentClient(writeKey);
    const userId = uniqueId("user");

    const results = trackAndIdentify(client.analytics, userId);
    await client.analytics.flush();

    expect(await results).toEqual([undefined, undefined]);
    expect(client.errors).toEqual([]);
    expect(client.statuses).toEqual([200, 200]);
    // What it sent: Basic auth and the write key in the body, to <host>/v1/batch.
    expect(client.sent).toHaveLength(2);
    for (const request of client.sent) {
      expect(request.url).toBe(`${inject("relayUrl")}/v1/batch`);
      expect(request.headers.Authorization).toBe(basicAuth(writeKey));
      expect(request.body).toMatchObject({ writeKey, sentAt: expect.any(String) });
      expect(request.body.batch).toHaveLength(1);
    }

    const requests = await waitForEvents(sinkKey, 2);
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(Array.isArray(JSON.parse(request.body))).toBe(false);
    expectDeliveredAsSent(requests.flatMap(eventsOf), client.sent.flatMap((request) => request.body.batch), userId);
  });

  it("delivers both events as a JSON array to a batching destination (size 2)", async () => {
    const { account, writeKey } = await makeAccountAndKey();
    const sinkKey = await makeDestination(account, { batch: { size: 2, window_ms: 1000 } });
    const client = segmentClient(writeKey);
    const userId = uniqueId("user");

    const results = trackAndIdentify(client.analytics, userId);
    await client.analytics.closeAndFlush();

    expect(await results).toEqual([undefined, undefined]);
    expect(client.errors).toEqual([]);
    expect(client.statuses).toEqual([200, 200]);

    const requests = await waitForEvents(sinkKey, 2);
    // Normally one array of 2 (the size is reached); if the second event comes after the 1 s window, two arrays of 1.
    for (const request of requests) expect(Array.isArray(JSON.parse(request.body))).toBe(true);
    expect(requests.length).toBeLessThanOrEqual(2);
    expectDeliveredAsSent(requests.flatMap(eventsOf), client.sent.flatMap((request) => request.body.batch), userId);
  });
});
