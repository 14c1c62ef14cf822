import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { QUEUE_LIMITS } from "../../src/pipelines/event-chunks";
import { basic, post, watchQueue, writeKeyOfNewAccount } from "./tracking-client";

// Segment's limits (32 KB per event, 500 KB per request, 2,500 events per
// batch), each a 400 that says which, with nothing of the request kept; and
// what a 200 promises when the queue fails.

let account: string;
let key: string;
beforeAll(async () => {
  ({ account, key } = await writeKeyOfNewAccount());
});

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/** A complete track event (nothing left to fill) whose JSON is exactly `size` bytes. */
function eventOfSize(size: number, i = 0) {
  const base = { type: "track", userId: `u${i}`, event: "E", messageId: `m-${i}`, timestamp: "2024-01-01T00:00:00.000Z", receivedAt: "2024-01-01T00:00:00.000Z", properties: { pad: "" } };
  const event = { ...base, properties: { pad: "x".repeat(size - bytes(base)) } };
  expect(bytes(event)).toBe(size);
  return event;
}

/** A /v1/batch body padded with whitespace to exactly `size` bytes. */
function batchBodyOfSize(size: number) {
  const json = JSON.stringify({ batch: [{ type: "identify", userId: "u1" }] });
  return json.slice(0, -1) + " ".repeat(size - json.length) + "}";
}

describe("32 KB per event", () => {
  it("an event of exactly 32,768 bytes is accepted; one byte more is a 400, alone or in a batch", async () => {
    const queue = watchQueue();
    expect((await post("/v1/track", eventOfSize(32_768), { key })).status).toBe(200);
    const single = await post("/v1/track", eventOfSize(32_769), { key });
    expect(single.status).toBe(400);
    expect(single.body.error.message).toBe("body: the event is 32769 bytes as JSON; the limit is 32768 (32 KB) per event");
    const batch = await post("/v1/batch", { batch: [eventOfSize(500, 0), eventOfSize(32_769, 1)] }, { key });
    expect(batch.status).toBe(400);
    expect(batch.body.error.message).toMatch(/^batch\.1: the event is 32769 bytes/);
    expect(queue.eventsOf(account)).toHaveLength(1);
  });

  it("counts the event as queued, with the batch context merged in", async () => {
    const queue = watchQueue();
    const res = await post("/v1/batch", { context: { note: "y".repeat(2_000) }, batch: [eventOfSize(1_000, 0), eventOfSize(31_000, 1)] }, { key });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^batch\.1: the event is 330\d\d bytes as JSON/);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });
});

describe("500 KB per request", () => {
  it("a body of exactly 512,000 bytes is accepted; one byte more is a 400", async () => {
    expect((await post("/v1/batch", batchBodyOfSize(512_000), { key })).status).toBe(200);
    const over = await post("/v1/batch", batchBodyOfSize(512_001), { key });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe("body: 512001 bytes; the request size limit is 512000 bytes (500 KB)");
  });

  // workerd logs "Network connection lost" for this one: it is this test's
  // own upload, aborted when the Worker stops reading. That is the point.
  it("a body streamed without a Content-Length is cut off once past the limit", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit is on offer; only a little past it may be read.
        if (sent++ < 1_000) controller.enqueue(chunk);
        else controller.close();
      },
      cancel() {},
    });
    const res = await exports.default.fetch("http://edgehook.test/v1/batch", { method: "POST", headers: { authorization: basic(key) }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/^body: more than 512000 bytes; the request size limit/);
    expect(sent).toBeLessThan(100);
  });
});

describe("2,500 events per batch", () => {
  const small = (i: number) => ({ type: "identify", userId: `u${i}` });

  it("2,500 events are accepted and all queued, split within the Queues limits", async () => {
    const queue = watchQueue();
    const res = await post("/v1/batch", { batch: Array.from({ length: 2_500 }, (_, i) => small(i)) }, { key });
    expect(res.status).toBe(200);
    expect(queue.eventsOf(account).map((e) => e.userId)).toEqual(Array.from({ length: 2_500 }, (_, i) => `u${i}`));
    expect(queue.sendBatch.mock.calls.length).toBeGreaterThan(1);
    for (const [messages] of queue.sendBatch.mock.calls) {
      const list = [...messages];
      expect(list.length).toBeLessThanOrEqual(100);
      for (const m of list) expect(m.contentType).toBe("text");
      expect(list.reduce((sum, m) => sum + new TextEncoder().encode(m.body as string).byteLength + QUEUE_LIMITS.metadataBytes, 0)).toBeLessThanOrEqual(QUEUE_LIMITS.sendBatchBytes);
    }
  });

  it("2,501 events are a 400 saying so, and none is queued", async () => {
    const queue = watchQueue();
    const res = await post("/v1/batch", { batch: Array.from({ length: 2_501 }, (_, i) => small(i)) }, { key });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("batch: 2501 events; the limit is 2500 per request");
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it("a batch context multiplied over many items is bounded by the queued-bytes limit", async () => {
    const queue = watchQueue();
    const res = await post("/v1/batch", { context: { note: "z".repeat(1_000) }, batch: Array.from({ length: 2_500 }, (_, i) => small(i)) }, { key });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^batch: \d+ bytes of events once batch context is merged in; the limit is 2000000 per request$/);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });
});

describe("when the queue fails", () => {
  it("a refused send is a 503, never a 200", async () => {
    vi.spyOn(env.EVENTS, "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    const res = await post("/v1/track", { userId: "u1", event: "E" }, { key });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("unavailable");
  });

  it("a failure after earlier sends went out is still a 503, and nothing is sent after it", async () => {
    const real = env.EVENTS.sendBatch.bind(env.EVENTS);
    const sendBatch = vi.spyOn(env.EVENTS, "sendBatch").mockImplementationOnce(real).mockRejectedValueOnce(new Error("queue unavailable"));
    const batch = Array.from({ length: 2_500 }, (_, i) => ({ type: "identify", userId: `u${i}`, messageId: `retry-${i}` }));
    const res = await post("/v1/batch", { batch }, { key });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/retry the request/);
    expect(sendBatch).toHaveBeenCalledTimes(2);
  });
});
