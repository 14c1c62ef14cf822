import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, target, uniqueId, waitFor } from "../helpers";

describe("response → attributes", () => {
  it("counts every one of 10 concurrent increments for one customer", async () => {
    const key = uniqueId("incr");
    const account = await makeAccount();
    await makeAction(account, {
      url: target(key, `json=${encodeURIComponent('{"amount":5}')}`),
      attributes: { lifetime_value: "{{ customer.lifetime_value | plus: response.amount }}" },
    });
    const triggers = await Promise.all(
      Array.from({ length: 10 }, () => api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } })),
    );
    await Promise.all(triggers.map((res) => deliveryReaches(account, res.body.delivery_id, ["sent"])));
    const attributes = (await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes;
    expect(attributes).toEqual({ lifetime_value: 50 });
    // KV, the edge read replica, gets the same value.
    await waitFor(async () => (await env.ATTRIBUTES.get<{ lifetime_value: number }>(`${account}:c1`, "json"))?.lifetime_value === 50);
  });

  it("feeds stored attributes into the next trigger's render", async () => {
    const key = uniqueId("feed");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"lead_id":"L-1"}')}`), attributes: { lead_id: "{{ response.lead_id }}" } }, "create");
    await makeAction(account, { url: target(`${key}-2`), body: "lead={{ customer.lead_id }}" }, "update");
    const first = await api("POST", `/v1/accounts/${account}/actions/create/trigger`, { customer: { id: "c1" } });
    await deliveryReaches(account, first.body.delivery_id, ["sent"]);
    await waitFor(async () => (await env.ATTRIBUTES.get(`${account}:c1`)) !== null);
    const second = await api("POST", `/v1/accounts/${account}/actions/update/trigger`, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, second.body.delivery_id, ["sent"]);
    expect(delivery.request.body).toBe("lead=L-1");
  });

  it("records an attribute template that fails to render without losing the sent status", async () => {
    const key = uniqueId("attrerr");
    const account = await makeAccount();
    await makeAction(account, { url: target(key), attributes: { ratio: "{{ 1 | divided_by: 0 }}" } });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    expect(delivery.error).toMatch(/attribute update failed/);
  });
});
