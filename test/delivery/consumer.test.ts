import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { jobTo, logOf } from "../fixtures/limiter";
import { makeAccount, received, target, uniqueId } from "../helpers";
import { newDeliveryId } from "../../src/delivery/message";

describe("one consumer invocation", () => {
  it("keeps at most 6 requests in flight, even when its batch spans two accounts", async () => {
    const key = uniqueId("six");
    const messages = [];
    for (const account of [await makeAccount(), await makeAccount()]) {
      const limiter = `account:${account}`;
      const ids = Array.from({ length: 6 }, (_, i) => newDeliveryId());
      await runInDurableObject(env.ACCOUNT_LIMITER.getByName(limiter), async (instance) => {
        for (const id of ids) logOf(instance).insert(id, jobTo(account, target(key, "delay=200")), Date.now(), {});
      });
      for (const id of ids) messages.push({ id: `${account}-${id}`, timestamp: new Date(), attempts: 1, body: { v: 1, limiter, account, delivery_id: id } });
    }

    const batch = createMessageBatch("edgehook-deliveries", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toHaveLength(12);

    const seen = await received(key);
    expect(seen.count).toBe(12);
    expect(seen.maxInFlight).toBe(6);
  });
});
