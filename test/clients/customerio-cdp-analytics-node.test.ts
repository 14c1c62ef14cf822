// @customerio/cdp-analytics-node 0.5.x pointed at the relay: Basic auth only,
// a body of just {batch}, and closeAndFlush() (it has no flush()). What it
// posts must reach a destination with every field it sent.
import { Analytics } from "@customerio/cdp-analytics-node";
import { describe, expect, inject, it } from "vitest";
import {
  basicAuth, byMessageId, eventsOf, makeAccountAndKey, makeDestination, settled, uniqueId, waitForEvents,
  type Json, type SentRequest,
} from "./relay";

/** A client aimed at the relay that records each request it builds and each error. It emits no response event. */
function customerioClient(writeKey: string) {
  const analytics = new Analytics({ writeKey, host: inject("relayUrl"), maxEventsInBatch: 1, maxRetries: 0 });
  const sent: SentRequest[] = [];
  const errors: unknown[] = [];
  analytics.on("http_request", (req) => sent.push({ url: req.url, headers: req.headers, body: JSON.parse(req.body) }));
  analytics.on("error", (err) => errors.push(err));
  return { analytics, sent, errors };
}

function trackAndIdentify(analytics: Analytics, userId: string): Promise<unknown[]> {
  return Promise.all([
    settled((done) => analytics.track({ userId, event: "Plan Upgraded", properties: { from: "free", to: "pro", seats: 5 } }, done)),
    settled((done) => analytics.identify({ userId, traits: { email: "grace@example.com", name: "Grace", vip: true } }, done)),
  ]);
}

function expectDeliveredAsSent(delivered: Json[], sentEvents: Json[], userId: string): void {
  expect(delivered).toHaveLength(2);
  for (const event of sentEvents) expect(byMessageId(delivered, event.messageId)).toMatchObject(event);
  // The library reports its own internal version, not the npm package's.
  const library = { name: "@customerio/cdp-analytics-node", version: "1.0.0-beta.22" };
  const [track, identify] = ["track", "identify"].map((type) => sentEvents.find((event) => event.type === type)!);
  expect(byMessageId(delivered, track!.messageId)).toMatchObject({
    type: "track", event: "Plan Upgraded", userId, properties: { from: "free", to: "pro", seats: 5 }, context: { library },
  });
  expect(byMessageId(delivered, identify!.messageId)).toMatchObject({
    type: "identify", userId, traits: { email: "grace@example.com", name: "Grace", vip: true }, context: { library },
  });
  for (const event of delivered) expect(event.messageId).toMatch(/^node-next-\d+-[0-9a-f-]{36}$/);
}

describe("@customerio/cdp-analytics-node 0.5", () => {
  it("delivers a track and an identify, one request per event, and sees success", async () => {
    const { account, writeKey } = await makeAccountAndKey();
    const sinkKey = await makeDestination(account);
    const client = customerioClient(writeKey);
    const userId = uniqueId("user");

    const results = trackAndIdentify(client.analytics, userId);
    await client.analytics.closeAndFlush();

    expect(await results).toEqual([undefined, undefined]);
    expect(client.errors).toEqual([]);
    // What it sent: Basic auth only, and a body of just {batch}.
    expect(client.sent).toHaveLength(2);
    for (const request of client.sent) {
      expect(request.url).toBe(`${inject("relayUrl")}/v1/batch`);
      expect(request.headers.Authorization).toBe(basicAuth(writeKey));
      expect(Object.keys(request.body)).toEqual(["batch"]);
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
    const client = customerioClient(writeKey);
    const userId = uniqueId("user");

    const results = trackAndIdentify(client.analytics, userId);
    await client.analytics.closeAndFlush();

    expect(await results).toEqual([undefined, undefined]);
    expect(client.errors).toEqual([]);

    const requests = await waitForEvents(sinkKey, 2);
    // Normally one array of 2; if the second event comes after the 1 s window, two arrays of 1.
    for (const request of requests) expect(Array.isArray(JSON.parse(request.body))).toBe(true);
    expect(requests.length).toBeLessThanOrEqual(2);
    expectDeliveredAsSent(requests.flatMap(eventsOf), client.sent.flatMap((request) => request.body.batch), userId);
  });
});
