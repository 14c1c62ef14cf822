import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { QUEUE_SHARDS, shardOf } from "../../src/gist/queue-client";
import type { SdkMessage } from "../../src/gist/queue-model";
import { api, makeAccount, makeKey, uniqueId } from "../helpers";

// Serve mode: edgehook is the queue the Gist web SDK polls. Messages go in
// through Gist's own API (POST /api/v1/messages[/bulk]); the SDK's calls
// (POST /api/v4/users, the view logs) and the account's queue API read them.

const BROADCAST = { gist: { broadcast: { frequency: { count: 1, delay: 0 } } } };

async function serveAccount(settings: Record<string, unknown> = {}) {
  const site = uniqueId("site");
  const account = await makeAccount({ gist: { mode: "serve", site_id: site, polling_interval_s: 7, ...settings } });
  const { key } = await makeKey(account);
  return { account, key, site };
}

function call(path: string, headers: Record<string, string>, body?: unknown, method = "POST") {
  return exports.default
    .fetch(`http://edgehook.test${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) })
    .then(async (res) => ({ status: res.status, headers: res.headers, body: res.status === 204 ? null : await res.json<any>() }));
}

/** Gist's queue API, as a Customer.io webhook calls it. */
function queue(account: string, key: string, body: unknown, bulk = false) {
  return call(bulk ? "/api/v1/messages/bulk" : "/api/v1/messages", { "x-bourbon-organization-id": account, "x-gist-service-key": key }, body);
}

/** The SDK's headers: the site, and btoa of the user token. */
function sdkHeaders(site: string, user: string | null, extra: Record<string, string> = {}) {
  return { "x-cio-site-id": site, ...(user === null ? {} : { "x-gist-encoded-user-token": btoa(user) }), "x-gist-user-anonymous": "false", "content-language": "en", ...extra };
}

/** The SDK's poll. */
function poll(site: string, user: string | null, extra: Record<string, string> = {}) {
  return call("/api/v4/users?sessionId=7b0e5c1e-1d2f-4a34-9a63-0c1a3f9f2f11", sdkHeaders(site, user, extra), {});
}

const idsOf = (res: { body: any }) => res.body.inAppMessages.map((m: any) => m.messageId);

describe("serve mode: the SDK's poll", () => {
  it("answers every current message of the user, highest priority first, properties untouched, with the SDK's headers", async () => {
    const { account, key, site } = await serveAccount();
    const properties = { title: "Hello", nested: { list: [1, "two", null] }, gist: { position: "top", persistent: false } };
    expect((await queue(account, key, { messageId: "low", userToken: "ann", priority: 5 })).status).toBe(202);
    expect((await queue(account, key, { messageId: "high", userToken: "ann", priority: 1, properties })).status).toBe(202);
    expect((await queue(account, key, { messageId: "mid", userToken: "ann", priority: 3 })).status).toBe(202);

    const res = await poll(site, "ann");
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual(["high", "mid", "low"]);
    expect(res.body.inboxMessages).toEqual([]);
    expect(res.body.inAppMessages[0]).toMatchObject({ messageId: "high", priority: 1, userToken: "ann", properties });
    const queueIds = res.body.inAppMessages.map((m: any) => m.queueId);
    expect(new Set(queueIds).size).toBe(3);
    expect(res.headers.get("x-gist-queue-polling-interval")).toBe("7");
    expect(res.headers.get("x-cio-use-sse")).toBe("false");
  });

  it("answers the queueIds the 202 named", async () => {
    const { account, key, site } = await serveAccount();
    const accepted = await queue(account, key, { messages: [{ messageId: "a", userToken: "bo" }, { messageId: "b", userToken: "bo", priority: 2 }] }, true);
    expect(accepted.status).toBe(202);
    expect(accepted.body.queued).toBe(2);
    expect((await poll(site, "bo")).body.inAppMessages.map((m: any) => m.queueId)).toEqual(accepted.body.queue_ids);
  });

  it("leaves out messages scheduled for later, and those past their expiry", async () => {
    const { account, key, site } = await serveAccount();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    await queue(account, key, { messageId: "now", userToken: "cy" });
    await queue(account, key, { messageId: "later", userToken: "cy", scheduledFor: inAnHour });
    await queue(account, key, { messageId: "short", userToken: "cy", expiry: new Date(Date.now() + 1_500).toISOString() });
    expect(idsOf(await poll(site, "cy"))).toEqual(["now", "short"]);

    // The queue as the SDK would see it later: the scheduled one is due, the short one has expired.
    const shard = env.GIST_QUEUE.getByName(`gist:${account}:${shardOf("cy")}`);
    // RPC types make `properties` (unknown values) opaque; the ids are all this reads.
    const dueAt = async (at: number) => ((await shard.forUser("cy", at)) as SdkMessage[]).map((m) => m.messageId);
    expect(await dueAt(Date.now() + 7_200_000)).toEqual(["now", "later"]);
    // Without an expiry a message lasts a year, as Gist documents.
    expect(await dueAt(Date.now() + 366 * 86_400_000)).toEqual([]);
  });

  it("gives a broadcast to every user of the account, whatever their shard, and a view leaves it in place", async () => {
    const { account, key, site } = await serveAccount();
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    expect(new Set(users.map(shardOf)).size).toBe(QUEUE_SHARDS);
    const accepted = await queue(account, key, { messageId: "everyone", priority: 2, properties: BROADCAST });
    expect(accepted.status).toBe(202);
    await queue(account, key, { messageId: "own", userToken: "user-3", priority: 1 });
    for (const user of users) {
      expect(idsOf(await poll(site, user))).toEqual(user === "user-3" ? ["own", "everyone"] : ["everyone"]);
    }
    const broadcastId = accepted.body.queue_ids[0];
    expect((await call(`/api/v1/logs/queue/${broadcastId}`, sdkHeaders(site, "user-7"))).status).toBe(200);
    expect(idsOf(await poll(site, "user-7"))).toEqual(["everyone"]);
  });

  it("queuing the same messageId for a user again replaces it and keeps its queueId", async () => {
    const { account, key, site } = await serveAccount();
    const first = await queue(account, key, { messageId: "promo", userToken: "di", priority: 4 });
    const again = await queue(account, key, { messageId: "promo", userToken: "di", priority: 2, properties: { v: 2 } });
    expect(again.body.queue_ids).toEqual(first.body.queue_ids);
    const messages = (await poll(site, "di")).body.inAppMessages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ priority: 2, properties: { v: 2 } });
  });
});

describe("serve mode: view logs", () => {
  it("a queue view removes the message from the user's queue and is recorded", async () => {
    const { account, key, site } = await serveAccount();
    const accepted = await queue(account, key, { messages: [{ messageId: "seen", userToken: "ed" }, { messageId: "unseen", userToken: "ed" }] }, true);
    const [seenId] = accepted.body.queue_ids;
    const logged = await call(`/api/v1/logs/queue/${seenId}`, sdkHeaders(site, "ed"));
    expect(logged.status).toBe(200);
    expect(idsOf(await poll(site, "ed"))).toEqual(["unseen"]);
    const views = await api("GET", `/v1/accounts/${account}/gist/users/ed/views`, undefined, key);
    expect(views.body.views).toMatchObject([{ queueId: seenId, messageId: "seen" }]);
  });

  it("a message view (by messageId) is accepted and recorded without touching the queue", async () => {
    const { account, key, site } = await serveAccount();
    await queue(account, key, { messageId: "kept", userToken: "fa" });
    expect((await call("/api/v1/logs/message/kept", sdkHeaders(site, "fa"))).status).toBe(200);
    expect(idsOf(await poll(site, "fa"))).toEqual(["kept"]);
    expect((await api("GET", `/v1/accounts/${account}/gist/users/fa/views`, undefined, key)).body.views).toMatchObject([{ queueId: null, messageId: "kept" }]);
  });

  it("another user's view of a queueId does not remove it, even from the same shard", async () => {
    const { account, key, site } = await serveAccount();
    const accepted = await queue(account, key, { messageId: "mine", userToken: "gus" });
    const neighbour = Array.from({ length: 200 }, (_, i) => `hal-${i}`).find((user) => shardOf(user) === shardOf("gus"))!;
    await call(`/api/v1/logs/queue/${accepted.body.queue_ids[0]}`, sdkHeaders(site, neighbour));
    expect(idsOf(await poll(site, "gus"))).toEqual(["mine"]);
  });
});

describe("serve mode: isolation and bad input", () => {
  it("one account's site never shows another account's messages, even for the same user token", async () => {
    const a = await serveAccount();
    const b = await serveAccount();
    await queue(a.account, a.key, { messageId: "for-a", userToken: "ivy" });
    await queue(b.account, b.key, { messageId: "for-b", userToken: "ivy" });
    expect(idsOf(await poll(a.site, "ivy"))).toEqual(["for-a"]);
    expect(idsOf(await poll(b.site, "ivy"))).toEqual(["for-b"]);
    // A's queue API with B's key is refused.
    expect((await api("GET", `/v1/accounts/${a.account}/gist/users/ivy/messages`, undefined, b.key)).status).toBe(403);
  });

  it.each([
    ["no site id", 400, "X-CIO-Site-Id is required", (site: string) => sdkHeaders(site, "jo", { "x-cio-site-id": "" })],
    ["a malformed site id", 400, "X-CIO-Site-Id: must be", () => sdkHeaders("a:b", "jo")],
    ["a site nobody serves", 404, "No edgehook account serves Gist site unknown-site-0", () => sdkHeaders("unknown-site-0", "jo")],
    ["no user token", 400, "X-Gist-Encoded-User-Token is required", (site: string) => sdkHeaders(site, null)],
    ["a token that is not base64", 400, "X-Gist-Encoded-User-Token is not base64", (site: string) => sdkHeaders(site, "jo", { "x-gist-encoded-user-token": "not base64!" })],
    ["an empty token", 400, "X-Gist-Encoded-User-Token is required", (site: string) => sdkHeaders(site, "jo", { "x-gist-encoded-user-token": "" })],
    ["a token with control characters", 400, "X-Gist-Encoded-User-Token: the user token must not contain control characters", (site: string) => sdkHeaders(site, "jo", { "x-gist-encoded-user-token": btoa("jo\u0000") })],
  ])("%s is a %i that names the problem, and shows no messages", async (_, status, message, headers) => {
    const { account, key, site } = await serveAccount();
    await queue(account, key, { messageId: "private", userToken: "jo" });
    const res = await call("/api/v4/users", headers(site));
    expect(res.status).toBe(status);
    expect(res.body.error.message.startsWith(message)).toBe(true);
    expect(res.body.inAppMessages).toBeUndefined();
  });

  it("refuses a queueId that is not one, changing nothing", async () => {
    const { account, key, site } = await serveAccount();
    await queue(account, key, { messageId: "stay", userToken: "kai" });
    const res = await call("/api/v1/logs/queue/q_..%2f", sdkHeaders(site, "kai"));
    expect(res.status).toBe(400);
    expect(idsOf(await poll(site, "kai"))).toEqual(["stay"]);
  });

  it("refuses a user past 1,000 pending messages with a 409, keeping none of that request", async () => {
    const { account, key, site } = await serveAccount();
    const messages = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ messageId: `m${from + i}`, userToken: "lu" }));
    expect((await queue(account, key, { messages: messages(0, 999) }, true)).status).toBe(202);
    const over = await queue(account, key, { messages: messages(999, 2) }, true);
    expect(over.status).toBe(409);
    expect(over.body.error.message).toBe("User lu would pass 1000 pending messages");
    expect((await poll(site, "lu")).body.inAppMessages).toHaveLength(999);
  });

  it("a site id served by one account cannot be claimed by another", async () => {
    const { site } = await serveAccount();
    const other = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${other}`, { gist: { mode: "serve", site_id: site } });
    expect(res.status).toBe(409);
    expect((await api("GET", `/v1/accounts/${other}`)).body.gist).toBeNull();
  });

  it("an account that moves to another site id stops answering for the old one, which is free again", async () => {
    const { account, key, site } = await serveAccount();
    await queue(account, key, { messageId: "moved", userToken: "max" });
    const next = uniqueId("site");
    expect((await api("PUT", `/v1/accounts/${account}`, { gist: { mode: "serve", site_id: next } })).body.gist).toEqual({
      mode: "serve", site_id: next, polling_interval_s: 60, allowed_origins: null,
    });
    expect((await poll(site, "max")).status).toBe(404);
    expect(idsOf(await poll(next, "max"))).toEqual(["moved"]);
    // The old site id is free again.
    const other = await makeAccount();
    expect((await api("PUT", `/v1/accounts/${other}`, { gist: { mode: "serve", site_id: site } })).status).toBe(200);
  });

  it("a stale index entry (KV is eventually consistent) never answers for an account that does not serve that site", async () => {
    const { account, key } = await serveAccount();
    await queue(account, key, { messageId: "private", userToken: "nia" });
    const stale = uniqueId("site");
    await env.CONFIG.put(`gistsite:${stale}`, account);
    const res = await poll(stale, "nia");
    expect(res.status).toBe(404);
    expect(res.body.inAppMessages).toBeUndefined();
  });
});

