import { env, exports } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId, waitFor } from "../helpers";

const signingSecret = `whsec_${btoa("edgehook-test-signing-secret-32b")}`;

async function trigger(account: string, body: Record<string, unknown>, action = "a") {
  return api("POST", `/v1/accounts/${account}/actions/${action}/trigger`, body);
}

describe("trigger → queue → delivery", () => {
  it("answers 202 with a delivery id, sends once, and logs the attempt", async () => {
    const key = uniqueId("sent");
    const account = await makeAccount({ signing_secret: signingSecret });
    await makeAction(account, { url: target(key), body: '{"id":"{{customer.id}}","plan":"{{event.plan}}"}' });
    const res = await trigger(account, { customer: { id: "c1" }, event: { plan: "pro" } });
    expect(res.status).toBe(202);
    expect(res.body.delivery_id).toMatch(/^dlv_/);

    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect(delivery).toMatchObject({ kind: "action", source: "a", customer_id: "c1" });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status: 200 });
    expect(delivery.response.status).toBe(200);
    expect(delivery.request.body).toBe('{"id":"c1","plan":"pro"}');

    const seen = await received(key);
    expect(seen.count).toBe(1);
    const headers = seen.requests[0]!.headers;
    expect(headers["webhook-id"]).toBe(res.body.delivery_id);
    // Verified with the Standard Webhooks reference library.
    const verified = new Webhook(signingSecret).verify(seen.requests[0]!.body, {
      "webhook-id": headers["webhook-id"]!,
      "webhook-timestamp": headers["webhook-timestamp"]!,
      "webhook-signature": headers["webhook-signature"]!,
    });
    expect(verified).toEqual({ id: "c1", plan: "pro" });
  });

  it("merges stored attributes under the trigger's customer; the trigger's values win", async () => {
    const key = uniqueId("merge");
    const account = await makeAccount();
    await env.ATTRIBUTES.put(`${account}:c1`, JSON.stringify({ plan: "stored", lead_id: "L-7" }));
    await makeAction(account, { url: target(key), body: "{{customer.plan}}/{{customer.lead_id}}" });
    const res = await trigger(account, { customer: { id: "c1", plan: "given" } });
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect(delivery.request.body).toBe("given/L-7");
  });

  it("redacts credentials in the delivery log but sends them", async () => {
    const key = uniqueId("redact");
    const account = await makeAccount();
    const url = target(key).replace("http://", "http://user:pa55@");
    await makeAction(account, { url, headers: { "X-Api-Key": "k-123" } });
    const res = await trigger(account, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect(delivery.request.headers.Authorization).toBe("Basic [redacted]");
    expect(delivery.request.headers["X-Api-Key"]).toBe("[redacted]");
    expect(JSON.stringify(delivery)).not.toMatch(/pa55|k-123|dXNlcjpwYTU1/);
    const seen = await received(key);
    expect(seen.requests[0]!.headers.authorization).toBe(`Basic ${btoa("user:pa55")}`);
  });

  it("redacts credential query parameters in the log (Trello style)", async () => {
    const key = uniqueId("query");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, "key=trello-key&token=trello-token&list=7") });
    const res = await trigger(account, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect(delivery.request.url).toMatch(/key=\*\*\*&token=\*\*\*&list=7$/);
    expect(JSON.stringify(delivery)).not.toMatch(/trello-key|trello-token/);
    expect((await received(key)).requests[0]!.path).toContain("key=trello-key&token=trello-token");
  });

  it("sends a body larger than a queue message (200 KB)", async () => {
    const key = uniqueId("large");
    const account = await makeAccount();
    await makeAction(account, { url: target(key), headers: { "content-type": "text/plain" }, body: "{{ customer.blob }}" });
    const blob = "x".repeat(200_000);
    const res = await trigger(account, { customer: { id: "c1", blob } });
    expect(res.status).toBe(202);
    await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect((await received(key)).requests[0]!.body).toBe(blob);
  });

  it("yields the same delivery for the same idempotency key, and one send", async () => {
    const key = uniqueId("idem");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const first = await trigger(account, { customer: { id: "c1" }, idempotency_key: "order-1" });
    const second = await trigger(account, { customer: { id: "c1" }, idempotency_key: "order-1" });
    expect(second.status).toBe(202);
    expect(second.body.delivery_id).toBe(first.body.delivery_id);
    expect(second.body.duplicate).toBe(true);
    const other = await trigger(account, { customer: { id: "c1" }, idempotency_key: "order-2" });
    expect(other.body.delivery_id).not.toBe(first.body.delivery_id);
    await deliveryReaches(account, first.body.delivery_id, ["sent"]);
    await deliveryReaches(account, other.body.delivery_id, ["sent"]);
    expect((await received(key)).count).toBe(2);
  });

  it("takes the idempotency key from an Idempotency-Key header too, and bounds its length", async () => {
    const key = uniqueId("idem-header");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const send = (idempotencyKey: string) =>
      exports.default.fetch(`http://edgehook.test/v1/accounts/${account}/actions/a/trigger`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "idempotency-key": idempotencyKey },
        body: JSON.stringify({ customer: { id: "c1" } }),
      });
    const first = (await (await send("order-9")).json()) as { delivery_id: string };
    const second = (await (await send("order-9")).json()) as { delivery_id: string; duplicate: boolean };
    expect(second).toMatchObject({ delivery_id: first.delivery_id, duplicate: true });
    expect((await send("x".repeat(257))).status).toBe(400);
    await deliveryReaches(account, first.delivery_id, ["sent"]);
    expect((await received(key)).count).toBe(1);
  });

  it("replays a delivery as a new one", async () => {
    const key = uniqueId("replay");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const first = await trigger(account, { customer: { id: "c1" } });
    await deliveryReaches(account, first.body.delivery_id, ["sent"]);
    const replay = await api("POST", `/v1/accounts/${account}/deliveries/${first.body.delivery_id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.delivery_id).not.toBe(first.body.delivery_id);
    const delivery = await deliveryReaches(account, replay.body.delivery_id, ["sent"]);
    expect(delivery.replay_of).toBe(first.body.delivery_id);
    expect((await received(key)).count).toBe(2);
  });

  it("lists newest first, filters, and pages with a cursor", async () => {
    const key = uniqueId("list");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) }, "ok");
    await makeAction(account, { url: target(`${key}-404`, "status=404") }, "missing");
    const ids: string[] = [];
    for (const action of ["ok", "ok", "missing"]) ids.push((await trigger(account, { customer: { id: "c1" } }, action)).body.delivery_id);
    await Promise.all(ids.map((id) => deliveryReaches(account, id, ["sent", "failed"])));

    const all = await api("GET", `/v1/accounts/${account}/deliveries`);
    expect(all.body.deliveries.map((d: { id: string }) => d.id)).toEqual([...ids].reverse());
    const failed = await api("GET", `/v1/accounts/${account}/deliveries?status=failed`);
    expect(failed.body.deliveries.map((d: { id: string }) => d.id)).toEqual([ids[2]]);
    const byAction = await api("GET", `/v1/accounts/${account}/deliveries?action=ok`);
    expect(byAction.body.deliveries).toHaveLength(2);
    const other = (await trigger(account, { customer: { id: "c2" } }, "ok")).body.delivery_id;
    const byCustomer = await api("GET", `/v1/accounts/${account}/deliveries?customer=c2`);
    expect(byCustomer.body.deliveries.map((d: { id: string }) => d.id)).toEqual([other]);
    await deliveryReaches(account, other, ["sent"]);

    const page1 = await api("GET", `/v1/accounts/${account}/deliveries?limit=2&customer=c1`);
    expect(page1.body.deliveries).toHaveLength(2);
    const page2 = await api("GET", `/v1/accounts/${account}/deliveries?limit=2&customer=c1&cursor=${page1.body.next_cursor}`);
    expect(page2.body.deliveries.map((d: { id: string }) => d.id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();
  });
});

describe("trigger: bad input", () => {
  it.each([
    ["no customer", {}],
    ["a customer without id", { customer: { email: "a@b.co" } }],
    ["an event that is not an object", { customer: { id: "1" }, event: "signup" }],
    ["an unknown field", { customer: { id: "1" }, priority: 1 }],
  ])("%s → 400, nothing queued", async (_name, body) => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("bad")) });
    const res = await trigger(account, body);
    expect(res.status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });

  it("a header that renders CR/LF → 400, nothing queued", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("crlf")), headers: { "X-Name": "{{ customer.name }}" } });
    const res = await trigger(account, { customer: { id: "1", name: "a\nb" } });
    expect(res.status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });

  it("an unknown delivery → 404; a bad list filter → 400", async () => {
    const account = await makeAccount();
    const unknown = "dlv_000000000aaaaaaaaaa";
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${unknown}`)).status).toBe(404);
    expect((await api("POST", `/v1/accounts/${account}/deliveries/${unknown}/replay`)).status).toBe(404);
    const both = await api("GET", `/v1/accounts/${account}/deliveries?action=a&destination=d`);
    expect(both.status).toBe(400);
    expect(both.body.error.message).toBe("query: filter by action or by destination, not both");
    // Not a delivery id at all: refused before any lookup.
    expect((await api("GET", `/v1/accounts/${account}/deliveries/dlv_nope`)).status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/deliveries?status=lost`)).status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/deliveries?limit=1000`)).status).toBe(400);
  });
});

describe("tenant isolation", () => {
  it("accounts sharing a shard cannot see each other's deliveries or attributes", async () => {
    const key = uniqueId("iso");
    const shard = uniqueId("shard");
    const a = await makeAccount({ shard });
    const b = await makeAccount({ shard });
    await makeAction(a, { url: target(key, `json=${encodeURIComponent('{"v":1}')}`), attributes: { v: "{{ response.v }}" } });
    const res = await trigger(a, { customer: { id: "c1" } });
    await deliveryReaches(a, res.body.delivery_id, ["sent"]);
    await waitFor(async () => (await api("GET", `/v1/accounts/${a}/customers/c1/attributes`)).body.attributes.v === 1);

    expect((await api("GET", `/v1/accounts/${b}/deliveries/${res.body.delivery_id}`)).status).toBe(404);
    expect((await api("POST", `/v1/accounts/${b}/deliveries/${res.body.delivery_id}/replay`)).status).toBe(404);
    expect((await api("GET", `/v1/accounts/${b}/deliveries`)).body.deliveries).toEqual([]);
    expect((await api("GET", `/v1/accounts/${b}/customers/c1/attributes`)).body.attributes).toEqual({});
  });
});
