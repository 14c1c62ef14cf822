import { exports } from "cloudflare:workers";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeKey, received, uniqueId, waitFor } from "../helpers";

// The Gist-compatible endpoints: Gist's own request shape and headers in,
// relayed upstream through the delivery pipeline to a local fake Gist.

const UPSTREAM = { organization_id: "upstream-org-4711", service_key: "upstream-gist-key-abc" };

async function gistAccount(query = "") {
  const upstream = uniqueId("gist");
  const account = await makeAccount({ gist: { base_url: `${inject("targetUrl")}/t/${upstream}${query ? `?${query}` : ""}`, ...UPSTREAM } });
  const { key } = await makeKey(account);
  return { account, key, upstream };
}

function gist(path: string, account: string, key: string | null, body: unknown) {
  const headers: Record<string, string> = { "content-type": "application/json", "x-bourbon-organization-id": account };
  if (key) headers["x-gist-service-key"] = key;
  return exports.default
    .fetch(`http://edgehook.test${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) })
    .then(async (res) => ({ status: res.status, body: await res.json<any>() }));
}

const message = (overrides: Record<string, unknown> = {}) => ({ messageId: "welcome", userToken: "user-42", priority: 1, ...overrides });

describe("relaying to Gist", () => {
  it("relays a message to an upstream that fails twice, which then gets it exactly once more, identical, with the upstream's own headers", async () => {
    const { account, key, upstream } = await gistAccount("fail=2&status=503");
    const res = await gist("/api/v1/messages", account, key, message({ properties: { title: "Hi", gist: { position: "top" } } }));
    expect(res.status).toBe(202);
    const delivery = await deliveryReaches(account, res.body.delivery_ids[0], ["sent", "failed"], 20_000);
    expect(delivery).toMatchObject({ kind: "gist", status: "sent" });
    expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 200]);
    const seen = await received(upstream);
    expect(seen.count).toBe(3);
    for (const request of seen.requests) {
      expect(request.path).toBe(`/t/${upstream}/api/v1/messages?fail=2&status=503`);
      expect(request.headers["x-bourbon-organization-id"]).toBe(UPSTREAM.organization_id);
      expect(request.headers["x-gist-service-key"]).toBe(UPSTREAM.service_key);
      expect(request.body).toBe(seen.requests[0]!.body);
    }
    const sent = JSON.parse(seen.requests[0]!.body);
    expect(sent).toMatchObject({ messageId: "welcome", userToken: "user-42", priority: 1, properties: { title: "Hi", gist: { position: "top" } } });
    // expiry defaults to a year after queuing.
    expect(Date.parse(sent.expiry) - Date.now()).toBeGreaterThan(364 * 24 * 3600_000);
  });

  it("never shows the upstream credentials: not in the account, the delivery log, or any answer", async () => {
    const { account, key } = await gistAccount();
    const res = await gist("/api/v1/messages", account, key, message());
    await deliveryReaches(account, res.body.delivery_ids[0], ["sent"]);
    const everything = JSON.stringify([
      res.body,
      (await api("GET", `/v1/accounts/${account}`)).body,
      (await api("GET", `/v1/accounts/${account}/deliveries`)).body,
    ]);
    expect(everything).not.toContain(UPSTREAM.service_key);
    expect(everything).not.toContain(UPSTREAM.organization_id);
  });

  it("relays a bulk request of 2,500 messages as chunks of at most 1,000, every message once", async () => {
    const { account, key, upstream } = await gistAccount();
    const messages = Array.from({ length: 2500 }, (_, i) => message({ userToken: `user-${i}` }));
    const res = await gist("/api/v1/messages/bulk", account, key, { messages });
    expect(res.status).toBe(202);
    expect(res.body.delivery_ids).toHaveLength(3);
    const seen = await waitFor(async () => ((await received(upstream)).count >= 3 ? received(upstream) : null));
    const chunks = seen.requests.map((request) => JSON.parse(request.body).messages);
    expect(seen.requests.every((request) => request.path.endsWith("/api/v1/messages/bulk"))).toBe(true);
    expect(chunks.map((chunk: unknown[]) => chunk.length).sort()).toEqual([1000, 1000, 500]);
    expect(new Set(chunks.flat().map((m: { userToken: string }) => m.userToken)).size).toBe(2500);
  });
});

describe("Gist endpoints: auth", () => {
  it("needs both headers, and a service key of the named account", async () => {
    const { account, key } = await gistAccount();
    const other = await gistAccount();
    expect((await gist("/api/v1/messages", account, null, message())).status).toBe(401);
    expect((await gist("/api/v1/messages", account, other.key, message())).status).toBe(401);
    expect((await gist("/api/v1/messages", account, "ehk_not-a-key", message())).status).toBe(401);
    expect((await gist("/api/v1/messages", `${account}:x`, key, message())).status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });

  it("answers 409 for an account without Gist set up", async () => {
    const account = await makeAccount();
    const { key } = await makeKey(account);
    const res = await gist("/api/v1/messages", account, key, message());
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/has no Gist set up/);
  });
});

describe("Gist endpoints: validation", () => {
  it.each([
    ["no messageId", { messageId: undefined }, "messageId: is required"],
    ["no userToken and no broadcast", { userToken: undefined }, "userToken: is required unless properties.gist.broadcast is set"],
    ["priority 0", { priority: 0 }, "priority: must be 1 (highest) to 10"],
    ["priority 11", { priority: 11 }, "priority: must be 1 (highest) to 10"],
    ["priority 1.5", { priority: 1.5 }, "priority: "],
    ["scheduledFor that is not ISO-8601 UTC", { scheduledFor: "tomorrow" }, "scheduledFor: must be an ISO-8601 UTC date-time"],
    ["expiry before scheduledFor", { scheduledFor: "2030-01-02T00:00:00Z", expiry: "2030-01-01T00:00:00Z" }, "expiry: must be later than scheduledFor"],
    ["properties that are not an object", { properties: "x" }, "properties: "],
    ["a position Gist does not know", { properties: { gist: { position: "left" } } }, "properties.gist.position: "],
    ["a route rule that does not compile", { properties: { gist: { routeRuleWeb: "([" } } }, "properties.gist.routeRuleWeb: must be a valid regular expression"],
    ["a broadcast without a frequency", { properties: { gist: { broadcast: {} } } }, "properties.gist.broadcast.frequency: "],
  ])("%s → 400 naming the field, nothing queued", async (_, change, prefix) => {
    const { account, key } = await gistAccount();
    const res = await gist("/api/v1/messages", account, key, message(change));
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(prefix)).toBe(true);
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });

  it("takes a broadcast without a userToken", async () => {
    const { account, key } = await gistAccount();
    const res = await gist("/api/v1/messages", account, key, message({ userToken: undefined, properties: { gist: { broadcast: { frequency: { count: 1, delay: 0 } } } } }));
    expect(res.status).toBe(202);
  });

  it("a bad message in a bulk request is a 400 naming its index, and none of the request is kept", async () => {
    const { account, key } = await gistAccount();
    const res = await gist("/api/v1/messages/bulk", account, key, { messages: [message(), message(), message({ priority: 42 })] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("messages.2.priority: must be 1 (highest) to 10");
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });

  it("refuses a bulk request over 10,000 messages, and an empty one", async () => {
    const { account, key } = await gistAccount();
    expect((await gist("/api/v1/messages/bulk", account, key, { messages: Array.from({ length: 10_001 }, () => ({ messageId: "m" })) })).status).toBe(400);
    expect((await gist("/api/v1/messages/bulk", account, key, { messages: [] })).status).toBe(400);
  });

  it.each([
    ["relay mode without credentials", { mode: "relay" }, "gist.organization_id: is required in relay mode"],
    ["serve mode without a site id", { mode: "serve" }, "gist.site_id: is required in serve mode"],
    ["serve mode with relay credentials", { mode: "serve", site_id: "site-1", ...UPSTREAM }, "gist.organization_id: is not a serve mode setting"],
    ["relay mode with a serve setting", { ...UPSTREAM, polling_interval_s: 5 }, "gist.polling_interval_s: is not a relay mode setting"],
    ["a mode Gist has not", { mode: "proxy", site_id: "s" }, "gist.mode: must be \"relay\" or \"serve\""],
    ["a site id with a colon", { mode: "serve", site_id: "a:b" }, "gist.site_id: must be 1–64 letters"],
    ["an origin with a path", { mode: "serve", site_id: "s", allowed_origins: ["https://app.example/x"] }, "gist.allowed_origins.0: must be an origin"],
    ["a polling interval of 0", { mode: "serve", site_id: "s", polling_interval_s: 0 }, "gist.polling_interval_s: must be 1–3600 seconds"],
  ])("refuses a gist setting with %s, and keeps the account as it was", async (_, gist, prefix) => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}`, { gist });
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(prefix)).toBe(true);
    expect((await api("GET", `/v1/accounts/${account}`)).body.gist).toBeNull();
  });
});
