import { describe, expect, it, vi } from "vitest";
import { consume, limiterBindings, triggerHeld } from "../fixtures/held-queue";
import { api, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

describe("a KV write-through that fails", () => {
  it("is not a consumer failure: the message is acked, not handed back to the queue", async () => {
    const key = uniqueId("kv-down");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"lead_id":"L-9"}')}`), attributes: { lead_id: "{{ response.lead_id }}" } });
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    const bindings = await limiterBindings(`account:${account}`);
    const put = vi.spyOn(bindings.ATTRIBUTES, "put").mockRejectedValue(new Error("KV: too many writes"));
    let outcome;
    try {
      outcome = await consume(messages);
    } finally {
      put.mockRestore();
    }
    expect(outcome.result.explicitAcks).toEqual(outcome.ids);
    expect(outcome.result.retryMessages).toEqual([]);
    expect(outcome.requeued).toEqual([]);
    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body;
    expect(delivery).toMatchObject({ status: "sent", error: null });
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({ lead_id: "L-9" });
    expect((await received(key)).count).toBe(1);
  });
});
