import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { Permits } from "../../src/limiter/permits";
import { jobTo, logOf, makeJob } from "../fixtures/limiter";
import { api, deliveryReaches, makeAccount, received, target, uniqueId } from "../helpers";
import { newDeliveryId } from "../../src/delivery/message";
import { limiterQueue } from "../fixtures/held-queue";

describe("copies of a queue message", () => {
  it("are not granted while the delivery is in flight, finished, or not yet due", async () => {
    const stub = env.ACCOUNT_LIMITER.getByName(uniqueId("limiter")) as DurableObjectStub<AccountLimiter>;
    await runInDurableObject(stub, async (instance, state) => {
      const log = logOf(instance);
      const now = Date.now();
      for (const id of ["dlv_inflight", "dlv_done", "dlv_later", "dlv_due", "dlv_crashed"]) log.insert(id, makeJob("acct"), now, {});
      new Permits(state.storage.sql).take("lease-live", 1, 600, now + 60_000, now);
      log.markSending("dlv_inflight", "lease-live", now);
      log.markSending("dlv_crashed", "lease-expired", now); // no such lease: its consumer is gone
      log.recordAttempt("dlv_done", { at: "", status: 200, duration_ms: 1 }, { status: "sent" }, now);
      log.recordAttempt("dlv_later", { at: "", status: 503, duration_ms: 1 }, { status: "retrying", nextAttemptAt: now + 60_000 }, now);
      log.recordAttempt("dlv_due", { at: "", status: 503, duration_ms: 1 }, { status: "retrying", nextAttemptAt: now - 1 }, now);

      const result = await instance.acquire(["dlv_inflight", "dlv_done", "dlv_later", "dlv_due", "dlv_crashed", "dlv_unknown"], 30_000);
      expect(result.settled.sort()).toEqual(["dlv_done", "dlv_inflight", "dlv_later", "dlv_unknown"]);
      expect(result.granted.map((d) => d.id).sort()).toEqual(["dlv_crashed", "dlv_due"]);
      expect(result.granted.find((d) => d.id === "dlv_due")?.attempts).toBe(1);
    });
  });
});

describe("the orphan sweep", () => {
  it("re-queues an unfinished delivery whose message was lost, and it is delivered", async () => {
    const key = uniqueId("orphan");
    const account = await makeAccount();
    const name = `account:${account}`;
    const stub = env.ACCOUNT_LIMITER.getByName(name) as DurableObjectStub<AccountLimiter>;
    const id = newDeliveryId();
    await runInDurableObject(stub, async (instance, state) => {
      // Accepted an hour ago; its queue message never arrived.
      logOf(instance).insert(id, jobTo(account, target(key)), Date.now() - 60 * 60 * 1000, {});
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const delivery = await deliveryReaches(account, id, ["sent"]);
    expect(delivery.attempts).toHaveLength(1);
    expect((await received(key)).count).toBe(1);
  });

  it("leaves a delivery waiting for a permit alone", async () => {
    const stub = env.ACCOUNT_LIMITER.getByName(uniqueId("limiter")) as DurableObjectStub<AccountLimiter>;
    await runInDurableObject(stub, async (instance, state) => {
      const log = logOf(instance);
      log.insert("dlv_waiting", makeJob("acct"), Date.now() - 60 * 60 * 1000, {});
      await instance.setConcurrency("limiter-x", 1);
      // Another consumer holds the only permit, so this delivery waits (and is touched as it waits).
      new Permits(state.storage.sql).take("lease-other", 1, 1, Date.now() + 60_000, Date.now());
      const result = await instance.acquire(["dlv_waiting"], 30_000);
      expect(result.waiting).toEqual(["dlv_waiting"]);
      expect(log.orphaned(Date.now() - 15 * 60 * 1000, 10)).toEqual([]);
    });
  });
});

describe("handing a retry back to the queue", () => {
  it("retries the original message with the retry's delay when re-enqueueing fails", async () => {
    const key = uniqueId("handback");
    const account = await makeAccount();
    const name = `account:${account}`;
    const id = newDeliveryId();
    await runInDurableObject(env.ACCOUNT_LIMITER.getByName(name) as DurableObjectStub<AccountLimiter>, async (instance) => {
      logOf(instance).insert(id, jobTo(account, target(key, "status=503")), Date.now(), {});
    });

    const sendBatch = vi.spyOn(limiterQueue(env, name), "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    try {
      const batch = createMessageBatch("edgehook-deliveries", [
        { id: "m1", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: name, account, delivery_id: id } },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env as never, ctx);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m1"]);
    } finally {
      sendBatch.mockRestore();
    }
    const delivery = await api("GET", `/v1/accounts/${account}/deliveries/${id}`);
    expect(delivery.body.status).toBe("retrying");
    expect((await received(key)).count).toBe(1);
  });
});
