import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId } from "../helpers";
import { limiterQueue } from "../fixtures/held-queue";

/** The bindings the account's limiter uses, reached inside the object so a test can make them fail. */
async function limiterBindings(account: string): Promise<Env> {
  const stub = env.ACCOUNT_LIMITER.getByName(`account:${account}`) as DurableObjectStub<AccountLimiter>;
  return runInDurableObject(stub, (instance) => (instance as unknown as { env: Env }).env);
}

describe("when the platform fails", () => {
  it("a queue that refuses the message means 503, and no delivery is left behind", async () => {
    const key = uniqueId("refused");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const bindings = await limiterBindings(account);
    const send = vi.spyOn(limiterQueue(bindings, `account:${account}`), "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    try {
      const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" }, idempotency_key: "k1" });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("unavailable");
    } finally {
      send.mockRestore();
    }
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
    // The idempotency key was not used up by the refused attempt.
    const again = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" }, idempotency_key: "k1" });
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBe(false);
    await deliveryReaches(account, again.body.delivery_id, ["sent"]);
    expect((await received(key)).count).toBe(1);
  });

  it("a failed KV write-through keeps the delivery sent and the attributes in the limiter", async () => {
    const key = uniqueId("kvfail");
    const account = await makeAccount();
    await makeAction(account, { url: target(key, `json=${encodeURIComponent('{"lead_id":"L-5"}')}`), attributes: { lead_id: "{{ response.lead_id }}" } });
    const bindings = await limiterBindings(account);
    const put = vi.spyOn(bindings.ATTRIBUTES, "put").mockRejectedValue(new Error("KV: too many writes"));
    try {
      const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
      const delivery = await deliveryReaches(account, res.body.delivery_id, ["sent", "failed"]);
      expect(delivery.status).toBe("sent");
      expect(delivery.attempts).toHaveLength(1);
    } finally {
      put.mockRestore();
    }
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({ lead_id: "L-5" });
    expect((await received(key)).count).toBe(1);
  });
});
