import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, makeKey, target, uniqueId, waitFor } from "../helpers";

// The reproductions from the hardening issue, each against the route it broke.

const deliveriesOf = async (account: string) => (await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries;

describe("ids are bounded and cannot reach across key spaces", () => {
  it("an account id of 600 characters is a 400 naming the account, on every kind of route", async () => {
    const long = "a".repeat(600);
    for (const [method, path, body] of [
      ["GET", `/v1/accounts/${long}`],
      ["PUT", `/v1/accounts/${long}`, {}],
      ["GET", `/v1/accounts/${long}/actions`],
      ["POST", `/v1/accounts/${long}/keys`, { name: "k" }],
    ] as const) {
      const res = await api(method, path, body);
      expect(res.status, `${method} ${path.slice(0, 40)}`).toBe(400);
      expect(res.body.error.message).toMatch(/^account: must be 1–64/);
    }
  });

  it("an account id holding a KV separator reads nothing and mints no key", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: "https://user:secret@example.com/hook" }, "lead");
    const read = await api("GET", `/v1/accounts/${account}:action:lead`);
    expect(read.status).toBe(400);
    expect(JSON.stringify(read.body)).not.toContain("secret");
    expect((await api("POST", `/v1/accounts/${account}:action:lead/keys`, { name: "k" })).status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/keys`)).body.keys).toEqual([]);
  });

  it("a customer id of 256 '€' (768 bytes) is a 400 naming customer.id, and nothing is recorded", async () => {
    const account = await makeAccount();
    await makeAction(account);
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "€".repeat(256) } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("customer.id: must be at most 256 bytes in UTF-8");
    expect(await deliveriesOf(account)).toEqual([]);
  });

  it("a customer id of 256 bytes is accepted, and its attributes can be read by that id", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("longid")) });
    const id = "é".repeat(128); // 256 bytes
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id } });
    expect(res.status).toBe(202);
    const attributes = await api("GET", `/v1/accounts/${account}/customers/${encodeURIComponent(id)}/attributes`);
    expect(attributes.status).toBe(200);
  });

  it("malformed key, delivery and customer ids in paths are 400s naming the parameter", async () => {
    const account = await makeAccount();
    expect((await api("DELETE", `/v1/accounts/${account}/keys/not-a-key`)).body.error.message).toMatch(/^id: /);
    expect((await api("GET", `/v1/accounts/${account}/deliveries/x`)).body.error.message).toMatch(/^id: /);
    const customer = await api("GET", `/v1/accounts/${account}/customers/${"x".repeat(300)}/attributes`);
    expect(customer.status).toBe(400);
    expect(customer.body.error.message).toMatch(/^customer: /);
  });
});

describe("a request that can never succeed is a 4xx, not a 503", () => {
  it("a customer nested 4,000 deep is a 400 before anything is stored", async () => {
    const account = await makeAccount();
    await makeAction(account);
    const body = `{"customer": {"id": "c1", "deep": ${"[".repeat(4000)}${"]".repeat(4000)}}}`;
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("body: nested more than 64 levels deep; the limit is 64");
    expect(await deliveriesOf(account)).toEqual([]);
  });

  it("64 levels are fine; 65 are refused", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("depth")) });
    const nested = (levels: number) => `{"customer": {"id": "c1", "x": ${"[".repeat(levels - 2)}${"]".repeat(levels - 2)}}}`;
    expect((await api("POST", `/v1/accounts/${account}/actions/a/trigger`, nested(64))).status).toBe(202);
    expect((await api("POST", `/v1/accounts/${account}/actions/a/trigger`, nested(65))).status).toBe(400);
  });

  it("a 900 KB customer rendered into the body of an action that sets attributes is a 413, and nothing is left", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("big")), body: "{{ customer | json }}", attributes: { seen: "yes" } });
    const customer = { id: "c1", notes: "n".repeat(900_000) };
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer, idempotency_key: "big-1" });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/^The delivery would store \d+ bytes .*; the limit is 1800000$/);
    expect(await deliveriesOf(account)).toEqual([]);
  });

  it("the same 900 KB body is accepted and sent when no attribute templates need the inputs kept", async () => {
    const key = uniqueId("bigsent");
    const account = await makeAccount();
    await makeAction(account, { url: target(key), body: "{{ customer | json }}" });
    const customer = { id: "c1", notes: "n".repeat(900_000) };
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer });
    expect(res.status).toBe(202);
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect(delivery.request.body).toBe(JSON.stringify(customer));
  });
});

describe("stored attributes are bounded and can be cleared", () => {
  it("a response attribute over 64 KB writes nothing; the delivery is sent and its error names the attribute", async () => {
    const key = uniqueId("bigattr");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, "pad=70000"), attributes: { small: "ok", big: "{{ response.pad }}" } });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent", "failed"]);
    expect(delivery.status).toBe("sent");
    expect(delivery.error).toMatch(/attributes\.big/);
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({});
  });

  it("attributes that would pass 256 KB per customer together write nothing, and later triggers still work", async () => {
    const key = uniqueId("manyattr");
    const account = await makeAccount();
    const five = Object.fromEntries(["a", "b", "c", "d", "e"].map((name) => [name, "{{ response.pad }}"]));
    await makeAction(account, { url: target(key, "pad=60000"), attributes: five });
    const first = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, first.body.delivery_id, ["sent", "failed"]);
    expect(delivery.status).toBe("sent");
    expect(delivery.error).toMatch(/the customer's attributes would take \d+ bytes; the limit is 262144/);
    const second = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    expect(second.status).toBe(202);
  });

  it("DELETE clears one attribute, then all, in the limiter and in the KV copy renders read", async () => {
    const key = uniqueId("clear");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"lead":"L-1","score":3}')}`), attributes: { lead: "{{ response.lead }}", score: "{{ response.score }}" } });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    const path = `/v1/accounts/${account}/customers/c1/attributes`;
    expect((await api("GET", path)).body.attributes).toEqual({ lead: "L-1", score: 3 });

    const one = await api("DELETE", `${path}/lead`);
    expect(one.status).toBe(200);
    expect(one.body.attributes).toEqual({ score: 3 });
    expect(await env.ATTRIBUTES.get(`${account}:c1`, "json")).toEqual({ score: 3 });

    const all = await api("DELETE", path);
    expect(all.body.attributes).toEqual({});
    expect((await api("GET", path)).body.attributes).toEqual({});
    expect(await env.ATTRIBUTES.get(`${account}:c1`)).toBeNull();
  });

  it("a service key clears its own customer's attributes; an attribute name that cannot exist is a 400", async () => {
    const account = await makeAccount();
    const { key } = await makeKey(account);
    expect((await api("DELETE", `/v1/accounts/${account}/customers/c1/attributes`, undefined, key)).status).toBe(200);
    expect((await api("DELETE", `/v1/accounts/${account}/customers/c1/attributes/${"9bad"}`, undefined, key)).status).toBe(400);
  });

  it("preview renders with the customer's stored attributes under the given fields, as a trigger does", async () => {
    const key = uniqueId("overlay");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"lead":"L-9"}')}`), attributes: { lead: "{{ response.lead }}" } }, "create");
    await makeAction(account, { url: "https://example.com/x", body: "{{ customer.lead }}/{{ customer.name }}" }, "show");
    const res = await api("POST", `/v1/accounts/${account}/actions/create/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    await waitFor(async () => (await env.ATTRIBUTES.get(`${account}:c1`)) !== null);

    const preview = await api("POST", `/v1/accounts/${account}/actions/show/preview`, { customer: { id: "c1", name: "Ada" } });
    expect(preview.body.request.body).toBe("L-9/Ada");
    // The caller's own fields win over stored ones.
    const own = await api("POST", `/v1/accounts/${account}/actions/show/preview`, { customer: { id: "c1", lead: "mine" } });
    expect(own.body.request.body).toBe("mine/");
  });
});

describe("smaller ones", () => {
  it("a replay of a delivery whose action was deleted sends the stored request again (202)", async () => {
    const key = uniqueId("replaygone");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const first = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, first.body.delivery_id, ["sent"]);
    expect((await api("DELETE", `/v1/accounts/${account}/actions/a`)).status).toBe(204);
    const replay = await api("POST", `/v1/accounts/${account}/deliveries/${first.body.delivery_id}/replay`);
    expect(replay.status).toBe(202);
    await deliveryReaches(account, replay.body.delivery_id, ["sent"]);
  });

  it("error messages do not echo a long path or field name in full", async () => {
    const path = await api("GET", `/${"p".repeat(5000)}`);
    expect(path.status).toBe(404);
    expect(path.body.error.message.length).toBeLessThanOrEqual(300);
    const account = await makeAccount();
    const field = await api("PUT", `/v1/accounts/${account}`, { ["f".repeat(5000)]: 1 });
    expect(field.status).toBe(400);
    expect(JSON.stringify(field.body).length).toBeLessThan(1000);
  });
});
