import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { configCache } from "../../src/store/config-cache";
import { AccountId } from "../../src/store/ids";
import { kvKeys } from "../../src/store/keys";
import { consume, triggerHeld } from "../fixtures/held-queue";
import { api, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

// What the consumers do when the platform under them fails: a message goes
// back to the queue (which counts it towards the dead-letter queue); it is
// never acked, which would lose it.

describe("when the consumer cannot do its work", () => {
  it("a batch whose account config cannot be read (not in this isolate's cache) goes back to the queue, unsent", async () => {
    const key = uniqueId("crash");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    // The trigger warmed the cache; a consumer in an isolate that has not seen the account reads KV.
    configCache.invalidate(kvKeys.account(AccountId.parse(account)));
    const brokenConfig = { get: async () => { throw new Error("KV unavailable"); } };
    const { result, ids } = await consume(messages, { CONFIG: brokenConfig });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(ids);
    expect((await received(key)).count).toBe(0);
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body.status).toBe("queued");
  });

  it("an account warm in the isolate's cache is not read again: its batch is sent though KV is down", async () => {
    const key = uniqueId("warm");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    const brokenConfig = { get: async () => { throw new Error("KV unavailable"); } };
    const { result, ids } = await consume(messages, { CONFIG: brokenConfig });
    expect(result.explicitAcks).toEqual(ids);
    expect((await received(key)).count).toBe(1);
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body.status).toBe("sent");
  });

  it("a dead letter that cannot be recorded goes back to the dead-letter queue", async () => {
    const batch = createMessageBatch("edgehook-deliveries-dlq", [
      { id: "dead", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: "account:x", account: "x", delivery_id: "dlv_000000000000000000a" } },
    ]);
    const limiterDown = { getByName: () => ({ markFailed: async () => { throw new Error("limiter unavailable"); } }) };
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ACCOUNT_LIMITER: limiterDown } as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["dead"]);
  });
});
