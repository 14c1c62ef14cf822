import { beforeAll, describe, expect, it } from "vitest";
import { post, watchQueue, writeKeyOfNewAccount } from "./tracking-client";

// Each call type's rules, what edgehook fills in, and how a batch inherits its context.

let account: string;
let key: string;
beforeAll(async () => {
  ({ account, key } = await writeKeyOfNewAccount());
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A valid body for each call type, as the analytics libraries send it. */
const valid = {
  track: { userId: "u1", event: "Signed Up", properties: { plan: "Startup" } },
  identify: { anonymousId: "anon-1", traits: { email: "a@example.com" } },
  page: { userId: "u1", name: "Home", category: "Docs", properties: { path: "/" } },
  screen: { anonymousId: "anon-1", name: "Settings" },
  group: { userId: "u1", groupId: "g1", traits: { name: "Acme" } },
  alias: { userId: "u1", previousId: "anon-1" },
} as const;
type CallType = keyof typeof valid;
const TYPES = Object.keys(valid) as CallType[];

async function expect400(res: { status: number; body: any }, message: string | RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toMatch(/^(validation_failed|invalid_json)$/);
  if (typeof message === "string") expect(res.body.error.message).toBe(message);
  else expect(res.body.error.message).toMatch(message);
}

describe("valid calls", () => {
  it.each(TYPES)("/v1/%s is accepted with its type taken from the path", async (type) => {
    const queue = watchQueue();
    const res = await post(`/v1/${type}`, { ...valid[type], type: "something-else" }, { key });
    expect(res).toEqual({ status: 200, body: { success: true } });
    const [event] = queue.eventsOf(account);
    expect(event).toMatchObject({ ...valid[type], type });
  });

  it("fills messageId (a uuid), receivedAt (now) and timestamp (= receivedAt) when they are absent", async () => {
    const queue = watchQueue();
    const before = Date.now();
    await post("/v1/track", valid.track, { key });
    const [event] = queue.eventsOf(account);
    expect(event!.messageId).toMatch(UUID);
    const receivedAt = Date.parse(event!.receivedAt);
    expect(receivedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(receivedAt).toBeLessThanOrEqual(Date.now() + 1000);
    expect(event!.receivedAt).toBe(new Date(receivedAt).toISOString());
    expect(event!.timestamp).toBe(event!.receivedAt);
  });

  it("keeps the sender's messageId, timestamp and every other field as sent", async () => {
    const queue = watchQueue();
    const sent = {
      ...valid.track,
      messageId: "node-next-1700000000000-0d5c",
      timestamp: "2024-01-02T03:04:05.678Z",
      context: { library: { name: "@segment/analytics-node", version: "3.1.0" } },
      _metadata: { nodeVersion: "20" },
    };
    await post("/v1/track", sent, { key });
    const [event] = queue.eventsOf(account);
    expect(event).toMatchObject({ ...sent, type: "track" });
    expect(event!.receivedAt).not.toBe(sent.timestamp);
  });

  it("a numeric userId is accepted and kept as text; userId null with an anonymousId is fine", async () => {
    const queue = watchQueue();
    expect((await post("/v1/identify", { userId: 42 }, { key })).status).toBe(200);
    expect((await post("/v1/identify", { userId: null, anonymousId: "anon-2" }, { key })).status).toBe(200);
    expect(queue.eventsOf(account).map((e) => [e.userId, e.anonymousId])).toEqual([
      ["42", undefined],
      [null, "anon-2"],
    ]);
  });

  it("a messageId of 99 characters is accepted", async () => {
    expect((await post("/v1/track", { ...valid.track, messageId: "m".repeat(99) }, { key })).status).toBe(200);
  });
});

describe("invalid calls: 400 naming the field, nothing queued", () => {
  it.each(TYPES)("/v1/%s without userId or anonymousId", async (type) => {
    const queue = watchQueue();
    const { userId: _u, anonymousId: _a, ...rest } = valid[type] as Record<string, unknown>;
    await expect400(await post(`/v1/${type}`, rest, { key }), "userId: required when there is no anonymousId");
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it.each([
    ["track", { userId: "u1" }, "event: required"],
    ["track", { userId: "u1", event: "" }, "event: must not be empty"],
    ["track", { userId: "u1", event: 7 }, "event: must be a string"],
    ["track", { userId: "u1", event: "E", properties: [1, 2] }, "properties: must be an object"],
    ["identify", { userId: "u1", traits: "vip" }, "traits: must be an object"],
    ["page", { userId: "u1", name: 3 }, "name: must be a string"],
    ["screen", { userId: "u1", category: {} }, "category: must be a string"],
    ["group", { userId: "u1" }, "groupId: required"],
    ["group", { userId: "u1", groupId: true }, "groupId: must be a string or a number"],
    ["group", { userId: "u1", groupId: "" }, "groupId: must not be empty"],
    ["alias", { userId: "u1" }, "previousId: required"],
    ["identify", { userId: "u1", context: "web" }, "context: must be an object"],
    ["identify", { userId: "u1", integrations: null }, "integrations: must be an object"],
    ["identify", { userId: "u1", messageId: "m".repeat(100) }, "messageId: must be under 100 characters"],
    ["identify", { userId: "u1", messageId: 12 }, "messageId: must be a string"],
    ["identify", { userId: "u1", timestamp: "yesterday" }, "timestamp: must be an ISO-8601 date string"],
    ["identify", { userId: { id: 1 } }, "userId: must be a string or a number"],
    ["identify", { userId: "é".repeat(129) }, "userId: must be at most 256 bytes in UTF-8"],
  ] as const)("/v1/%s %j → %s", async (type, body, message) => {
    const queue = watchQueue();
    await expect400(await post(`/v1/${type}`, body, { key }), message);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it("malformed JSON, a body that is not an object, and a body nested too deep", async () => {
    await expect400(await post("/v1/track", "{\"userId\":", { key }), /^Request body is not valid JSON/);
    await expect400(await post("/v1/track", [valid.track], { key }), "body: must be a JSON object");
    const deep = `{"userId":"u1","event":"E","properties":${"[".repeat(70)}${"]".repeat(70)}}`;
    await expect400(await post("/v1/track", deep, { key }), /^body: nested more than 64 levels deep/);
  });

  it("an empty body is a call without a user", async () => {
    await expect400(await post("/v1/identify", "", { key }), "userId: required when there is no anonymousId");
  });
});

describe("/v1/batch", () => {
  it("accepts items of every type, each keeping its own type, in order", async () => {
    const queue = watchQueue();
    const batch = TYPES.map((type) => ({ type, ...valid[type] }));
    expect((await post("/v1/batch", { batch, sentAt: new Date().toISOString() }, { key })).status).toBe(200);
    expect(queue.eventsOf(account).map((e) => e.type)).toEqual(TYPES);
  });

  it("merges batch-level context and integrations into each item; the item's own keys win", async () => {
    const queue = watchQueue();
    const res = await post(
      "/v1/batch",
      {
        context: { ip: "203.0.113.1", library: { name: "batch-lib" } },
        integrations: { All: false, Webhook: true },
        batch: [
          { type: "track", userId: "u1", event: "A" },
          { type: "track", userId: "u2", event: "B", context: { ip: "198.51.100.7", locale: "de" }, integrations: { All: true } },
        ],
      },
      { key },
    );
    expect(res.status).toBe(200);
    const [first, second] = queue.eventsOf(account);
    expect(first!.context).toEqual({ ip: "203.0.113.1", library: { name: "batch-lib" } });
    expect(first!.integrations).toEqual({ All: false, Webhook: true });
    expect(second!.context).toEqual({ ip: "198.51.100.7", library: { name: "batch-lib" }, locale: "de" });
    expect(second!.integrations).toEqual({ All: true, Webhook: true });
  });

  it("fills messageId, receivedAt and timestamp per item, with one receivedAt for the request", async () => {
    const queue = watchQueue();
    await post("/v1/batch", { batch: [{ type: "identify", userId: "u1" }, { type: "identify", userId: "u2", timestamp: "2024-05-06T07:08:09Z" }] }, { key });
    const [a, b] = queue.eventsOf(account);
    expect(a!.messageId).toMatch(UUID);
    expect(b!.messageId).toMatch(UUID);
    expect(a!.messageId).not.toBe(b!.messageId);
    expect(a!.receivedAt).toBe(b!.receivedAt);
    expect(a!.timestamp).toBe(a!.receivedAt);
    expect(b!.timestamp).toBe("2024-05-06T07:08:09Z");
  });

  it("one bad item is a 400 naming its index and field, and none of the request's events are queued", async () => {
    const queue = watchQueue();
    const batch = [
      ...Array.from({ length: 3 }, (_, i) => ({ type: "track", userId: `u${i}`, event: "E" })),
      { type: "track", anonymousId: "a", event: "E", userId: ["not", "an", "id"] },
      { type: "track", userId: "u5", event: "E" },
    ];
    await expect400(await post("/v1/batch", { batch }, { key }), "batch.3.userId: must be a string or a number");
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it.each([
    [[{ userId: "u1" }], "batch.0.type: required"],
    [[{ type: "trak", userId: "u1" }], "batch.0.type: must be one of track, identify, page, screen, group, alias"],
    [[{ type: "identify", userId: "u1" }, { type: "track", userId: "u1" }], "batch.1.event: required"],
    [[{ type: "alias", userId: "u1" }], "batch.0.previousId: required"],
    [[{ type: "group", anonymousId: "a" }], "batch.0.groupId: required"],
    [[{ type: "page" }], "batch.0.userId: required when there is no anonymousId"],
    [["a string"], "batch.0: must be an event object"],
  ] as const)("batch %j → %s", async (batch, message) => {
    const queue = watchQueue();
    await expect400(await post("/v1/batch", { batch }, { key }), message);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it("a missing or non-array batch, and batch-level context of the wrong type", async () => {
    await expect400(await post("/v1/batch", {}, { key }), "batch: required");
    await expect400(await post("/v1/batch", { batch: { type: "track" } }, { key }), "batch: must be an array of events");
    await expect400(await post("/v1/batch", { batch: [], context: [1] }, { key }), "context: must be an object");
  });

  it("an empty batch is a 200 that queues nothing", async () => {
    const queue = watchQueue();
    expect((await post("/v1/batch", { batch: [] }, { key })).status).toBe(200);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });
});
