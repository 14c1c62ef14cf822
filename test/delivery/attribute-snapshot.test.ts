import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, target, uniqueId, waitFor } from "../helpers";

const trigger = (account: string, action: string) => api("POST", `/v1/accounts/${account}/actions/${action}/trigger`, { customer: { id: "c1" } });
const attributesOf = async (account: string) => (await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes;
const increment = { lifetime_value: "{{ customer.lifetime_value | plus: response.amount }}" };
const amount5 = `json=${encodeURIComponent('{"amount":5}')}`;

describe("attribute updates render against the values stored when the response arrives", () => {
  it("increments that land while an older trigger's snapshot is in flight all count", async () => {
    const key = uniqueId("snapshot");
    const account = await makeAccount();
    await makeAction(account, { url: target(`${key}-slow`, `delay=1500&${amount5}`), attributes: increment }, "slow");
    await makeAction(account, { url: target(`${key}-fast`, amount5), attributes: increment }, "fast");

    // A stored value to begin with, so every trigger below renders with lifetime_value 5 in its snapshot.
    await deliveryReaches(account, (await trigger(account, "fast")).body.delivery_id, ["sent"]);
    await waitFor(async () => (await env.ATTRIBUTES.get<{ lifetime_value: number }>(`${account}:c1`, "json"))?.lifetime_value === 5);

    const slow = await trigger(account, "slow");
    const fast = await Promise.all([trigger(account, "fast"), trigger(account, "fast"), trigger(account, "fast")]);
    await Promise.all([slow, ...fast].map((res) => deliveryReaches(account, res.body.delivery_id, ["sent"])));
    // Each response adds its 5 to what is stored when it lands, not to the 5 its trigger saw.
    expect(await attributesOf(account)).toEqual({ lifetime_value: 25 });
    await waitFor(async () => (await env.ATTRIBUTES.get<{ lifetime_value: number }>(`${account}:c1`, "json"))?.lifetime_value === 25);
  });

  it("a response that sets one attribute keeps the customer's others", async () => {
    const key = uniqueId("keep");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"lead_id":"L-1"}')}`), attributes: { lead_id: "{{ response.lead_id }}" } }, "lead");
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"score":7}')}`), attributes: { score: "{{ response.score }}" } }, "score");
    await deliveryReaches(account, (await trigger(account, "lead")).body.delivery_id, ["sent"]);
    await deliveryReaches(account, (await trigger(account, "score")).body.delivery_id, ["sent"]);
    expect(await attributesOf(account)).toEqual({ lead_id: "L-1", score: 7 });
  });
});
