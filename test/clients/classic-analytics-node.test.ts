// The classic analytics-node 6.x (axios) pointed at the relay: Basic auth, a
// body of {batch, timestamp, sentAt}, `host + path` joined as strings. What it
// posts must reach a destination with every field it sent.
import Analytics from "analytics-node";
import { describe, expect, inject, it } from "vitest";
import { byMessageId, eventsOf, makeAccountAndKey, makeDestination, settled, uniqueId, waitForEvents, type Json } from "./relay";

/**
 * A client aimed at the relay. It flushes its very first event at once whatever
 * flushAt says, and flush() does not wait for a request already in flight, so
 * the per-call callbacks (which receive the posted body) are what tell success.
 */
function classicClient(writeKey: string) {
  const errors: unknown[] = [];
  const analytics = new Analytics(writeKey, {
    host: inject("relayUrl"),
    flushAt: 1,
    retryCount: 0, // its retries are axios-retry's; 0 turns them off
    errorHandler: (err) => errors.push(err), // without it a failed automatic flush is an unhandled rejection
    axiosConfig: { proxy: false }, // axios 0.27 honours http_proxy even for 127.0.0.1
  });
  return { analytics, errors };
}

interface Outcome {
  err: unknown;
  sent: Analytics.Data;
}

function call(send: (callback: Analytics.Callback) => void): Promise<Outcome> {
  return new Promise((resolve) => send((err, data) => resolve({ err, sent: JSON.parse(JSON.stringify(data)) })));
}

function trackAndIdentify(analytics: Analytics, userId: string): Promise<Outcome[]> {
  return Promise.all([
    call((done) => analytics.track({ userId, event: "Signed Up", properties: { referrer: "newsletter", trial_days: 14 } }, done)),
    call((done) => analytics.identify({ userId, traits: { email: "linus@example.com", company: { name: "Acme" } } }, done)),
  ]);
}

function expectDeliveredAsSent(delivered: Json[], sentEvents: Json[], userId: string): void {
  expect(delivered).toHaveLength(2);
  for (const event of sentEvents) expect(byMessageId(delivered, event.messageId)).toMatchObject(event);
  const library = { name: "analytics-node", version: "6.2.0" };
  const [track, identify] = ["track", "identify"].map((type) => sentEvents.find((event) => event.type === type)!);
  expect(byMessageId(delivered, track!.messageId)).toMatchObject({
    type: "track", event: "Signed Up", userId, properties: { referrer: "newsletter", trial_days: 14 }, context: { library },
  });
  expect(byMessageId(delivered, identify!.messageId)).toMatchObject({
    type: "identify", userId, traits: { email: "linus@example.com", company: { name: "Acme" } }, context: { library },
  });
  // node-<md5 of the message>-<uuid v4>
  for (const event of delivered) expect(event.messageId).toMatch(/^node-[0-9a-f]{32}-[0-9a-f-]{36}$/);
}

describe("analytics-node 6 (classic)", () => {
  it("delivers a track and an identify, one request per event, and sees success", async () => {
    const { account, writeKey } = await makeAccountAndKey();
    const sinkKey = await makeDestination(account);
    const client = classicClient(writeKey);
    const userId = uniqueId("user");

    const outcomes = trackAndIdentify(client.analytics, userId);
    await client.analytics.flush();
    const [track, identify] = await outcomes;

    expect([track!.err, identify!.err]).toEqual([undefined, undefined]);
    expect(client.errors).toEqual([]);
    // Each callback got the body it posted: one event each, with a batch-level timestamp and sentAt.
    for (const { sent } of [track!, identify!]) {
      expect(sent).toMatchObject({ timestamp: expect.any(String), sentAt: expect.any(String) });
      expect(sent.batch).toHaveLength(1);
    }

    const requests = await waitForEvents(sinkKey, 2);
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(Array.isArray(JSON.parse(request.body))).toBe(false);
    expectDeliveredAsSent(requests.flatMap(eventsOf), [...track!.sent.batch, ...identify!.sent.batch], userId);
  });

  it("delivers both events as a JSON array to a batching destination (size 2)", async () => {
    const { account, writeKey } = await makeAccountAndKey();
    const sinkKey = await makeDestination(account, { batch: { size: 2, window_ms: 1000 } });
    const client = classicClient(writeKey);
    const userId = uniqueId("user");

    const outcomes = trackAndIdentify(client.analytics, userId);
    await client.analytics.flush();
    const [track, identify] = await outcomes;

    expect([track!.err, identify!.err]).toEqual([undefined, undefined]);
    expect(client.errors).toEqual([]);

    const requests = await waitForEvents(sinkKey, 2);
    // Normally one array of 2; if the second event comes after the 1 s window, two arrays of 1.
    for (const request of requests) expect(Array.isArray(JSON.parse(request.body))).toBe(true);
    expect(requests.length).toBeLessThanOrEqual(2);
    expectDeliveredAsSent(requests.flatMap(eventsOf), [...track!.sent.batch, ...identify!.sent.batch], userId);
  });
});