describe("serve mode: CORS", () => {
  it("answers the SDK's preflight with its custom headers", async () => {
    const res = await exports.default.fetch("http://edgehook.test/api/v4/users?sessionId=s", {
      method: "OPTIONS",
      headers: { origin: "http://localhost:4173", "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-cio-site-id,x-gist-encoded-user-token" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:4173");
    const allowed = res.headers.get("access-control-allow-headers")!.split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["content-type", "x-cio-site-id", "x-cio-client-platform", "x-gist-encoded-user-token", "x-gist-user-anonymous"]));
  });

  it("lets an allowed origin read the polling headers, and refuses another origin with a 403 that changes nothing", async () => {
    const { account, key, site } = await serveAccount({ allowed_origins: ["https://app.example"] });
    const accepted = await queue(account, key, { messageId: "guarded", userToken: "ned" });
    const ok = await poll(site, "ned", { origin: "https://app.example" });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(ok.headers.get("access-control-expose-headers")).toBe("x-gist-queue-polling-interval, x-cio-use-sse");

    const refused = await call(`/api/v1/logs/queue/${accepted.body.queue_ids[0]}`, sdkHeaders(site, "ned", { origin: "https://evil.example" }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(idsOf(await poll(site, "ned"))).toEqual(["guarded"]);
  });
});

describe("serve mode: the account's queue API", () => {
  it("lists a user's pending messages, scheduled ones included, and deletes one", async () => {
    const { account, key, site } = await serveAccount();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const accepted = await queue(account, key, { messages: [{ messageId: "x", userToken: "olga@example.com" }, { messageId: "y", userToken: "olga@example.com", scheduledFor: later }] }, true);
    const user = encodeURIComponent("olga@example.com");
    const listed = await api("GET", `/v1/accounts/${account}/gist/users/${user}/messages`, undefined, key);
    expect(listed.body.messages.map((m: any) => m.messageId)).toEqual(["x", "y"]);
    expect(listed.body.messages[1].scheduledFor).toBe(later);

    expect((await api("DELETE", `/v1/accounts/${account}/gist/users/${user}/messages/${accepted.body.queue_ids[0]}`, undefined, key)).status).toBe(204);
    expect((await poll(site, "olga@example.com")).body.inAppMessages).toEqual([]);
    expect((await api("DELETE", `/v1/accounts/${account}/gist/users/${user}/messages/${accepted.body.queue_ids[0]}`, undefined, key)).status).toBe(404);
  });

  it("deleting a broadcast's queueId removes it for every user", async () => {
    const { account, key, site } = await serveAccount();
    const accepted = await queue(account, key, { messageId: "all", properties: BROADCAST });
    expect((await api("DELETE", `/v1/accounts/${account}/gist/users/pat/messages/${accepted.body.queue_ids[0]}`, undefined, key)).status).toBe(204);
    for (const user of ["pat", "quin", "user-1", "user-2"]) expect((await poll(site, user)).body.inAppMessages).toEqual([]);
  });

  it("is a 409 for an account that relays instead of serving", async () => {
    const account = await makeAccount({ gist: { organization_id: "o", service_key: "k" } });
    expect((await api("GET", `/v1/accounts/${account}/gist/users/ray/messages`)).status).toBe(409);
  });
});
